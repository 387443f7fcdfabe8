using AutoDiff.Kernels;
using CsCheck;
using Xunit;

namespace AutoDiff.Runtime.Tests.Kernels;

public class ActivationTests
{
    private const double LeakySlope = 0.1, EluAlpha = 1.3;

    public static TheoryData<string> Names() => new() { "Relu", "LeakyRelu", "Elu", "Gelu", "Sigmoid", "Tanh" };

    private static double Scalar(string name, double x) => name switch
    {
        "Relu" => Math.Max(x, 0),
        "LeakyRelu" => x > 0 ? x : LeakySlope * x,
        "Elu" => x > 0 ? x : EluAlpha * (Math.Exp(x) - 1),
        "Gelu" => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        "Sigmoid" => 1 / (1 + Math.Exp(-x)),
        "Tanh" => Math.Tanh(x),
        _ => throw new ArgumentException(name),
    };

    private static void Forward<T>(string name, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        switch (name)
        {
            case "Relu": Activations.Relu(x, y); break;
            case "LeakyRelu": Activations.LeakyRelu(x, T.CreateTruncating(LeakySlope), y); break;
            case "Elu": Activations.Elu(x, T.CreateTruncating(EluAlpha), y); break;
            case "Gelu": Activations.Gelu(x, y); break;
            case "Sigmoid": Activations.Sigmoid(x, y); break;
            default: Activations.Tanh(x, y); break;
        }
    }

