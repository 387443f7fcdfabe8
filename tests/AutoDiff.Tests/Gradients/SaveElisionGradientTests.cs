using Xunit;
using M = AutoDiff.Tests.Gradients.SaveElisionFunctions;

namespace AutoDiff.Tests.Gradients;

public sealed class SaveElisionGradientTests
{
    private static readonly int[] Lengths = { 0, 1, 2, 3, 5, 8 };

    [Fact]
    public void Gradient_OfTriangleAccumulatedIntoALocalArray_MatchesFiniteDifferences() =>
        Check.Array(601, M.TriangleAccumulation, M.TriangleAccumulationGradient, Lengths);

    [Fact]
    public void Gradient_WhenOnlySomeElementsAreRewrittenPerIteration_MatchesFiniteDifferences() =>
        Check.Array(602, M.PartialRewriteCarriesOver, M.PartialRewriteCarriesOverGradient, Lengths);

    [Fact]
    public void Gradient_WhenTheArrayIsReadBeforeItIsWritten_MatchesFiniteDifferences() =>
        Check.Array(603, M.ReadBeforeWrite, M.ReadBeforeWriteGradient, Lengths);

    [Fact]
    public void Gradient_WithBoundsFromParametersLocalsAndOuterIndices_MatchesFiniteDifferences() =>
        Check.Array(604, M.TriangularBoundsAndCounter, M.TriangularBoundsAndCounterGradient, Lengths);
}
