using Xunit;
using Xunit.Sdk;

namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Five-point central finite differences, f'(x) ≈ (f(x-2h) - 8 f(x-h) + 8 f(x+h) - f(x+2h)) / 12h, and the assertions
/// that compare a generated gradient with them. Every evaluation gets a fresh copy of the point, so functions that
/// write into their array arguments are measured correctly.
/// </summary>
internal static class FiniteDifference
{
    /// <summary>Step for double functions: truncation error O(h⁴) ≈ 1e-16, rounding ≈ 1e-12 relative.</summary>
    public const double DoubleStep = 1e-4;

    /// <summary>Relative tolerance for double gradients.</summary>
    public const double DoubleTolerance = 1e-6;

    /// <summary>
    /// Step for float functions evaluated in float: a power of two, so x ± h and x ± 2h are exact for the points
    /// <see cref="Sampler"/> draws (multiples of 2⁻¹²).
    /// </summary>
    public const double FloatStep = 1.0 / 128;

    /// <summary>Relative tolerance for float gradients.</summary>
    public const double FloatTolerance = 2e-3;

    public static double Central(Func<double[], double> f, double[] x, int i, double h)
    {
        double Eval(double offset)
        {
            double[] p = (double[])x.Clone();
            p[i] = x[i] + offset;
            return f(p);
        }

        return (Eval(-2 * h) - 8 * Eval(-h) + 8 * Eval(h) - Eval(2 * h)) / (12 * h);
    }

    /// <summary>The finite-difference gradient of a float function; the formula itself runs in double.</summary>
    public static double CentralF(Func<float[], float> f, float[] x, int i, double h, out double maxAbsValue)
    {
        double max = 0;
        double Eval(double offset)
        {
            float[] p = (float[])x.Clone();
            p[i] = (float)(x[i] + offset);
            double v = f(p);
            max = Math.Max(max, Math.Abs(v));
            return v;
        }

        double d = (Eval(-2 * h) - 8 * Eval(-h) + 8 * Eval(h) - Eval(2 * h)) / (12 * h);
        maxAbsValue = max;
        return d;
    }

    /// <summary>Asserts that <paramref name="analytic"/> is the gradient of <paramref name="f"/> at <paramref name="x"/>.</summary>
    public static void AssertGradient(
        Func<double[], double> f, double[] x, ReadOnlySpan<double> analytic,
        double h = DoubleStep, double tolerance = DoubleTolerance, string label = "")
    {
        Assert.Equal(x.Length, analytic.Length);
        for (int i = 0; i < x.Length; i++)
        {
            double step = h * Math.Max(1, Math.Abs(x[i]));
            double numeric = Central(f, x, i, step);
            Check(analytic[i], numeric, tolerance * Math.Max(1, Math.Abs(numeric)), i, x, label);
        }
    }

    /// <summary>
    /// Asserts a float gradient against finite differences of the float function itself, with the larger
    /// <see cref="FloatStep"/>; the allowed error adds float rounding of the values (≈ 18 ulp / 12h).
    /// </summary>
    public static void AssertGradientF(
        Func<float[], float> f, float[] x, ReadOnlySpan<float> analytic,
        double h = FloatStep, double tolerance = FloatTolerance, string label = "")
    {
        Assert.Equal(x.Length, analytic.Length);
        for (int i = 0; i < x.Length; i++)
        {
            double numeric = CentralF(f, x, i, h, out double maxAbs);
            double allowed = tolerance * Math.Max(1, Math.Abs(numeric)) + 18 * 6e-8 * maxAbs / (12 * h) * 4;
            Check(analytic[i], numeric, allowed, i, x.Select(v => (double)v).ToArray(), label);
        }
    }

    /// <summary>
    /// Asserts a float gradient against finite differences of its double twin (the same formula in double), which
    /// measures the derivative far more precisely than float evaluations can.
    /// </summary>
    public static void AssertGradientAgainstTwin(
        Func<double[], double> doubleTwin, float[] x, ReadOnlySpan<float> analytic,
        double tolerance = 2e-4, string label = "")
    {
        double[] xd = x.Select(v => (double)v).ToArray();
        double[] a = new double[analytic.Length];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = analytic[i];
        }

        AssertGradient(doubleTwin, xd, a, DoubleStep, tolerance, label + " (double twin)");
    }

    private static void Check(double analytic, double numeric, double allowed, int i, double[] x, string label)
    {
        if (!(Math.Abs(analytic - numeric) <= allowed))
        {
            throw new XunitException(
                $"{label} gradient[{i}] = {analytic:R}, finite differences give {numeric:R} (|diff| {Math.Abs(analytic - numeric):E2} > {allowed:E2}) " +
                $"at x = [{string.Join(", ", x.Select(v => v.ToString("R")))}]");
        }
    }
}

/// <summary>Seeded random points, kept away from the kinks a test names.</summary>
internal sealed class Sampler
{
    private readonly Random _random;

    public Sampler(int seed) => _random = new Random(seed);

    /// <summary>A uniform value in [lo, hi), rounded to a multiple of 2⁻¹² (exact in float, and x ± k/128 too).</summary>
    public double Next(double lo, double hi) => Math.Round((lo + (hi - lo) * _random.NextDouble()) * 4096) / 4096;

    public float NextF(double lo, double hi) => (float)Next(lo, hi);

    public double[] Array(int n, double lo, double hi)
    {
        double[] a = new double[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = Next(lo, hi);
        }

        return a;
    }

    public float[] ArrayF(int n, double lo, double hi) => Array(n, lo, hi).Select(v => (float)v).ToArray();

    /// <summary>Draws points until <paramref name="accept"/> holds (used to stay away from kinks and jumps).</summary>
    public double[] Point(Func<double[], bool> accept, params (double Lo, double Hi)[] ranges)
    {
        for (int attempt = 0; attempt < 10_000; attempt++)
        {
            double[] p = ranges.Select(r => Next(r.Lo, r.Hi)).ToArray();
            if (accept(p))
            {
                return p;
            }
        }

        throw new InvalidOperationException("no acceptable point");
    }

    public double[] Point(params (double Lo, double Hi)[] ranges) => Point(_ => true, ranges);

    public float[] PointF(Func<double[], bool> accept, params (double Lo, double Hi)[] ranges) =>
        Point(accept, ranges).Select(v => (float)v).ToArray();

    public float[] PointF(params (double Lo, double Hi)[] ranges) => PointF(_ => true, ranges);

    /// <summary>True when <paramref name="v"/> is at least <paramref name="margin"/> from every integer.</summary>
    public static bool AwayFromInteger(double v, double margin) => Math.Abs(v - Math.Round(v)) > margin;

    /// <summary>True when <paramref name="v"/> is at least <paramref name="margin"/> from every half-integer (Round's jumps).</summary>
    public static bool AwayFromHalf(double v, double margin) => AwayFromInteger(v + 0.5, margin);
}

internal static class Pack
{
    public static double[] Concat(params double[][] parts) => parts.SelectMany(p => p).ToArray();

    public static float[] Concat(params float[][] parts) => parts.SelectMany(p => p).ToArray();
}
