using Xunit;
using E = AutoDiff.Tests.Gradients.CallEdgeCases;

namespace AutoDiff.Tests.Gradients;

public sealed class EdgeCaseGradientTests
{
    [Fact]
    public void Gradient_WithSameLocalNameInSiblingScopesOfDifferentTypes_MatchesFiniteDifferences()
    {
        var s = new Sampler(701);
        foreach (int n in Check.DefaultLengths)
        {
            double[] a = s.Array(n, -1.5, 1.5);
            float[] b = s.ArrayF(n, -1.5, 1.5);
            double[] ga = new double[n];
            float[] gb = new float[n];
            double value = NamingEdgeCases.SiblingScopesGradient(a, b, ga, gb);
            Assert.Equal(NamingEdgeCases.SiblingScopes(a, b), value);

            // b is float, so the step is float-sized.
            FiniteDifference.AssertGradient(
                p => NamingEdgeCases.SiblingScopes(p[..n], p[n..].Select(v => (float)v).ToArray()),
                Pack.Concat(a, b.Select(v => (double)v).ToArray()), Pack.Concat(ga, gb.Select(v => (double)v).ToArray()),
                h: 1.0 / 128, tolerance: 1e-3);
        }
    }

    [Fact]
    public void Gradient_WithLocalsNamedLikeGeneratedVariables_MatchesFiniteDifferences() =>
        Check.Scalar2(702, NamingEdgeCases.NameCollisions, NamingEdgeCases.NameCollisionsGradient);

    [Fact]
    public void Gradient_WithVerbatimKeywordParameterNames_MatchesFiniteDifferences() =>
        Check.Scalar2(703, NamingEdgeCases.KeywordNames, NamingEdgeCases.KeywordNamesGradient);

    [Fact]
    public void Gradient_ThroughOverloadedDifferentiableMethods_MatchesFiniteDifferences()
    {
        var s = new Sampler(704);
        for (int k = 0; k < 6; k++)
        {
            double[] p = s.Point((-2, 2), (-2, 2));
            float y = (float)p[1];
            double value = Overloads.UsesBothGradient(p[0], y, out double dx, out float dy);
            Assert.Equal(Overloads.UsesBoth(p[0], y), value);
            FiniteDifference.AssertGradient(q => Overloads.UsesBoth(q[0], (float)q[1]), p, new[] { dx, dy }, h: 1.0 / 128, tolerance: 1e-3);

            Overloads.NormGradient(p[0], p[1], out double nx, out double ny);
            Overloads.NormGradient((float)p[0], y, out float fx, out float fy);
            FiniteDifference.AssertGradientAgainstTwin(q => Overloads.Norm(q[0], q[1]), new[] { (float)p[0], y }, new[] { fx, fy });
            FiniteDifference.AssertGradient(q => Overloads.Norm(q[0], q[1]), p, new[] { nx, ny });
        }
    }

    [Fact]
    public void Gradient_ThroughCallsUsingDefaultArguments_MatchesFiniteDifferences() =>
        Check.Scalar(705, E.CallsWithDefault, E.CallsWithDefaultGradient);

    [Fact]
    public void Gradient_ThroughCallsWithNamedArgumentsOutOfOrder_MatchesFiniteDifferences() =>
        Check.Scalar2(706, E.NamedArgs, E.NamedArgsGradient);

    [Fact]
    public void Gradient_ThroughInParameter_MatchesFiniteDifferences()
    {
        Check.Scalar(707, E.CallsInParam, E.CallsInParamGradient);
        double value = E.InParamGradient(1.5, -2, out double dx, out double dy);
        Assert.Equal(-3, value);
        Assert.Equal(-2, dx);
        Assert.Equal(1.5, dy);
    }

    [Fact]
    public void Gradient_WhenTheSameArrayIsPassedForTwoParameters_AddsBothContributions()
    {
        Check.Array(708, E.SameArrayTwice, E.SameArrayTwiceGradient);
        double[] g = new double[2];
        E.SameArrayTwiceGradient(new[] { 1.5, -2.0 }, g);
        Assert.Equal(new[] { 3.0, -4.0 }, g);
    }

    [Fact]
    public void Gradient_ThroughLocalArrayPassedToACallee_MatchesFiniteDifferences() =>
        Check.ArrayScalar(709, E.LocalArrayToCallee, E.LocalArrayToCalleeGradient);

