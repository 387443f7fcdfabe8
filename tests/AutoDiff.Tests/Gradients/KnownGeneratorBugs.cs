#if AUTODIFF_BUG_REPROS
using AutoDiff;
using Xunit;
using C = AutoDiff.Tests.Gradients.KnownGeneratorBugs;

namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Functions whose generated gradient does not compile yet (see /tmp/generator-bugs.md). Compiled only with
/// AUTODIFF_BUG_REPROS defined, so the rest of the suite builds meanwhile.
/// </summary>
public static partial class KnownGeneratorBugs
{
    /// <summary>y reaches Helpers.Scaled's [NoDerivative] parameter: its derivative is dropped without a diagnostic.</summary>
    /// <summary>The generated gradient declares Half as a non-const, unused local: warning CS0219.</summary>
    [Differentiable]
    public static double ConstLocal(double x, double y)
    {
        const double Half = 0.5;
        return Math.Sin(x * y) * Half;
    }

    [Differentiable]
    internal static double CallsNoDerivativeHelper(double x, double y) => Helpers.Scaled(x, y * 2) + y;

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

public sealed class KnownGeneratorBugTests
{
    [Fact]
    public void Gradient_OfFunctionWithConstLocal_MatchesFiniteDifferences()
    {
        var s = new Sampler(902);
        for (int k = 0; k < 6; k++)
        {
            double[] p = s.Point((-2, 2), (-2, 2));
            double value = KnownGeneratorBugs.ConstLocalGradient(p[0], p[1], out double dx, out double dy);
            Assert.Equal(KnownGeneratorBugs.ConstLocal(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => KnownGeneratorBugs.ConstLocal(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_ThroughArgumentPassedToNoDerivativeParameter_IsTheTrueDerivative()
    {
        // CallsNoDerivativeHelper(x, y) = Scaled(x, 2y) + y = 4 x y² + y: y reaches the callee's [NoDerivative]
        // parameter. Finite differences see ∂/∂y = 8xy + 1.
        var s = new Sampler(406);
        for (int k = 0; k < 6; k++)
        {
            double[] p = s.Point((-2, 2), (-2, 2));
            double value = KnownGeneratorBugs.CallsNoDerivativeHelperGradient(p[0], p[1], out double dx, out double dy);
            Assert.Equal(KnownGeneratorBugs.CallsNoDerivativeHelper(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => KnownGeneratorBugs.CallsNoDerivativeHelper(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfFunctionMixingFloatAndDoubleArrays_MatchesFiniteDifferences()
    {
        var s = new Sampler(901);
        foreach (int n in new[] { 0, 1, 4 })
        {
            double x = s.Next(-2, 2);
            float y = s.NextF(-2, 2);
            double[] a = s.Array(n, -2, 2), c = s.Array(n, -2, 2);
            float[] b = s.ArrayF(n, -2, 2);
            double[] da = new double[n], dc = new double[n];
            float[] db = new float[n];
            double value = KnownGeneratorBugs.MixedParametersGradient(x, y, a, b, c, out double dx, out float dy, da, db, dc);
            Assert.Equal(KnownGeneratorBugs.MixedParameters(x, y, a, b, c), value);
            double[] point = Pack.Concat(new[] { x, (double)y }, a, b.Select(v => (double)v).ToArray(), c);
            double[] analytic = Pack.Concat(new[] { dx, (double)dy }, da, db.Select(v => (double)v).ToArray(), dc);
            FiniteDifference.AssertGradient(
                p => KnownGeneratorBugs.MixedParameters(p[0], (float)p[1], p[2..(2 + n)], p[(2 + n)..(2 + 2 * n)].Select(v => (float)v).ToArray(), p[(2 + 2 * n)..]),
                point, analytic, h: 1.0 / 128, tolerance: 1e-4);
        }
    }
}
#endif
