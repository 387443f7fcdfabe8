using Xunit;
using M = AutoDiff.Tests.Gradients.MoreLoopFunctions;

namespace AutoDiff.Tests.Gradients;

public sealed class MoreLoopGradientTests
{
    private static readonly int[] Lengths = { 0, 1, 2, 5, 8 };

    [Fact]
    public void Gradient_OfCompoundAssignmentsAndIncrementsOnArrayElements_MatchesFiniteDifferences()
    {
        var s = new Sampler(501);
        foreach (int n in Lengths)
        {
            double[] x = s.Array(n, -1.5, 1.5);
            double a = s.Next(-1.5, 1.5);
            double[] g = new double[n];
            double value = M.ElementCompoundAssignmentsGradient(x, a, g, out double da);
            Assert.Equal(M.ElementCompoundAssignments(x, a), value);
            FiniteDifference.AssertGradient(p => M.ElementCompoundAssignments(p[..n], p[n]), Pack.Concat(x, new[] { a }), Pack.Concat(g, new[] { da }));
        }
    }

    [Fact]
    public void Gradient_OfForeachOverWritableSpan_MatchesFiniteDifferences()
    {
        var s = new Sampler(502);
        foreach (int n in Lengths)
        {
            double[] x = s.Array(n, -1.5, 1.5);
            double c = s.Next(-1.5, 1.5);
            double[] g = new double[n];
            double value = M.ForeachWritableSpanGradient(x, c, g, out double dc);
            Assert.Equal(M.ForeachWritableSpan(x, c), value);
            FiniteDifference.AssertGradient(p => M.ForeachWritableSpan(p.AsSpan(0, n), p[n]), Pack.Concat(x, new[] { c }), Pack.Concat(g, new[] { dc }));
        }
    }

    [Fact]
    public void Gradient_OfForeachOverLocalArray_MatchesFiniteDifferences()
    {
        var s = new Sampler(503);
        foreach (int n in Lengths)
        {
            double[] x = s.Array(n, -1.5, 1.5);
            double[] g = new double[n];
            double value = M.ForeachLocalArrayGradient(x, g);
            Assert.Equal(M.ForeachLocalArray(x), value);
            FiniteDifference.AssertGradient(M.ForeachLocalArray, x, g);
        }
    }

    [Fact]
    public void Gradient_OfReturnAndBreakInsideNestedForeach_MatchesFiniteDifferences()
    {
        var s = new Sampler(504);
        int returned = 0;
        foreach (int n in new[] { 0, 1, 2, 3, 4, 4, 4, 4, 6, 6, 6, 6 })
        {
            double[] a = s.Array(n, -2, 2), b = s.Array(n, -2, 2);
            double limit = s.Next(0.5, 4);
            double[] ga = new double[n], gb = new double[n];
            double value = M.ReturnInsideNestedForeachGradient(a, b, limit, ga, gb, out double dl);
            Assert.Equal(M.ReturnInsideNestedForeach(a, b, limit), value);
            FiniteDifference.AssertGradient(
                p => M.ReturnInsideNestedForeach(p[..n], p.AsSpan(n, n), p[2 * n]),
                Pack.Concat(a, b, new[] { limit }), Pack.Concat(ga, gb, new[] { dl }));
            if (n > 0 && dl == 0)
            {
                returned++; // the value s * u does not depend on limit
            }
        }

        Assert.True(returned > 0, "no point took the return inside the inner foreach");
    }

    [Fact]
    public void Gradient_OfDoWhileWithBreakContinueAndReturn_MatchesFiniteDifferences()
    {
        var s = new Sampler(505);
        foreach (int n in new[] { 0, 1, 2, 3, 4, 6, 8, 12 })
        {
            double[] p = s.Point((-1.2, 1.2));
            double value = M.DoWhileWithBreakContinueAndReturnGradient(p[0], n, out double dx);
            Assert.Equal(M.DoWhileWithBreakContinueAndReturn(p[0], n), value);
            FiniteDifference.AssertGradient(q => M.DoWhileWithBreakContinueAndReturn(q[0], n), p, new[] { dx });
        }
    }

