using Xunit;

namespace AutoDiff.Runtime.Tests.Kernels;

/// <summary>Checks a backward kernel against central differences of the forward kernel, in double.</summary>
internal static class FiniteDifferences
{
    /// <summary>
    /// With L(v) = Σᵢ weights[i] · forward(v)[i] for random weights, asserts that <paramref name="analytic"/> (the
    /// backward kernel's dL/dv given dy = weights) matches (L(v + h eⱼ) − L(v − h eⱼ)) / 2h for every j.
    /// </summary>
    public static void Check(double[] point, Func<double[], double[]> forward, double[] weights, double[] analytic,
        string what, double h = 1e-5, double tolerance = 1e-6)
    {
        Assert.Equal(point.Length, analytic.Length);
        for (int j = 0; j < point.Length; j++)
        {
            double saved = point[j];
            point[j] = saved + h;
            double plus = Dot(weights, forward(point));
            point[j] = saved - h;
            double minus = Dot(weights, forward(point));
            point[j] = saved;
            double numeric = (plus - minus) / (2 * h);
            double bound = tolerance * Math.Max(1, Math.Abs(numeric));
            if (!(Math.Abs(numeric - analytic[j]) <= bound))
            {
                Assert.Fail($"{what}: d/dv[{j}] analytic {analytic[j]:R} vs central difference {numeric:R}");
            }
        }
    }

    public static double Dot(double[] a, double[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Random values in [−2, 2] kept at least <paramref name="gap"/> away from 0, so kinks at 0 are never straddled by ±h.</summary>
    public static double[] AwayFromZero(Random random, int length, double gap = 1e-3)
    {
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            double v = random.NextDouble() * 4 - 2;
            values[i] = Math.Abs(v) < gap ? gap * (v < 0 ? -2 : 2) : v;
        }

        return values;
    }
}
