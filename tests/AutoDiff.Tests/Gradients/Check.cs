using Xunit;

namespace AutoDiff.Tests.Gradients;

/// <summary>Compact gradient checks for the common signatures: value equals M(...), gradient matches finite differences.</summary>
internal static class Check
{
    public static readonly int[] DefaultLengths = { 0, 1, 2, 3, 5, 8 };

    public delegate double ScalarGradient(double x, out double dx);

    public delegate double Scalar2Gradient(double x, double y, out double dx, out double dy);

    public delegate double ArrayGradient(double[] x, Span<double> dx);

    public delegate double ArrayScalarGradient(double[] x, double c, Span<double> dx, out double dc);

    public static void Scalar(int seed, Func<double, double> f, ScalarGradient gradient, double lo = -2, double hi = 2, int points = 6)
    {
        var s = new Sampler(seed);
        for (int k = 0; k < points; k++)
        {
            double[] p = s.Point((lo, hi));
            double value = gradient(p[0], out double dx);
            Assert.Equal(f(p[0]), value);
            FiniteDifference.AssertGradient(q => f(q[0]), p, new[] { dx });
        }
    }

    public static void Scalar2(int seed, Func<double, double, double> f, Scalar2Gradient gradient, double lo = -2, double hi = 2, int points = 6)
    {
        var s = new Sampler(seed);
        for (int k = 0; k < points; k++)
        {
            double[] p = s.Point((lo, hi), (lo, hi));
            double value = gradient(p[0], p[1], out double dx, out double dy);
            Assert.Equal(f(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => f(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    /// <summary>Checks an array function for each length; the function may write into its argument, so every call gets a copy.</summary>
    public static void Array(int seed, Func<double[], double> f, ArrayGradient gradient, int[]? lengths = null, double lo = -1.5, double hi = 1.5)
    {
        var s = new Sampler(seed);
        foreach (int n in lengths ?? DefaultLengths)
        {
            double[] x = s.Array(n, lo, hi);
            // The contract: gradient outputs are overwritten, never read. Garbage in them must not show.
            double[] g = new double[n];
            System.Array.Fill(g, double.NaN);
            double value = gradient((double[])x.Clone(), g);
            Assert.Equal(f((double[])x.Clone()), value);
            FiniteDifference.AssertGradient(f, x, g, label: $"n={n}");
        }
    }

    public static void ArrayScalar(
        int seed, Func<double[], double, double> f, ArrayScalarGradient gradient, int[]? lengths = null,
        double lo = -1.5, double hi = 1.5, double clo = -1.5, double chi = 1.5)
    {
        var s = new Sampler(seed);
        foreach (int n in lengths ?? DefaultLengths)
        {
            double[] x = s.Array(n, lo, hi);
            double c = s.Next(clo, chi);
            double[] g = new double[n];
            System.Array.Fill(g, double.NaN);
            double value = gradient((double[])x.Clone(), c, g, out double dc);
            Assert.Equal(f((double[])x.Clone(), c), value);
            FiniteDifference.AssertGradient(p => f(p[..n], p[n]), Pack.Concat(x, new[] { c }), Pack.Concat(g, new[] { dc }), label: $"n={n}");
        }
    }
}