    [Fact]
    public void Gradient_ReadingStaticReadonlyArrayAndConstField_MatchesFiniteDifferences()
    {
        var s = new Sampler(506);
        for (int k = 0; k < 6; k++)
        {
            double[] p = s.Point((-2, 2), (-2, 2));
            double value = M.StaticFieldsAndConstantsGradient(p[0], p[1], out double dx, out double dy);
            Assert.Equal(M.StaticFieldsAndConstants(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => M.StaticFieldsAndConstants(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfMultipleDeclaratorsAndUnbracedStatements_MatchesFiniteDifferences()
    {
        var s = new Sampler(507);
        for (int k = 0; k < 8; k++)
        {
            double[] p = s.Point((-2, 2), (-2, 2));
            double value = M.MultipleDeclaratorsAndUnbracedStatementsGradient(p[0], p[1], out double dx, out double dy);
            Assert.Equal(M.MultipleDeclaratorsAndUnbracedStatements(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => M.MultipleDeclaratorsAndUnbracedStatements(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfFloatAccumulatorInsideDoubleFunction_MatchesFiniteDifferences()
    {
        var s = new Sampler(508);
        foreach (int n in Lengths)
        {
            double[] x = s.Array(n, -2, 2);
            double[] g = new double[n];
            double value = M.FloatAccumulatorInDoubleFunctionGradient(x, g);
            Assert.Equal(M.FloatAccumulatorInDoubleFunction(x), value);
            FiniteDifference.AssertGradient(M.FloatAccumulatorInDoubleFunction, x, g, h: 1.0 / 128, tolerance: 1e-4);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(4 * x[i], g[i], 1e-5); // d/dx of 2 Σ x² (x is exact in float here)
            }
        }
    }

    [Fact]
    public void Gradient_WithNoDerivativeFloatArrayInDoubleFunction_MatchesFiniteDifferences()
    {
        var s = new Sampler(509);
        foreach (int n in Lengths)
        {
            float[] w = s.ArrayF(n, -2, 2);
            double[] p = s.Point((-1.5, 1.5));
            double value = M.NoDerivativeFloatArrayInDoubleFunctionGradient(p[0], w, out double dx);
            Assert.Equal(M.NoDerivativeFloatArrayInDoubleFunction(p[0], w), value);
            FiniteDifference.AssertGradient(q => M.NoDerivativeFloatArrayInDoubleFunction(q[0], w), p, new[] { dx });
        }
    }

    [Fact]
    public void Gradient_OfBreakOutOfForeach_LeavesUnreadElementsWithZeroGradient()
    {
        var s = new Sampler(510);
        foreach (int n in Lengths)
        {
            double[] x = s.Array(n, -2, 2);
            double stop = s.Next(-2, 2);
            double[] g = new double[n];
            double value = M.BreakOutOfForeachGradient(x, stop, g, out double dstop);
            Assert.Equal(M.BreakOutOfForeach(x, stop), value);
            FiniteDifference.AssertGradient(p => M.BreakOutOfForeach(p[..n], p[n]), Pack.Concat(x, new[] { stop }), Pack.Concat(g, new[] { dstop }));
            for (int i = 3; i < n; i++)
            {
                Assert.Equal(0, g[i]);
            }
        }
    }

    [Fact]
    public void Gradient_OfRecursiveFunction_MatchesFiniteDifferences()
    {
        var s = new Sampler(511);
        foreach (int n in new[] { 0, 1, 2, 5 })
        {
            double[] p = s.Point((-2, 2));
            double value = M.RecursiveGradient(p[0], n, out double dx);
            Assert.Equal(M.Recursive(p[0], n), value);
            FiniteDifference.AssertGradient(q => M.Recursive(q[0], n), p, new[] { dx });
        }
    }

    [Fact]
    public void Gradient_OfRecursionThroughTapedLoops_MatchesFiniteDifferences()
    {
        foreach (int depth in new[] { 0, 1, 3 })
        {
            Check.Array(512 + depth, x => M.RecursiveWithTapedLoop(x, depth), (double[] x, Span<double> g) => M.RecursiveWithTapedLoopGradient(x, depth, g));
        }
    }

    [Fact]
    public void Gradient_OfLoopAdvancingItsCounterInsideTheBody_MatchesFiniteDifferences() =>
        Check.Array(523, M.SkipInsideBody, M.SkipInsideBodyGradient);

    [Fact]
    public void Gradient_OfLoopWithTwoInductionVariables_MatchesFiniteDifferences() =>
        Check.Array(524, M.TwoInductionVariables, M.TwoInductionVariablesGradient);

    [Fact]
    public void Gradient_ThroughArrayElementsPassedToCalleesInALoop_MatchesFiniteDifferences() =>
        Check.Array(525, M.ElementArgumentsToCallees, M.ElementArgumentsToCalleesGradient);

    [Fact]
    public void Gradient_OfReturnThreeLoopsDeep_MatchesFiniteDifferencesWhetherOrNotItReturns()
    {
        var s = new Sampler(526);
        int returned = 0;
        foreach (int n in new[] { 0, 1, 2, 3, 4, 4, 4, 6, 6, 6 })
        {
            double[] x = s.Array(n, -1.5, 1.5);
            double limit = s.Next(0.5, 6);
            double[] g = new double[n];
            double value = M.ReturnThreeLoopsDeepGradient(x, limit, g, out double dl);
            Assert.Equal(M.ReturnThreeLoopsDeep(x, limit), value);
            FiniteDifference.AssertGradient(p => M.ReturnThreeLoopsDeep(p.AsSpan(0, n), p[n]), Pack.Concat(x, new[] { limit }), Pack.Concat(g, new[] { dl }));
            if (value < -0.2) // the return gives -s·limit < -limit² ≤ -0.25; otherwise s ≥ -1/16
            {
                returned++;
            }
        }

        Assert.True(returned > 0, "no point took the deep return");
    }

    [Fact]
    public void Gradient_OfUnaryMinusOnCallsAndElements_MatchesFiniteDifferences() =>
        Check.ArrayScalar(527, M.UnaryMinusOnCallsAndElements, M.UnaryMinusOnCallsAndElementsGradient);
}
