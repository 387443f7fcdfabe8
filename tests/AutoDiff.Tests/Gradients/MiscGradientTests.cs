using Xunit;
using Q = AutoDiff.Tests.Gradients.MiscFunctions;

namespace AutoDiff.Tests.Gradients;

public sealed class MiscGradientTests
{
    [Fact]
    public void Gradient_ThroughArrayInitializersWithDifferentiableElements_MatchesFiniteDifferences() =>
        Check.Scalar2(1101, Q.ArrayInitializer, Q.ArrayInitializerGradient);

    [Fact]
    public void Gradient_WithJaggedArrayPassedThroughAsData_MatchesFiniteDifferences()
    {
        double[][] m = { new[] { 1.0, 2.0 }, new[] { -0.5 }, Array.Empty<double>() };
        Check.Scalar(1102, x => Q.JaggedPassThrough(x, m), (double x, out double dx) => Q.JaggedPassThroughGradient(x, m, out dx));
    }

    [Fact]
    public void Gradient_OfElementUpdatesReadingTheElementItself_MatchesFiniteDifferences() =>
        Check.Array(1103, Q.SelfCompound, Q.SelfCompoundGradient);

    [Fact]
    public void Gradient_OfLogMinMaxWithConstantArguments_MatchesFiniteDifferences() =>
        Check.Scalar2(1104, Q.LogConstants, Q.LogConstantsGradient, lo: 0.3, hi: 3, points: 10);

    [Fact]
    public void Gradient_OfTernaryChoosingBetweenArrays_GoesOnlyToTheChosenArray()
    {
        var s = new Sampler(1105);
        foreach (int n in new[] { 0, 1, 4, 4 })
        {
            double[] a = s.Array(n, -1, 1), b = s.Array(n, -1, 1);
            double c = s.Next(-2, 2);
            double[] ga = new double[n], gb = new double[n];
            double value = Q.TernaryArrayChoiceGradient(a, b, c, ga, gb, out double dc);
            Assert.Equal(Q.TernaryArrayChoice(a, b, c), value);
            FiniteDifference.AssertGradient(
                p => Q.TernaryArrayChoice(p[..n], p[n..(2 * n)], p[2 * n]), Pack.Concat(a, b, new[] { c }), Pack.Concat(ga, gb, new[] { dc }));
            Assert.All(c > 0 ? gb : ga, g => Assert.Equal(0, g));
        }
    }

    [Fact]
    public void Gradient_OfLocalReassignedFromCalls_MatchesFiniteDifferences() =>
        Check.Scalar(1106, Q.LocalReassignedFromCall, Q.LocalReassignedFromCallGradient, lo: -1.2, hi: 1.2);

    [Fact]
    public void Gradient_OfArrayRewrittenFromItselfEveryRound_MatchesFiniteDifferences() =>
        Check.ArrayScalar(1107, Q.ArrayRewrittenEveryRound, Q.ArrayRewrittenEveryRoundGradient);

    [Fact]
    public void Gradient_WithScalarAndArrayParametersOverwrittenInALoop_IsWithRespectToTheirEntryValues() =>
        Check.ArrayScalar(
            1108, (a, x) => Q.ParameterOverwrittenInLoop(x, a),
            (double[] a, double x, Span<double> da, out double dx) => Q.ParameterOverwrittenInLoopGradient(x, a, out dx, da));

    [Fact]
    public void Gradient_ThroughALoopOfCallsToAnEarlyReturningCallee_MatchesFiniteDifferences() =>
        Check.ArrayScalar(1109, Q.LoopOfCallsToAnEarlyReturningCallee, Q.LoopOfCallsToAnEarlyReturningCalleeGradient, clo: 0.5, chi: 3);

    [Fact]
    public void Gradient_OfWhileLoopWhoseConditionReadsAnElement_MatchesFiniteDifferences() =>
        Check.ArrayScalar(1110, Q.WhileConditionReadsAnElement, Q.WhileConditionReadsAnElementGradient, clo: -0.5, chi: 1.5);
}
