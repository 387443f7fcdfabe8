#if AUTODIFF_BUG_REPROS
using AutoDiff;

namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Functions whose generated gradient does not compile yet (see /tmp/generator-bugs.md). Compiled only with
/// AUTODIFF_BUG_REPROS defined, so the rest of the suite builds meanwhile.
/// </summary>
public static partial class KnownGeneratorBugs
{
    [Differentiable]
    public static double MixedParameters(double x, float y, double[] a, ReadOnlySpan<float> b, Span<double> c)
    {
        double s = x * y;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i] * c[i];
        }

        return s;
    }
}
#endif