    [Fact]
    public void Gradient_OfPowWithNegativeBaseAndConstantExponent_IsFinite()
    {
        Check.Scalar(710, E.PowNegativeBase, E.PowNegativeBaseGradient, lo: -2, hi: -0.25);
        E.PowNegativeBaseFGradient(-1.5f, out float df);
        Assert.Equal(3 * 1.5f * 1.5f, df, 1e-5f);
    }

    [Fact]
    public void Gradient_OfLoopWithDoubleCounterStartingAtTheInput_MatchesFiniteDifferences() =>
        Check.Scalar(711, E.DoubleLoopCounter, E.DoubleLoopCounterGradient, lo: -4, hi: 2.9, points: 10);

    [Fact]
    public void Gradient_ThroughCalleeInLoopCondition_MatchesFiniteDifferences() =>
        Check.Scalar(712, E.CallsWithCalleeResultInLoopCondition, E.CallsWithCalleeResultInLoopConditionGradient, lo: -1.5, hi: 1.5);

    [Fact]
    public void Gradient_ThroughCallsInBothTernaryBranches_MatchesFiniteDifferences() =>
        Check.Scalar2(713, E.TernaryWithCalls, E.TernaryWithCallsGradient, points: 10);

    [Fact]
    public void Gradient_ThroughNestedCalls_MatchesFiniteDifferences() =>
        Check.Scalar(714, E.NestedCalls, E.NestedCallsGradient, lo: -1.2, hi: 1.2);

    [Fact]
    public void Gradient_ThroughCallsInIfConditionAndReturn_MatchesFiniteDifferences() =>
        Check.Scalar2(715, E.CallInIfConditionAndReturn, E.CallInIfConditionAndReturnGradient, points: 10);

    [Fact]
    public void Gradient_OfCallResultOverwritingALocalInAForeach_MatchesFiniteDifferences() =>
        Check.ArrayScalar(716, (a, x) => E.CallResultOverwritesInLoop(a, x), (double[] a, double x, Span<double> da, out double dx) => E.CallResultOverwritesInLoopGradient(a, x, da, out dx));

    [Fact]
    public void Gradient_ThroughCallsAcrossFloatAndDouble_MatchesFiniteDifferences()
    {
        var s = new Sampler(717);
        for (int k = 0; k < 6; k++)
        {
            float[] p = s.PointF((-1.5, 1.5));
            float value = E.FloatCallsDoubleCalleeGradient(p[0], out float df);
            Assert.Equal(E.FloatCallsDoubleCallee(p[0]), value);
            FiniteDifference.AssertGradientF(q => E.FloatCallsDoubleCallee(q[0]), p, new[] { df });

            double x = p[0];
            double dvalue = E.DoubleCallsFloatCalleeGradient(x, out double dd);
            Assert.Equal(E.DoubleCallsFloatCallee(x), dvalue);
            FiniteDifference.AssertGradient(q => E.DoubleCallsFloatCallee(q[0]), new[] { x }, new[] { dd }, h: 1.0 / 128, tolerance: 1e-3);
        }
    }

    [Fact]
    public void Gradient_WithIndexComputedFromADifferentiableValue_TreatsTheIndexAsConstant() =>
        Check.ArrayScalar(718, E.ActiveIndex, E.ActiveIndexGradient, lengths: new[] { 1, 3, 5, 7 });

    [Fact]
    public void Gradient_OfMethodsInNestedPartialStructAndRecord_MatchesFiniteDifferences()
    {
        var st = new Outer.InnerStruct { K = 1.5 };
        Check.Scalar(719, st.F, st.FGradient);
        var rec = new Outer.Rec(-0.75);
        Check.Scalar(720, rec.G, rec.GGradient);
    }

    [Fact]
    public void Gradient_ThroughInstanceMethodsOnAFieldAndOnAParameter_MatchesFiniteDifferences()
    {
        var holder = new Holder();
        Check.Scalar(721, holder.ViaField, holder.ViaFieldGradient);
        var osc = new Oscillator(0.6, new[] { 1.0, 2.0 });
        Check.Scalar(722, x => Holder.ViaParameter(x, osc), (double x, out double dx) => Holder.ViaParameterGradient(x, osc, out dx));
    }

    [Fact]
    public void Gradient_OfMethodInGenericType_MatchesFiniteDifferences()
    {
        var g = new Generic<string>();
        Check.Scalar(723, g.H, g.HGradient);
    }
}
