using Xunit;
using C = AutoDiff.Tests.Gradients.CallFunctions;
using L = AutoDiff.Tests.Gradients.LoopFunctions;

namespace AutoDiff.Tests.Gradients;

/// <summary>The shape of MGradient: outputs are overwritten and never read, lengths are checked.</summary>
public sealed class GradientContractTests
{
    private static readonly double[] X = { 0.3, -0.8, 1.1, 0.25, -0.4 };

    [Fact]
    public void GradientSpans_FilledWithGarbageBeforehand_AreFullyOverwritten()
    {
        double[] clean = new double[X.Length];
        double[] dirty = Enumerable.Repeat(double.NaN, X.Length).ToArray();

        L.ForWeightedSquaresGradient(X, clean);
        L.ForWeightedSquaresGradient(X, dirty);
        Assert.Equal(clean, dirty);

        dirty.AsSpan().Fill(1e300);
        L.ReturnInsideNestedLoopGradient(X, 0.5, clean, out double dl1);
        L.ReturnInsideNestedLoopGradient(X, 0.5, dirty, out double dl2);
        Assert.Equal(clean, dirty);
        Assert.Equal(dl1, dl2);

        dirty.AsSpan().Fill(double.NaN);
        C.CallsWithArrayArgumentGradient(X, 0.4, clean, out _);
        C.CallsWithArrayArgumentGradient(X, 0.4, dirty, out _);
        Assert.Equal(clean, dirty);

        // An element the function never reads gets an exact zero, not the stale value.
        double[] m = { 1, 2, 3, 4 }, v = { 0.5, -0.5 };
        double[] gm = { double.NaN, double.NaN, double.NaN, double.NaN }, gv = { double.NaN, double.NaN };
        L.TriangularNestedLoopsGradient(m, v, 2, gm, gv);
        Assert.Equal(0, gm[1]);
        Assert.All(gm, g => Assert.False(double.IsNaN(g)));
    }

    [Fact]
    public void FloatGradientSpan_FilledWithGarbageBeforehand_IsFullyOverwritten()
    {
        float[] x = { 0.3f, -0.8f, 1.1f };
        float[] clean = new float[3], dirty = { float.NaN, float.NaN, float.NaN };
        L.ForeachSpanFGradient(x, 0.2f, clean, out _);
        L.ForeachSpanFGradient(x, 0.2f, dirty, out _);
        Assert.Equal(clean, dirty);
    }

    [Fact]
    public void GradientSpan_OfTheWrongLength_IsRejectedWithArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => L.ForWeightedSquaresGradient(X, new double[X.Length - 1]));
        Assert.Contains("x", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => L.ForeachArrayGradient(X, 0.5, new double[X.Length + 1], out _));
    }

    [Fact]
    public void Gradient_OfEmptyArray_ReturnsTheValueAndScalarGradients()
    {
        double value = L.ForeachArrayGradient(Array.Empty<double>(), 0.7, Span<double>.Empty, out double da);
        Assert.Equal(0, value);
        Assert.Equal(0, da);

        value = L.HornerGradient(0.7, Array.Empty<double>(), out double dx, Span<double>.Empty);
        Assert.Equal(0, value);
        Assert.Equal(0, dx);
    }

    [Fact]
    public void RepeatedCalls_GiveIdenticalResults_SoNoStateLeaksBetweenCalls()
    {
        double[] g1 = new double[X.Length], g2 = new double[X.Length];
        double v1 = L.NestedBreakContinueGradient(X, 1.5, g1, out double dt1);

        // Different work in between leaves tapes at other sizes.
        L.OverwriteAcrossIterationsGradient(0.3, 100, out _);
        L.ReturnInsideNestedLoopGradient(X, 0.2, new double[X.Length], out _);

        double v2 = L.NestedBreakContinueGradient(X, 1.5, g2, out double dt2);
        Assert.Equal(v1, v2);
        Assert.Equal(dt1, dt2);
        Assert.Equal(g1, g2);
    }

    [Fact]
    public void Gradients_CalledConcurrentlyFromManyThreads_GiveTheSameResultsAsSequentially()
    {
        var s = new Sampler(1001);
        double[][] inputs = Enumerable.Range(0, 16).Select(i => s.Array(6 + i % 5, -1.5, 1.5)).ToArray();

        double[] Run(double[] x)
        {
            double[] g1 = new double[x.Length], g2 = new double[x.Length], g3 = new double[x.Length];
            double v1 = L.NestedBreakContinueGradient(x, 1.25, g1, out double dt);
            double v2 = C.CallsInLoopGradient(x, 0.3, g2, out double da);
            double v3 = MoreLoopFunctions.RecursiveWithTapedLoopGradient(x, 2, g3);
            return new[] { v1, v2, v3, dt, da }.Concat(g1).Concat(g2).Concat(g3).ToArray();
        }

        double[][] expected = inputs.Select(Run).ToArray();
        var failures = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 8 * inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            int i = k % inputs.Length;
            for (int r = 0; r < 50; r++)
            {
                if (!Run(inputs[i]).SequenceEqual(expected[i]))
                {
                    failures.Add(i);
                }
            }
        });

        Assert.Empty(failures);
    }
}
