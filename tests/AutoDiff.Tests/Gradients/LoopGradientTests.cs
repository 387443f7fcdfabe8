using Xunit;
using L = AutoDiff.Tests.Gradients.LoopFunctions;

namespace AutoDiff.Tests.Gradients;

public sealed class LoopGradientTests
{
    private static readonly int[] Lengths = { 0, 1, 2, 5, 8 };

    [Fact]
    public void Gradient_OfForLoopOverArray_MatchesFiniteDifferencesForEveryLength()
    {
        var s = new Sampler(201);
        foreach (int n in Lengths)
        {
            double[] x = s.Array(n, -2, 2);
            double[] g = new double[n];
            double value = L.ForWeightedSquaresGradient(x, g);
            Assert.Equal(L.ForWeightedSquares(x), value);
            FiniteDifference.AssertGradient(L.ForWeightedSquares, x, g);
        }
    }

    [Fact]
    public void Gradient_OfForLoopOverArray_EqualsHandDerivedClosedForm()
    {
        double[] x = { 0.5, -1.25, 2.0, 0.75 };
        double[] g = { 99, 99, 99, 99 }; // overwritten, never read
        L.ForWeightedSquaresGradient(x, g);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(2 * (i + 1) * x[i], g[i], 1e-14);
        }
    }

    [Fact]
    public void Gradient_OfForeachOverArray_MatchesFiniteDifferencesIncludingEmptyArray()
    {
        var s = new Sampler(202);
        foreach (int n in Lengths)
        {
            double[] x = s.Array(n, -2, 2);
            double a = s.Next(-1.5, 1.5);
            double[] g = new double[n];
            double value = L.ForeachArrayGradient(x, a, g, out double da);
            Assert.Equal(L.ForeachArray(x, a), value);
            FiniteDifference.AssertGradient(p => L.ForeachArray(p[..n], p[n]), Pack.Concat(x, new[] { a }), Pack.Concat(g, new[] { da }));
            if (n == 0)
            {
                Assert.Equal(0, da);
            }
        }
    }

    [Fact]
    public void Gradient_OfForeachOverSpanWithOverwrite_MatchesFiniteDifferences()
    {
        var s = new Sampler(203);
        foreach (int n in Lengths)
        {
            double[] x = s.Array(n, -1, 1);
            double c = s.Next(-1, 1);
            double[] g = new double[n];
            double value = L.ForeachSpanOverwriteGradient(x, c, g, out double dc);
            Assert.Equal(L.ForeachSpanOverwrite(x, c), value);
            FiniteDifference.AssertGradient(p => L.ForeachSpanOverwrite(p.AsSpan(0, n), p[n]), Pack.Concat(x, new[] { c }), Pack.Concat(g, new[] { dc }));
        }
    }

    [Fact]
    public void Gradient_OfFloatForeachOverSpan_MatchesFiniteDifferences()
    {
        var s = new Sampler(204);
        foreach (int n in Lengths)
        {
            float[] x = s.ArrayF(n, -1.5, 1.5);
            float c = s.NextF(-1, 1);
            float[] g = new float[n];
            float value = L.ForeachSpanFGradient(x, c, g, out float dc);
            Assert.Equal(L.ForeachSpanF(x, c), value);
            FiniteDifference.AssertGradientF(p => L.ForeachSpanF(p.AsSpan(0, n), p[n]), Pack.Concat(x, new[] { c }), Pack.Concat(g, new[] { dc }));
        }
    }

    [Fact]
    public void Gradient_OfWhileLoopWithOverwrite_MatchesFiniteDifferencesIncludingZeroTrips()
    {
        var s = new Sampler(205);
        foreach (int n in new[] { 0, 1, 2, 3, 7, -1 })
        {
            double[] p = s.Point((-0.9, 0.9));
            double value = L.WhileOverwriteGradient(p[0], n, out double dx);
            Assert.Equal(L.WhileOverwrite(p[0], n), value);
            FiniteDifference.AssertGradient(q => L.WhileOverwrite(q[0], n), p, new[] { dx });
            if (n <= 0)
            {
                Assert.Equal(1, dx);
            }
        }
    }

    [Fact]
    public void Gradient_OfDoWhileLoop_MatchesFiniteDifferencesWhetherConditionFailsFirstOrNot()
    {
        var s = new Sampler(206);
        foreach (int n in new[] { 0, 1, 2, 4, 6 })
        {
            double[] p = s.Point((-0.5, 0.5));
            double value = L.DoWhileGradient(p[0], n, out double dx);
            Assert.Equal(L.DoWhile(p[0], n), value);
            FiniteDifference.AssertGradient(q => L.DoWhile(q[0], n), p, new[] { dx });
            if (n <= 1)
            {
                Assert.Equal(1, dx); // exactly one trip: y = 0.125 + x
            }
        }
    }

    [Fact]
    public void Gradient_OfFloatDoWhileLoop_MatchesFiniteDifferences()
    {
        var s = new Sampler(207);
        foreach (int n in new[] { 0, 1, 3, 6 })
        {
            float[] p = s.PointF((-1.5, 1.5));
            float value = L.DoWhileFGradient(p[0], n, out float dx);
            Assert.Equal(L.DoWhileF(p[0], n), value);
            FiniteDifference.AssertGradientF(q => L.DoWhileF(q[0], n), p, new[] { dx });
        }
    }

    [Fact]
    public void Gradient_OfNestedLoopsWithBreakAndContinue_MatchesFiniteDifferences()
    {
        var s = new Sampler(208);
        foreach (int n in new[] { 0, 1, 2, 4, 7, 7, 7 })
        {
            double[] a = s.Array(n, -3, 3);
            double t = s.Next(0.5, 3);
            double[] g = new double[n];
            double value = L.NestedBreakContinueGradient(a, t, g, out double dt);
            Assert.Equal(L.NestedBreakContinue(a, t), value);
            FiniteDifference.AssertGradient(p => L.NestedBreakContinue(p[..n], p[n]), Pack.Concat(a, new[] { t }), Pack.Concat(g, new[] { dt }));
        }
    }

    [Fact]
    public void Gradient_OfNestedLoops_BreaksOnValueThreshold()
    {
        // Large values make the s > 50 break fire; check the point really takes it.
        double[] a = { 3, 2.5, -2.75, 2.5, 3, 2.25 };
        double t = 2.5;
        double[] g = new double[a.Length];
        double value = L.NestedBreakContinueGradient(a, t, g, out double dt);
        Assert.Equal(L.NestedBreakContinue(a, t), value);
        FiniteDifference.AssertGradient(p => L.NestedBreakContinue(p[..6], p[6]), Pack.Concat(a, new[] { t }), Pack.Concat(g, new[] { dt }));
    }

    [Fact]
    public void Gradient_OfReturnInsideNestedLoops_MatchesFiniteDifferencesWhetherOrNotItReturns()
    {
        var s = new Sampler(209);
        foreach (int n in new[] { 0, 1, 3, 5, 5, 5, 8 })
        {
            double[] a = s.Array(n, -2, 2);
            double limit = s.Next(0.5, 8);
            double[] g = new double[n];
            double value = L.ReturnInsideNestedLoopGradient(a, limit, g, out double dlimit);
            Assert.Equal(L.ReturnInsideNestedLoop(a, limit), value);
            FiniteDifference.AssertGradient(p => L.ReturnInsideNestedLoop(p[..n], p[n]), Pack.Concat(a, new[] { limit }), Pack.Concat(g, new[] { dlimit }));
        }
    }

    [Fact]
    public void Gradient_OfLoopWithOverwrite_MatchesFiniteDifferences()
    {
        var s = new Sampler(210);
        foreach (int n in new[] { 0, 1, 2, 3, 6, 10 })
        {
            double[] p = s.Point((-0.8, 0.8));
            double value = L.OverwriteAcrossIterationsGradient(p[0], n, out double dx);
            Assert.Equal(L.OverwriteAcrossIterations(p[0], n), value);
            FiniteDifference.AssertGradient(q => L.OverwriteAcrossIterations(q[0], n), p, new[] { dx });
        }
    }

    [Fact]
    public void Gradient_ThroughLocalArrayOfPrefixSums_MatchesFiniteDifferences()
    {
        var s = new Sampler(211);
        foreach (int n in Lengths)
        {
            double[] x = s.Array(n, -2, 2);
            double[] g = new double[n];
            double value = L.LocalArrayPrefixGradient(x, g);
            Assert.Equal(L.LocalArrayPrefix(x), value);
            FiniteDifference.AssertGradient(L.LocalArrayPrefix, x, g);
        }
    }

    [Fact]
    public void Gradient_ThroughRepeatedlyOverwrittenArrayElements_MatchesFiniteDifferences()
    {
        var s = new Sampler(212);
        foreach (int n in new[] { 1, 2, 3, 6 })
        {
            double[] x = s.Array(n, -1.5, 1.5);
            double[] g = new double[n];
            double value = L.OverwrittenElementsGradient(x, g);
            Assert.Equal(L.OverwrittenElements(x), value);
            FiniteDifference.AssertGradient(L.OverwrittenElements, x, g);
        }
    }

    [Fact]
    public void Gradient_OfFunctionWritingIntoItsArrayParameter_IsTheGradientWithRespectToTheInputValues()
    {
        var s = new Sampler(213);
        foreach (int n in new[] { 0, 1, 4 })
        {
            double[] x = s.Array(n, -2, 2);
            double a = s.Next(-2, 2);
            double expected = L.WritesArrayParameter((double[])x.Clone(), a);
            double[] g = new double[n];
            double[] input = (double[])x.Clone();
            double value = L.WritesArrayParameterGradient(input, a, g, out double da);
            Assert.Equal(expected, value);
            FiniteDifference.AssertGradient(p => L.WritesArrayParameter(p[..n], p[n]), Pack.Concat(x, new[] { a }), Pack.Concat(g, new[] { da }));
        }
    }

    [Fact]
    public void Gradient_OfFunctionWritingIntoItsSpanParameter_IsTheGradientWithRespectToTheInputValues()
    {
        var s = new Sampler(214);
        foreach (int n in new[] { 1, 2, 5 })
        {
            double[] x = s.Array(n, -1.5, 1.5);
            double expected = L.WritesSpanParameter((double[])x.Clone());
            double[] g = new double[n];
            double value = L.WritesSpanParameterGradient((double[])x.Clone(), g);
            Assert.Equal(expected, value);
            FiniteDifference.AssertGradient(p => L.WritesSpanParameter(p), x, g);
        }
    }

    [Fact]
    public void Gradient_WithIntegerIndexArithmetic_MatchesFiniteDifferences()
    {
        var s = new Sampler(215);
        foreach (int n in Lengths)
        {
            double[] x = s.Array(n, -2, 2);
            double[] g = new double[n];
            double value = L.IndexArithmeticGradient(x, g);
            Assert.Equal(L.IndexArithmetic(x), value);
            FiniteDifference.AssertGradient(L.IndexArithmetic, x, g);
        }
    }

    [Fact]
    public void Gradient_OfFloatLocalArrayAndDownwardLoop_MatchesFiniteDifferences()
    {
        var s = new Sampler(216);
        foreach (int n in Lengths)
        {
            float[] x = s.ArrayF(n, -1.5, 1.5);
            float a = s.NextF(-1.5, 1.5);
            float[] g = new float[n];
            float value = L.LocalArrayFGradient(x, a, g, out float da);
            Assert.Equal(L.LocalArrayF(x, a), value);
            FiniteDifference.AssertGradientF(p => L.LocalArrayF(p[..n], p[n]), Pack.Concat(x, new[] { a }), Pack.Concat(g, new[] { da }));
        }
    }

    [Fact]
    public void Gradient_OfHornerEvaluation_MatchesFiniteDifferencesAndClosedForm()
    {
        var s = new Sampler(217);
        foreach (int n in Lengths)
        {
            double x = s.Next(-1.5, 1.5);
            double[] c = s.Array(n, -2, 2);
            double[] g = new double[n];
            double value = L.HornerGradient(x, c, out double dx, g);
            Assert.Equal(L.Horner(x, c), value);
            FiniteDifference.AssertGradient(p => L.Horner(p[0], p[1..]), Pack.Concat(new[] { x }, c), Pack.Concat(new[] { dx }, g));

            double derivative = 0;
            for (int i = 1; i < n; i++)
            {
                derivative += i * c[i] * Math.Pow(x, i - 1);
            }

            Assert.Equal(derivative, dx, 1e-12);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(Math.Pow(x, i), g[i], 1e-12);
            }
        }
    }

    [Fact]
    public void Gradient_OfWhileTrueWithBreakAndContinue_MatchesFiniteDifferences()
    {
        var s = new Sampler(218);
        foreach (int n in new[] { 0, 1, 2, 3, 5, 8 })
        {
            double[] p = s.Point((-1.5, 1.5));
            double value = L.WhileTrueBreakContinueGradient(p[0], n, out double dx);
            Assert.Equal(L.WhileTrueBreakContinue(p[0], n), value);
            FiniteDifference.AssertGradient(q => L.WhileTrueBreakContinue(q[0], n), p, new[] { dx });
        }
    }

    [Fact]
    public void Gradient_OfTriangularNestedLoops_MatchesFiniteDifferences()
    {
        var s = new Sampler(219);
        foreach (int rows in new[] { 0, 1, 3, 4 })
        {
            double[] m = s.Array(rows * rows, -1, 1);
            double[] v = s.Array(rows, -1, 1);
            double[] gm = new double[m.Length], gv = new double[rows];
            double value = L.TriangularNestedLoopsGradient(m, v, rows, gm, gv);
            Assert.Equal(L.TriangularNestedLoops(m, v, rows), value);
            int mm = m.Length;
            FiniteDifference.AssertGradient(p => L.TriangularNestedLoops(p[..mm], p[mm..], rows), Pack.Concat(m, v), Pack.Concat(gm, gv));

            // Elements above the diagonal are never read.
            for (int i = 0; i < rows; i++)
            {
                for (int j = i + 1; j < rows; j++)
                {
                    Assert.Equal(0, gm[i * rows + j]);
                }
            }
        }
    }

    [Fact]
    public void Gradient_OfFloatForWithInnerWhile_MatchesFiniteDifferences()
    {
        var s = new Sampler(220);
        foreach (int n in Lengths)
        {
            float[] x = s.ArrayF(n, -1.2, 1.2);
            float t = s.NextF(-1, 1);
            float[] g = new float[n];
            float value = L.NestedLoopsFGradient(x, t, g, out float dt);
            Assert.Equal(L.NestedLoopsF(x, t), value);
            FiniteDifference.AssertGradientF(p => L.NestedLoopsF(p.AsSpan(0, n), p[n]), Pack.Concat(x, new[] { t }), Pack.Concat(g, new[] { dt }));
        }
    }

    [Fact]
    public void Gradient_OfLoopWhoseTripCountDependsOnTheInput_MatchesFiniteDifferences()
    {
        var s = new Sampler(221);
        for (int k = 0; k < 8; k++)
        {
            double[] p = s.Point((-1.5, 1.5));
            double value = L.ValueDependentTripCountGradient(p[0], out double dx);
            Assert.Equal(L.ValueDependentTripCount(p[0]), value);
            FiniteDifference.AssertGradient(q => L.ValueDependentTripCount(q[0]), p, new[] { dx });
        }
    }
}
