using AutoDiff.Kernels;
using Xunit;

namespace AutoDiff.Runtime.Tests.Kernels;

[Collection(KernelThreads.Name)]
public class LayerTests
{
    private static double[] NaivePool(in Pool2DGeometry g, double[] x, bool max)
    {
        var y = new double[g.OutputLength];
        int o = 0;
        for (int p = 0; p < g.Batch * g.Channels; p++)
        for (int i = 0; i < g.OutHeight; i++)
        for (int j = 0; j < g.OutWidth; j++, o++)
        {
            double acc = max ? double.NegativeInfinity : 0;
            for (int r = 0; r < g.Size; r++)
            for (int s = 0; s < g.Size; s++)
            {
                double v = x[(p * g.Height + i * g.Stride + r) * g.Width + j * g.Stride + s];
                acc = max ? Math.Max(acc, v) : acc + v;
            }

            y[o] = max ? acc : acc / (g.Size * g.Size);
        }

        return y;
    }

    [Theory]
    [InlineData(2, 3, 6, 6, 2, 2)]
    [InlineData(1, 2, 7, 5, 3, 2)]
    [InlineData(3, 1, 13, 13, 2, 2)] // odd size: the last row and column are dropped
    public void Pooling_MatchesNaive_AndBackwardMatchesFiniteDifferences(int n, int c, int h, int w, int size, int stride)
    {
        var g = new Pool2DGeometry(n, c, h, w, size, stride);
        var random = new Random(h * w);
        // Distinct values keep the max unique, so ±h never changes which element wins.
        double[] x = Enumerable.Range(0, g.InputLength).Select(i => (double)i).OrderBy(_ => random.Next()).Select(v => v * 0.01).ToArray();
        double[] dy = Reference.Random<double>(random, g.OutputLength);

        var y = new double[g.OutputLength];
        var argmax = new int[g.OutputLength];
        Pooling.MaxPool2D<double>(g, x, y, argmax);
        Assert.Equal(NaivePool(g, x, true), y);
        var dx = new double[g.InputLength];
        Pooling.MaxPool2DBackward<double>(g, dy, argmax, dx);
        FiniteDifferences.Check(x, v => { var o = new double[g.OutputLength]; Pooling.MaxPool2D<double>(g, v, o, new int[o.Length]); return o; }, dy, dx, "maxpool", h: 1e-4);

        Pooling.AvgPool2D<double>(g, x, y);
        Reference.AssertClose(NaivePool(g, x, false), y, 1e-13, "avgpool");
        Pooling.AvgPool2DBackward<double>(g, dy, dx);
        FiniteDifferences.Check(x, v => { var o = new double[g.OutputLength]; Pooling.AvgPool2D<double>(g, v, o); return o; }, dy, dx, "avgpool");

        var yf = new float[g.OutputLength];
        Pooling.MaxPool2D<float>(g, Array.ConvertAll(x, v => (float)v), yf, argmax);
        Assert.Equal(Array.ConvertAll(NaivePool(g, x, true), v => (float)v), yf);
    }

