using AutoDiff.Kernels;
using Xunit;

namespace AutoDiff.Runtime.Tests.Kernels;

public class ReductionAndLossTests
{
    private static readonly Shape[] Shapes = [new(7), new(3, 5), new(2, 3, 17), new(2, 3, 4, 5)];

    private static double[] NaiveReduce(double[] x, Shape shape, int axis, string kind)
    {
        var (outer, size, inner) = shape.SplitAt(axis);
        var result = new double[outer * inner];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                double acc = kind == "max" ? double.NegativeInfinity : 0;
                for (int a = 0; a < size; a++)
                {
                    double v = x[(o * size + a) * inner + i];
                    acc = kind == "max" ? Math.Max(acc, v) : acc + v;
                }

                result[o * inner + i] = kind == "mean" ? acc / size : acc;
            }
        }

        return result;
    }

    private static void Reduce(string kind, double[] x, Shape shape, int axis, double[] dst)
    {
        if (kind == "sum")
        {
            Reductions.Sum<double>(x, shape, axis, dst);
        }
        else if (kind == "mean")
        {
            Reductions.Mean<double>(x, shape, axis, dst);
        }
        else
        {
            Reductions.Max<double>(x, shape, axis, dst);
        }
    }

    [Theory]
    [InlineData("sum")]
    [InlineData("mean")]
    [InlineData("max")]
    public void Reduction_AlongEveryAxis_MatchesNaive_AndBackwardMatchesFiniteDifferences(string kind)
    {
        var random = new Random(kind.Length);
        foreach (Shape shape in Shapes)
        {
            for (int axis = 0; axis < shape.Rank; axis++)
            {
                double[] x = Reference.Random<double>(random, shape.Length);
                var (outer, _, inner) = shape.SplitAt(axis);
                var y = new double[outer * inner];
                Reduce(kind, x, shape, axis, y);
                Reference.AssertClose(NaiveReduce(x, shape, axis, kind), y, 1e-13, $"{kind} {shape} axis {axis}");

                float[] xf = Array.ConvertAll(x, v => (float)v);
                var yf = new float[y.Length];
                if (kind == "sum") { Reductions.Sum<float>(xf, shape, axis, yf); }
                else if (kind == "mean") { Reductions.Mean<float>(xf, shape, axis, yf); }
                else { Reductions.Max<float>(xf, shape, axis, yf); }
                Reference.AssertClose(Array.ConvertAll(y, v => (float)v), yf, 1e-5f, $"float {kind}");

                double[] dy = Reference.Random<double>(random, y.Length);
                var dx = new double[x.Length];
                if (kind == "sum") { Reductions.SumBackward<double>(dy, shape, axis, dx); }
                else if (kind == "mean") { Reductions.MeanBackward<double>(dy, shape, axis, dx); }
                else { Reductions.MaxBackward<double>(x, y, dy, shape, axis, dx); }
                FiniteDifferences.Check(x, v => { var o = new double[y.Length]; Reduce(kind, v, shape, axis, o); return o; }, dy, dx, $"{kind} {shape} axis {axis}");
            }
        }
    }

    [Fact]
    public void SoftmaxCrossEntropy_MatchesNaive_AndGradientMatchesFiniteDifferences()
    {
        var random = new Random(11);
        int rows = 4, classes = 7;
        double[] z = Reference.Random<double>(random, rows * classes, -3, 3);
        int[] labels = [0, 6, 3, 3];
        var grad = new double[z.Length];
        double loss = Losses.SoftmaxCrossEntropy<double>(z, labels, classes, grad);

        double Naive(double[] v)
        {
            double total = 0;
            for (int r = 0; r < rows; r++)
            {
                double sum = 0;
                for (int j = 0; j < classes; j++)
                {
                    sum += Math.Exp(v[r * classes + j]);
                }

                total += Math.Log(sum) - v[r * classes + labels[r]];
            }

            return total / rows;
        }

        Assert.Equal(Naive(z), loss, 12);
        FiniteDifferences.Check(z, v => [Naive(v)], [1.0], grad, "softmax cross-entropy");

        float[] zf = Array.ConvertAll(z, v => (float)v);
        var gf = new float[zf.Length];
        Assert.Equal(loss, Losses.SoftmaxCrossEntropy<float>(zf, labels, classes, gf), 5);
        Reference.AssertClose(Array.ConvertAll(grad, v => (float)v), gf, 1e-5f, "float gradient");
    }

    [Fact]
    public void SoftmaxCrossEntropy_HugeLogits_IsFinite_AndBadLabelThrows()
    {
        float[] z = [1e4f, -1e4f, 0f];
        var g = new float[3];
        float loss = Losses.SoftmaxCrossEntropy<float>(z, [1], 3, g);
        Assert.Equal(2e4f, loss);
        Assert.Equal([1f, -1f, 0f], g);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy<float>(z, [3], 3, g));
    }

    [Fact]
    public void MeanSquaredError_AndBce_GradientsMatchFiniteDifferences()
    {
        var random = new Random(12);
        double[] p = Reference.Random<double>(random, 9), t = Reference.Random<double>(random, 9, 0, 1);
        var g = new double[9];
        double mse = Losses.MeanSquaredError<double>(p, t, g);
        Assert.Equal(p.Zip(t, (a, b) => (a - b) * (a - b)).Average(), mse, 14);
        FiniteDifferences.Check(p, v => [Losses.MeanSquaredError<double>(v, t, new double[9])], [1.0], g, "mse");

        double[] z = Reference.Random<double>(random, 9, -4, 4);
        double bce = Losses.BinaryCrossEntropyWithLogits<double>(z, t, g);
        double naive = z.Zip(t, (a, b) => -(b * Math.Log(1 / (1 + Math.Exp(-a))) + (1 - b) * Math.Log(1 - 1 / (1 + Math.Exp(-a))))).Average();
        Assert.Equal(naive, bce, 12);
        FiniteDifferences.Check(z, v => [Losses.BinaryCrossEntropyWithLogits<double>(v, t, new double[9])], [1.0], g, "bce");
    }

    [Fact]
    public void Bce_ExtremeLogits_StaysFinite()
    {
        float[] z = [1000f, -1000f], t = [0f, 1f];
        var g = new float[2];
        float loss = Losses.BinaryCrossEntropyWithLogits<float>(z, t, g);
        Assert.Equal(1000f, loss);
        Assert.Equal([0.5f, -0.5f], g);
    }
}
