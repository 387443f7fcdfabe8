using Xunit;
using D = AutoDiff.Tests.Gradients.LoopFunctions;
using F = AutoDiff.Tests.Gradients.FloatLoopFunctions;

namespace AutoDiff.Tests.Gradients;

/// <summary>Float loops against finite differences of the float function and of the identical double function.</summary>
public sealed class FloatLoopGradientTests
{
    private static readonly int[] Lengths = { 0, 1, 2, 5, 8 };

    private static double[] ToDouble(float[] a) => a.Select(v => (double)v).ToArray();

    [Fact]
    public void Gradient_OfFloatForeachOverArray_MatchesFiniteDifferencesAndDoubleTwin()
    {
        var s = new Sampler(801);
        foreach (int n in Lengths)
        {
            float[] x = s.ArrayF(n, -2, 2);
            float a = s.NextF(-1.5, 1.5);
            float[] g = new float[n];
            float value = F.ForeachArrayGradient(x, a, g, out float da);
            Assert.Equal(F.ForeachArray(x, a), value);
            float[] point = Pack.Concat(x, new[] { a }), analytic = Pack.Concat(g, new[] { da });
            FiniteDifference.AssertGradientF(p => F.ForeachArray(p[..n], p[n]), point, analytic);
            FiniteDifference.AssertGradientAgainstTwin(p => D.ForeachArray(p[..n], p[n]), point, analytic);
        }
    }

    [Fact]
    public void Gradient_OfFloatWhileLoopWithOverwrite_MatchesFiniteDifferencesAndDoubleTwin()
    {
        var s = new Sampler(802);
        foreach (int n in new[] { 0, 1, 3, 7 })
        {
            float[] p = s.PointF((-0.9, 0.9));
            float value = F.WhileOverwriteGradient(p[0], n, out float dx);
            Assert.Equal(F.WhileOverwrite(p[0], n), value);
            FiniteDifference.AssertGradientF(q => F.WhileOverwrite(q[0], n), p, new[] { dx });
            FiniteDifference.AssertGradientAgainstTwin(q => D.WhileOverwrite(q[0], n), p, new[] { dx });
        }
    }

    [Fact]
    public void Gradient_OfFloatNestedLoopsWithBreakAndContinue_MatchesDoubleTwin()
    {
        var s = new Sampler(803);
        foreach (int n in new[] { 0, 1, 2, 4, 7 })
        {
            float[] a = s.ArrayF(n, -3, 3);
            float t = s.NextF(0.5, 3);
            float[] g = new float[n];
            float value = F.NestedBreakContinueGradient(a, t, g, out float dt);
            Assert.Equal(F.NestedBreakContinue(a, t), value);
            FiniteDifference.AssertGradientAgainstTwin(p => D.NestedBreakContinue(p[..n], p[n]), Pack.Concat(a, new[] { t }), Pack.Concat(g, new[] { dt }));
        }
    }

    [Fact]
    public void Gradient_OfFloatReturnInsideNestedLoops_MatchesDoubleTwin()
    {
        var s = new Sampler(804);
        foreach (int n in new[] { 0, 1, 3, 5, 5, 8 })
        {
            float[] a = s.ArrayF(n, -2, 2);
            float limit = s.NextF(0.5, 8);
            float[] g = new float[n];
            float value = F.ReturnInsideNestedLoopGradient(a, limit, g, out float dl);
            Assert.Equal(F.ReturnInsideNestedLoop(a, limit), value);
            FiniteDifference.AssertGradientAgainstTwin(p => D.ReturnInsideNestedLoop(p[..n], p[n]), Pack.Concat(a, new[] { limit }), Pack.Concat(g, new[] { dl }));
        }
    }

    [Fact]
    public void Gradient_ThroughFloatLocalArrayWithOverwrittenElements_MatchesFiniteDifferencesAndDoubleTwin()
    {
        var s = new Sampler(805);
        foreach (int n in new[] { 1, 2, 3, 6 })
        {
            float[] x = s.ArrayF(n, -1.5, 1.5);
            float[] g = new float[n];
            float value = F.OverwrittenElementsGradient(x, g);
            Assert.Equal(F.OverwrittenElements(x), value);
            FiniteDifference.AssertGradientF(F.OverwrittenElements, x, g);
            FiniteDifference.AssertGradientAgainstTwin(D.OverwrittenElements, x, g);
        }
    }

    [Fact]
    public void Gradient_OfFloatSpanWithIndexArithmetic_MatchesDoubleTwin()
    {
        var s = new Sampler(806);
        foreach (int n in Lengths)
        {
            float[] x = s.ArrayF(n, -2, 2);
            float[] g = new float[n];
            float value = F.IndexArithmeticGradient(x, g);
            Assert.Equal(F.IndexArithmetic(x), value);
            FiniteDifference.AssertGradientAgainstTwin(D.IndexArithmetic, x, g);
        }
    }

    [Fact]
    public void Gradient_OfFloatDoWhileWithBreakContinueAndReturn_MatchesDoubleTwin()
    {
        var s = new Sampler(807);
        foreach (int n in new[] { 0, 1, 2, 3, 4, 6, 8, 12 })
        {
            float[] p = s.PointF((-1.2, 1.2));
            float value = F.DoWhileWithBreakContinueAndReturnGradient(p[0], n, out float dx);
            Assert.Equal(F.DoWhileWithBreakContinueAndReturn(p[0], n), value);
            FiniteDifference.AssertGradientAgainstTwin(q => MoreLoopFunctions.DoWhileWithBreakContinueAndReturn(q[0], n), p, new[] { dx }, tolerance: 1e-3);
        }
    }
}
