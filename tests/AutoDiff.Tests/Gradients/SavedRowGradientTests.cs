using Xunit;
using S = AutoDiff.Tests.Gradients.SavedRowFunctions;

namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Loops whose iterations record values in rows of their own (see <see cref="SavedRowFunctions"/>) against finite
/// differences, for lengths from 0 (no loop runs) to several iterations of nested loops.
/// </summary>
public sealed class SavedRowGradientTests
{
    private static readonly int[] Lengths = { 0, 1, 2, 3, 4, 5, 8, 11 };

    [Fact]
    public void Gradient_OfNestedSaves_MatchesFiniteDifferences() =>
        Check.Array(1301, S.NestedSaves, S.NestedSavesGradient, Lengths, lo: -1.5, hi: 1.5);

    [Fact]
    public void Gradient_OfLeakyMaxWithVaryingInnerLoop_MatchesFiniteDifferences() =>
        Check.Array(1302, S.LeakyMaxWithVaryingInnerLoop, S.LeakyMaxWithVaryingInnerLoopGradient, Lengths, lo: -1.2, hi: 1.2);

    [Fact]
    public void Gradient_OfFloatNestedSaves_MatchesFiniteDifferencesAndDoubleTwin()
    {
        var s = new Sampler(1303);
        foreach (int n in Lengths)
        {
            float[] x = s.ArrayF(n, -1.5, 1.5);
            float[] g = Enumerable.Repeat(float.NaN, n).ToArray();
            float value = S.NestedSavesFGradient(x, g);
            Assert.Equal(S.NestedSavesF(x), value);
            FiniteDifference.AssertGradientF(p => S.NestedSavesF(p), x, g);
            FiniteDifference.AssertGradientAgainstTwin(p => S.NestedSaves(p), x, g);
        }
    }

    /// <summary>
    /// Rows of a top-level loop live on the stack up to 1024 bytes (128 doubles, 256 ints, 1024 bools) and on a rented
    /// tape past that: lengths on both sides of each limit, twice each (the second call reuses the tapes the first returned).
    /// </summary>
    [Fact]
    public void Gradient_OfRowsOnEitherSideOfTheStackLimit_MatchesFiniteDifferences()
    {
        int[] lengths = { 128, 129, 130, 256, 257, 258, 1024, 1025, 1026, 1500 };
        Check.Array(1304, S.SmoothRecurrence, S.SmoothRecurrenceGradient, lengths.Concat(lengths).ToArray());
    }
}