    [Fact]
    public void MaxPool2x2_PicksTheFirstMaximum_AndNaNWins_LikeTheGeneralRule()
    {
        var g = new Pool2DGeometry(2, 3, 5, 6, 2, 2);
        var random = new Random(17);
        // Few distinct values: many ties; some NaNs.
        float[] x = Enumerable.Range(0, g.InputLength).Select(_ => random.Next(10) == 0 ? float.NaN : random.Next(3)).ToArray();
        var y = new float[g.OutputLength];
        var argmax = new int[g.OutputLength];

        Pooling.MaxPool2D<float>(g, x, y, argmax);

        int o = 0;
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
        {
            for (int i = 0; i < g.OutHeight; i++)
            {
                for (int j = 0; j < g.OutWidth; j++, o++)
                {
                    int best = -1;
                    foreach (int k in new[] { 0, 1, g.Width, g.Width + 1 }.Select(d => plane * g.Height * g.Width + 2 * i * g.Width + 2 * j + d))
                    {
                        if (best < 0 || x[k] > x[best] || (float.IsNaN(x[k]) && !float.IsNaN(x[best])))
                        {
                            best = k;
                        }
                    }

                    Assert.Equal(best, argmax[o]);
                    Assert.Equal(x[best], y[o]);
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void LargeMaxPool_SplitAcrossThreads_MatchesTheRuleAndScattersEveryGradient(int threads)
    {
        // 64 × 32 planes of 26 × 26 (the seed CNN's first pooling): far past the size at which planes are split
        // across the kernel workers; with a 3-wide window the general loop is split too.
        using IDisposable scope = KernelThreads.Use(threads);
        foreach (var g in new[] { new Pool2DGeometry(64, 32, 26, 26, 2, 2), new Pool2DGeometry(16, 32, 27, 27, 3, 3) })
        {
            var random = new Random(g.Size);
            float[] x = Reference.Random<float>(random, g.InputLength);
            var y = new float[g.OutputLength];
            var argmax = new int[g.OutputLength];
            Pooling.MaxPool2D<float>(g, x, y, argmax);
            Assert.Equal(Array.ConvertAll(NaivePool(g, Array.ConvertAll(x, v => (double)v), true), v => (float)v), y);

            float[] dy = Reference.Random<float>(random, g.OutputLength);
            var dx = new float[g.InputLength];
            Pooling.MaxPool2DBackward<float>(g, dy, argmax, dx);
            var expected = new float[g.InputLength];
            for (int o = 0; o < g.OutputLength; o++)
            {
                expected[argmax[o]] += dy[o];
            }

            Assert.Equal(expected, dx);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void LargeElementwise_SplitAcrossThreads_MatchesTheScalarRule(int threads)
    {
        // 300 001 elements: split into parts of whole 1024-element blocks, plus a scalar tail.
        using IDisposable scope = KernelThreads.Use(threads);
        var random = new Random(5);
        float[] x = Reference.Random<float>(random, 300_001);
        float[] dy = Reference.Random<float>(random, x.Length);
        var y = new float[x.Length];
        var dx = new float[x.Length];
        Activations.Relu<float>(x, y);
        Activations.ReluBackward<float>(x, dy, dx);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(x[i] > 0 ? x[i] : 0f, y[i]);
            Assert.Equal(x[i] > 0 ? dy[i] : 0f, dx[i]);
        }
    }

    private static double[] BatchNormTrain(double[] x, int n, int c, int spatial, double[] gamma, double[] beta, double[]? runningMean = null, double[]? runningVar = null, double[]? mean = null, double[]? invStd = null)
    {
        var y = new double[x.Length];
        BatchNorm.ForwardTraining<double>(x, n, c, spatial, gamma, beta, 1e-5, 0.1,
            runningMean ?? new double[c], runningVar ?? new double[c], mean ?? new double[c], invStd ?? new double[c], y);
        return y;
    }

    [Theory]
    [InlineData(4, 3, 5)]
    [InlineData(6, 2, 1)]
    public void BatchNorm_Training_MatchesNaive_UpdatesRunningStats_AndBackwardMatchesFiniteDifferences(int n, int c, int spatial)
    {
        var random = new Random(n * c);
        double[] x = Reference.Random<double>(random, n * c * spatial, -2, 3);
        double[] gamma = Reference.Random<double>(random, c, 0.5, 1.5), beta = Reference.Random<double>(random, c);
        double[] runningMean = Enumerable.Repeat(0.0, c).ToArray(), runningVar = Enumerable.Repeat(1.0, c).ToArray();
        var mean = new double[c];
        var invStd = new double[c];
        double[] y = BatchNormTrain(x, n, c, spatial, gamma, beta, runningMean, runningVar, mean, invStd);

        for (int ch = 0; ch < c; ch++)
        {
            var values = Enumerable.Range(0, n).SelectMany(i => Enumerable.Range(0, spatial).Select(p => x[(i * c + ch) * spatial + p])).ToArray();
            double mu = values.Average(), variance = values.Select(v => (v - mu) * (v - mu)).Average();
            Assert.Equal(0.1 * mu, runningMean[ch], 12);
            Assert.Equal(0.9 + 0.1 * variance * values.Length / (values.Length - 1), runningVar[ch], 12);
            for (int i = 0; i < n; i++)
            for (int p = 0; p < spatial; p++)
            {
                int idx = (i * c + ch) * spatial + p;
                Assert.Equal(gamma[ch] * (x[idx] - mu) / Math.Sqrt(variance + 1e-5) + beta[ch], y[idx], 12);
            }
        }

        var inference = new double[x.Length];
        BatchNorm.ForwardInference<double>(x, n, c, spatial, gamma, beta, 1e-5, runningMean, runningVar, inference);
        Assert.Equal(gamma[0] * (x[0] - runningMean[0]) / Math.Sqrt(runningVar[0] + 1e-5) + beta[0], inference[0], 12);

        double[] dy = Reference.Random<double>(random, x.Length);
        var dx = new double[x.Length];
        var dgamma = new double[c];
        var dbeta = new double[c];
        BatchNorm.Backward<double>(x, dy, n, c, spatial, gamma, mean, invStd, dx, dgamma, dbeta);
        FiniteDifferences.Check(x, v => BatchNormTrain(v, n, c, spatial, gamma, beta), dy, dx, "bn dx");
        FiniteDifferences.Check(gamma, v => BatchNormTrain(x, n, c, spatial, v, beta), dy, dgamma, "bn dgamma");
        FiniteDifferences.Check(beta, v => BatchNormTrain(x, n, c, spatial, gamma, v), dy, dbeta, "bn dbeta");
    }

    [Fact]
    public void Dropout_IsReproducibleFromSeed_KeepsTheExpectedFraction_AndBackwardUsesTheMask()
    {
        float[] x = Enumerable.Repeat(1f, 10_000).ToArray();
        var mask1 = new float[x.Length];
        var mask2 = new float[x.Length];
        var y = new float[x.Length];
        Dropout.Forward<float>(x, 0.3, 42, mask1, y);
        Dropout.Forward<float>(x, 0.3, 42, mask2, new float[x.Length]);
        Assert.Equal(mask1, mask2);
        Dropout.Forward<float>(x, 0.3, 43, mask2, new float[x.Length]);
        Assert.NotEqual(mask1, mask2);

        int kept = mask1.Count(m => m != 0);
        Assert.InRange(kept, 6_800, 7_200); // 7000 ± 4.4 standard deviations
        Assert.All(mask1, m => Assert.True(m == 0 || Math.Abs(m - 1 / 0.7f) < 1e-6));
        Assert.InRange(y.Average(), 0.97, 1.03); // inverted dropout keeps the mean

        float[] dy = Reference.Random<float>(new Random(1), x.Length);
        var dx = new float[x.Length];
        Dropout.Backward<float>(dy, mask1, dx);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(dy[i] * mask1[i], dx[i]);
        }
    }
}