    /// <summary>The backward kernels take either the forward input or the forward output; this hides which.</summary>
    private static void Backward(string name, double[] x, double[] dy, double[] dx)
    {
        var y = new double[x.Length];
        Forward<double>(name, x, y);
        switch (name)
        {
            case "Relu": Activations.ReluBackward<double>(x, dy, dx); break;
            case "LeakyRelu": Activations.LeakyReluBackward<double>(x, dy, LeakySlope, dx); break;
            case "Elu": Activations.EluBackward<double>(x, dy, EluAlpha, dx); break;
            case "Gelu": Activations.GeluBackward<double>(x, dy, dx); break;
            case "Sigmoid": Activations.SigmoidBackward<double>(y, dy, dx); break;
            default: Activations.TanhBackward<double>(y, dy, dx); break;
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_MatchesScalarMath_AtEveryLengthUpTo70(string name)
    {
        var random = new Random(name.Length);
        for (int n = 0; n <= 70; n++)
        {
            double[] xd = Reference.Random<double>(random, n, -6, 6);
            float[] xf = Array.ConvertAll(xd, v => (float)v);
            var expected = Array.ConvertAll(xd, v => Scalar(name, v));
            var yd = new double[n];
            var yf = new float[n];
            Forward<double>(name, xd, yd);
            Forward<float>(name, xf, yf);
            Reference.AssertClose(expected, yd, 1e-13, $"{name}<double> n={n}");
            Reference.AssertClose(Array.ConvertAll(xf, v => (float)Scalar(name, v)), yf, 1e-5, $"{name}<float> n={n}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Backward_MatchesFiniteDifferences(string name)
    {
        var random = new Random(7 + name.Length);
        foreach (int n in new[] { 1, 7, 19, 33 })
        {
            double[] x = FiniteDifferences.AwayFromZero(random, n);
            double[] dy = Reference.Random<double>(random, n);
            var dx = new double[n];
            Backward(name, x, dy, dx);
            FiniteDifferences.Check(x, v => { var y = new double[n]; Forward<double>(name, v, y); return y; }, dy, dx, $"{name} n={n}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Float_InPlace_GivesSameAsSeparateDestination(string name)
    {
        float[] x = Reference.Random<float>(new Random(3), 37, -4, 4);
        var separate = new float[x.Length];
        Forward<float>(name, x, separate);
        Forward<float>(name, x, x);
        Assert.Equal(separate, x);
    }

    [Fact]
    public void Elu_LargePositiveInput_IsFiniteInVectorLanes()
    {
        float[] x = Enumerable.Repeat(200f, 16).ToArray();
        var y = new float[16];
        Activations.Elu<float>(x, 1f, y);
        Assert.All(y, v => Assert.Equal(200f, v));
    }

    [Fact]
    public void ShiftedOverlap_Throws()
    {
        var buffer = new float[20];
        Assert.Throws<ArgumentException>(() => Activations.Gelu<float>(buffer.AsSpan(0, 16), buffer.AsSpan(2, 16)));
    }

    private static double[] NaiveSoftmax(double[] x, int columns, bool log)
    {
        var y = new double[x.Length];
        for (int r = 0; r < x.Length / columns; r++)
        {
            double max = x.Skip(r * columns).Take(columns).Max(), sum = 0;
            for (int j = 0; j < columns; j++)
            {
                sum += Math.Exp(x[r * columns + j] - max);
            }

            for (int j = 0; j < columns; j++)
            {
                double z = x[r * columns + j] - max;
                y[r * columns + j] = log ? z - Math.Log(sum) : Math.Exp(z) / sum;
            }
        }

        return y;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SoftmaxAndLogSoftmax_MatchNaive_AndBackwardMatchesFiniteDifferences(bool log)
    {
        var random = new Random(log ? 1 : 2);
        foreach (int columns in new[] { 1, 3, 10, 17 })
        {
            int rows = 3;
            double[] x = Reference.Random<double>(random, rows * columns, -5, 5);
            var y = new double[x.Length];
            Action<double[], double[]> forward = log
                ? (v, o) => Activations.LogSoftmax<double>(v, columns, o)
                : (v, o) => Activations.Softmax<double>(v, columns, o);
            forward(x, y);
            Reference.AssertClose(NaiveSoftmax(x, columns, log), y, 1e-13, $"softmax log={log} c={columns}");

            float[] xf = Array.ConvertAll(x, v => (float)v);
            var yf = new float[xf.Length];
            if (log)
            {
                Activations.LogSoftmax<float>(xf, columns, yf);
            }
            else
            {
                Activations.Softmax<float>(xf, columns, yf);
            }

            Reference.AssertClose(Array.ConvertAll(NaiveSoftmax(Array.ConvertAll(xf, v => (double)v), columns, log), v => (float)v), yf, 1e-5f, "float");

            double[] dy = Reference.Random<double>(random, x.Length);
            var dx = new double[x.Length];
            if (log)
            {
                Activations.LogSoftmaxBackward<double>(y, dy, columns, dx);
            }
            else
            {
                Activations.SoftmaxBackward<double>(y, dy, columns, dx);
            }

            FiniteDifferences.Check(x, v => { var o = new double[v.Length]; forward(v, o); return o; }, dy, dx, $"softmax log={log} c={columns}");
        }
    }

    [Fact]
    public void Softmax_HugeLogits_DoesNotOverflow()
    {
        float[] x = [1000f, 1001f, 999f, -1000f];
        var y = new float[4];
        Activations.Softmax<float>(x, 4, y);
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1.0, y.Sum(), 5);
        Activations.LogSoftmax<float>(x, 4, y);
        Assert.Equal(-0.40760596, y[1], 4);
    }

    [Fact]
    public void Property_SoftmaxRowsSumToOne_AndAreShiftInvariant()
    {
        Gen.Select(Gen.Int[1, 40], Gen.Double[-50, 50], Gen.Int).Sample((columns, shift, seed) =>
        {
            double[] x = Reference.Random<double>(new Random(seed), 2 * columns, -20, 20);
            double[] shifted = Array.ConvertAll(x, v => v + shift);
            var y1 = new double[x.Length];
            var y2 = new double[x.Length];
            Activations.Softmax<double>(x, columns, y1);
            Activations.Softmax<double>(shifted, columns, y2);
            double rowSum = y1.Take(columns).Sum();
            return Math.Abs(rowSum - 1) < 1e-12 && y1.Zip(y2).All(p => Math.Abs(p.First - p.Second) < 1e-12);
        }, iter: 100);
    }

    [Fact]
    public void ElementwiseArithmetic_AndBias_MatchNaive()
    {
        var random = new Random(5);
        for (int n = 0; n <= 40; n += 3)
        {
            float[] x = Reference.Random<float>(random, n), y = Reference.Random<float>(random, n);
            var d = new float[n];
            Elementwise.Add<float>(x, y, d);
            Assert.Equal(x.Zip(y, (a, b) => a + b), d);
            Elementwise.Subtract<float>(x, y, d);
            Assert.Equal(x.Zip(y, (a, b) => a - b), d);
            Elementwise.Multiply<float>(x, y, d);
            Assert.Equal(x.Zip(y, (a, b) => a * b), d);
        }

        double[] m = Reference.Random<double>(random, 5 * 7), bias = Reference.Random<double>(random, 7);
        var outp = new double[m.Length];
        Elementwise.AddBias<double>(m, bias, outp);
        for (int i = 0; i < m.Length; i++)
        {
            Assert.Equal(m[i] + bias[i % 7], outp[i]);
        }

        var db = new double[7];
        Elementwise.AddBiasBackward<double>(m, db);
        for (int j = 0; j < 7; j++)
        {
            Assert.Equal(Enumerable.Range(0, 5).Sum(r => m[r * 7 + j]), db[j], 12);
        }
    }
}
