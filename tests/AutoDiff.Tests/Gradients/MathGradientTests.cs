using Xunit;
using D = AutoDiff.Tests.Gradients.MathFunctions;
using F = AutoDiff.Tests.Gradients.MathFFunctions;

namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Every Math/MathF function, double against finite differences, float against finite differences of the float
/// function (large step) and of its double twin.
/// </summary>
public sealed class MathGradientTests
{
    private const int Points = 8;

    private delegate double Grad2(double x, double y, out double dx, out double dy);

    private delegate float Grad2F(float x, float y, out float dx, out float dy);

    private static void CheckDouble2(int seed, Func<double, double, double> f, Grad2 gradient, Func<double[], bool> accept, (double, double) xr, (double, double) yr)
    {
        var s = new Sampler(seed);
        for (int k = 0; k < Points; k++)
        {
            double[] p = s.Point(accept, xr, yr);
            double value = gradient(p[0], p[1], out double dx, out double dy);
            Assert.Equal(f(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => f(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    private static void CheckFloat2(
        int seed, Func<float, float, float> f, Grad2F gradient, Func<double, double, double> twin,
        Func<double[], bool> accept, (double, double) xr, (double, double) yr)
    {
        var s = new Sampler(seed);
        for (int k = 0; k < Points; k++)
        {
            float[] p = s.PointF(accept, xr, yr);
            float value = gradient(p[0], p[1], out float dx, out float dy);
            Assert.Equal(f(p[0], p[1]), value);
            FiniteDifference.AssertGradientF(q => f(q[0], q[1]), p, new[] { dx, dy });
            FiniteDifference.AssertGradientAgainstTwin(q => twin(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    private static bool Any(double[] p) => true;

    [Fact]
    public void Gradient_OfSinCosTan_MatchesFiniteDifferences() =>
        CheckDouble2(301, D.Trig, D.TrigGradient, Any, (-1.5, 1.5), (-2, 2));

    [Fact]
    public void Gradient_OfMathFSinCosTan_MatchesFiniteDifferences() =>
        CheckFloat2(302, F.Trig, F.TrigGradient, D.Trig, Any, (-1.5, 1.5), (-2, 2));

    [Fact]
    public void Gradient_OfAsinAcosAtanAtan2_MatchesFiniteDifferences() =>
        CheckDouble2(303, D.InverseTrig, D.InverseTrigGradient, Any, (-0.9, 0.9), (-1.8, 1.8));

    [Fact]
    public void Gradient_OfMathFAsinAcosAtanAtan2_MatchesFiniteDifferences() =>
        CheckFloat2(304, F.InverseTrig, F.InverseTrigGradient, D.InverseTrig, Any, (-0.85, 0.85), (-1.7, 1.7));

    [Fact]
    public void Gradient_OfAtan2_EqualsHandDerivedClosedForm()
    {
        // d/dx atan2(y, x + 2) = -y / r², d/dy = (x + 2) / r²; the other terms are written out too.
        double x = 0.3, y = -0.8;
        D.InverseTrigGradient(x, y, out double dx, out double dy);
        double r2 = (x + 2) * (x + 2) + y * y;
        double expectedDx = y / Math.Sqrt(1 - x * x) + y / (1 + x * x * y * y) - y / r2;
        double expectedDy = Math.Asin(x) - 0.5 / Math.Sqrt(1 - 0.25 * y * y) + x / (1 + x * x * y * y) + (x + 2) / r2;
        Assert.Equal(expectedDx, dx, 1e-12);
        Assert.Equal(expectedDy, dy, 1e-12);
    }

    [Fact]
    public void Gradient_OfSinhCoshTanh_MatchesFiniteDifferences() =>
        CheckDouble2(305, D.Hyperbolic, D.HyperbolicGradient, Any, (-1.5, 1.5), (-1.5, 1.5));

    [Fact]
    public void Gradient_OfMathFSinhCoshTanh_MatchesFiniteDifferences() =>
        CheckFloat2(306, F.Hyperbolic, F.HyperbolicGradient, D.Hyperbolic, Any, (-1.5, 1.5), (-1.5, 1.5));

    [Fact]
    public void Gradient_OfExpAndEveryLog_MatchesFiniteDifferences() =>
        CheckDouble2(307, D.ExpLog, D.ExpLogGradient, Any, (0.5, 3), (1.2, 3));

    [Fact]
    public void Gradient_OfMathFExpAndEveryLog_MatchesFiniteDifferences() =>
        CheckFloat2(308, F.ExpLog, F.ExpLogGradient, D.ExpLog, Any, (0.5, 3), (1.2, 3));

    [Fact]
    public void Gradient_OfLogWithBase_EqualsHandDerivedClosedForm()
    {
        double x = 1.7, y = 2.3;
        D.ExpLogGradient(x, y, out double dx, out double dy);
        double expectedDx = 0.5 * Math.Exp(0.5 * x) + 1 / x + 1 / (x * Math.Log(y)) + 1 / ((x + y) * Math.Log(10));
        double expectedDy = 1 / y - Math.Log(x) / (y * Math.Log(y) * Math.Log(y)) + 1 / ((x + y) * Math.Log(10)) + 1 / (y * Math.Log(2));
        Assert.Equal(expectedDx, dx, 1e-12);
        Assert.Equal(expectedDy, dy, 1e-12);
    }

    [Fact]
    public void Gradient_OfSqrtAndCbrt_MatchesFiniteDifferencesForCbrtOfBothSigns() =>
        CheckDouble2(309, D.Roots, D.RootsGradient, p => Math.Abs(p[1] - 3) > 0.5, (0.5, 3), (0.5, 5.5));

    [Fact]
    public void Gradient_OfMathFSqrtAndCbrt_MatchesFiniteDifferences() =>
        CheckFloat2(310, F.Roots, F.RootsGradient, D.Roots, p => Math.Abs(p[1] - 3) > 0.5, (0.5, 3), (0.5, 5.5));

    [Fact]
    public void Gradient_OfPow_MatchesFiniteDifferencesInBaseAndExponent() =>
        CheckDouble2(311, D.Powers, D.PowersGradient, Any, (0.5, 2), (0.5, 2));

    [Fact]
    public void Gradient_OfMathFPow_MatchesFiniteDifferences() =>
        CheckFloat2(312, F.Powers, F.PowersGradient, D.Powers, Any, (0.5, 2), (0.5, 2));

    private static bool AwayFromAbsMaxMinClampKinks(double[] p, double m) =>
        Math.Abs(p[0]) > m && Math.Abs(p[0] - p[1]) > m && Math.Abs(2 * p[1] - p[2]) > m &&
        Math.Abs(3 * p[0] - p[1]) > m && Math.Abs(3 * p[0] - p[2] - 2) > m;

    [Fact]
    public void Gradient_OfAbsMaxMinClamp_MatchesFiniteDifferencesAwayFromKinks()
    {
        var s = new Sampler(313);
        int clampedLow = 0, clampedHigh = 0, inside = 0;
        for (int k = 0; k < 16; k++)
        {
            double[] p = s.Point(q => AwayFromAbsMaxMinClampKinks(q, 0.01), (-1.5, 1.5), (-1, 1), (-1, 1));
            double value = D.AbsMaxMinClampGradient(p[0], p[1], p[2], out double dx, out double dy, out double dz);
            Assert.Equal(D.AbsMaxMinClamp(p[0], p[1], p[2]), value);
            FiniteDifference.AssertGradient(q => D.AbsMaxMinClamp(q[0], q[1], q[2]), p, new[] { dx, dy, dz });
            double t = 3 * p[0];
            if (t < p[1]) clampedLow++; else if (t > p[2] + 2) clampedHigh++; else inside++;
        }

        // Each side of Clamp is exercised.
        Assert.True(clampedLow > 0 && clampedHigh > 0 && inside > 0, $"{clampedLow} {clampedHigh} {inside}");
    }

    [Fact]
    public void Gradient_OfMathFAbsMaxMinAndMathClampOfFloat_MatchesFiniteDifferencesAwayFromKinks()
    {
        var s = new Sampler(314);
        for (int k = 0; k < 16; k++)
        {
            float[] p = s.PointF(q => AwayFromAbsMaxMinClampKinks(q, 0.1), (-1.5, 1.5), (-1, 1), (-1, 1));
            float value = F.AbsMaxMinClampGradient(p[0], p[1], p[2], out float dx, out float dy, out float dz);
            Assert.Equal(F.AbsMaxMinClamp(p[0], p[1], p[2]), value);
            FiniteDifference.AssertGradientF(q => F.AbsMaxMinClamp(q[0], q[1], q[2]), p, new[] { dx, dy, dz });
            FiniteDifference.AssertGradientAgainstTwin(q => D.AbsMaxMinClamp(q[0], q[1], q[2]), p, new[] { dx, dy, dz });
        }
    }

    [Fact]
    public void Gradient_OfFusedMultiplyAdd_MatchesFiniteDifferencesAndClosedForm()
    {
        var s = new Sampler(315);
        for (int k = 0; k < Points; k++)
        {
            double[] p = s.Point((-2, 2), (-2, 2), (-2, 2));
            double a = p[0], b = p[1], c = p[2];
            double value = D.FmaGradient(a, b, c, out double da, out double db, out double dc);
            Assert.Equal(D.Fma(a, b, c), value);
            FiniteDifference.AssertGradient(q => D.Fma(q[0], q[1], q[2]), p, new[] { da, db, dc });
            Assert.Equal(2 * a * b * b + c, da, 1e-12);
            Assert.Equal(2 * a * a * b, db, 1e-12);
            Assert.Equal(a, dc, 1e-15);
        }
    }

    [Fact]
    public void Gradient_OfMathFFusedMultiplyAdd_MatchesFiniteDifferences()
    {
        var s = new Sampler(316);
        for (int k = 0; k < Points; k++)
        {
            float[] p = s.PointF((-2, 2), (-2, 2), (-2, 2));
            float value = F.FmaGradient(p[0], p[1], p[2], out float da, out float db, out float dc);
            Assert.Equal(F.Fma(p[0], p[1], p[2]), value);
            FiniteDifference.AssertGradientF(q => F.Fma(q[0], q[1], q[2]), p, new[] { da, db, dc });
            FiniteDifference.AssertGradientAgainstTwin(q => D.Fma(q[0], q[1], q[2]), p, new[] { da, db, dc });
        }
    }

    private static bool AwayFromRoundingJumps(double[] p, double m) =>
        Sampler.AwayFromInteger(p[0], m) && Sampler.AwayFromInteger(2 * p[0], m) && Sampler.AwayFromHalf(p[1], m) &&
        Sampler.AwayFromInteger(p[0] * p[1], m) && Math.Abs(p[0] - p[1]) > m;

    [Fact]
    public void Gradient_OfFloorCeilingRoundTruncateSign_TreatsThemAsPiecewiseConstant() =>
        CheckDouble2(317, D.Rounding, D.RoundingGradient, p => AwayFromRoundingJumps(p, 0.01), (-2.5, 2.5), (-2.5, 2.5));

    [Fact]
    public void Gradient_OfRounding_EqualsHandDerivedClosedForm()
    {
        double x = 1.3, y = -0.7; // floor 1, ceiling(2.6) 3, round(-0.7) -1, truncate(-0.91) 0, sign(2.0) 1
        D.RoundingGradient(x, y, out double dx, out double dy);
        Assert.Equal(Math.Floor(x) + Math.Round(y) * Math.Cos(x), dx, 1e-15);
        Assert.Equal(Math.Ceiling(2 * x) + Math.Sign(x - y), dy, 1e-15);
    }

    [Fact]
    public void Gradient_OfMathFFloorCeilingRoundTruncateSign_TreatsThemAsPiecewiseConstant() =>
        CheckFloat2(318, F.Rounding, F.RoundingGradient, D.Rounding, p => AwayFromRoundingJumps(p, 0.1), (-2.5, 2.5), (-2.5, 2.5));

    [Fact]
    public void Gradient_OfMathOverloadsForFloat_MatchesFiniteDifferencesAwayFromKinks()
    {
        var s = new Sampler(319);
        for (int k = 0; k < 12; k++)
        {
            float[] p = s.PointF(q => Math.Abs(q[0]) > 0.1 && Math.Abs(q[0] - q[1]) > 0.1 && Math.Abs(Math.Abs(q[1]) - 1) > 0.1, (-2, 2), (-2, 2));
            float value = F.MathFloatOverloadsGradient(p[0], p[1], out float dx, out float dy);
            Assert.Equal(F.MathFloatOverloads(p[0], p[1]), value);
            FiniteDifference.AssertGradientF(q => F.MathFloatOverloads(q[0], q[1]), p, new[] { dx, dy });
        }
    }
}
