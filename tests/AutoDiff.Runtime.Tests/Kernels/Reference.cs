using Xunit;
using System.Numerics;

namespace AutoDiff.Runtime.Tests.Kernels;

/// <summary>Random data and tolerant comparison shared by the kernel tests.</summary>
internal static class Reference
{
    public static T[] Random<T>(Random random, int length, double low = -1, double high = 1)
        where T : IFloatingPointIeee754<T>
    {
        var values = new T[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = T.CreateTruncating(low + (high - low) * random.NextDouble());
        }

        return values;
    }

    /// <summary>Relative tolerance of one rounding step per element type, loosened by <paramref name="ops"/> operations.</summary>
    public static double Epsilon<T>(double ops = 1) => (typeof(T) == typeof(float) ? 2e-6 : 1e-14) * Math.Max(1, ops);

    /// <summary>Asserts |actual - expected| ≤ tolerance · max(1, |expected|) element-wise, naming the first bad index.</summary>
    public static void AssertClose<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, double tolerance, string what = "")
        where T : IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateTruncating(expected[i]), a = double.CreateTruncating(actual[i]);
            double bound = tolerance * Math.Max(1, Math.Abs(e));
            if (!(Math.Abs(a - e) <= bound) && !(double.IsNaN(e) && double.IsNaN(a)))
            {
                Assert.Fail($"{what}[{i}]: expected {e:R}, actual {a:R} (|diff| {Math.Abs(a - e):E2} > {bound:E2})");
            }
        }
    }

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what = "") =>
        AssertClose<double>(expected, actual, tolerance, what);
}
