using Xunit;
using C = AutoDiff.Tests.Gradients.CallFunctions;

namespace AutoDiff.Tests.Gradients;

public sealed class CallGradientTests
{
    private const int Points = 6;

    [Fact]
    public void Gradient_ThroughCallsToStaticAndPrivateDifferentiableMethods_MatchesFiniteDifferences()
    {
        var s = new Sampler(401);
        for (int k = 0; k < Points; k++)
        {
            double[] p = s.Point((-1.5, 1.5), (-1.5, 1.5));
            double value = C.CallsStaticHelpersGradient(p[0], p[1], out double dx, out double dy);
            Assert.Equal(C.CallsStaticHelpers(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => C.CallsStaticHelpers(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_ThroughCallsWithArrayArguments_MatchesFiniteDifferences()
    {
        var s = new Sampler(402);
        foreach (int n in new[] { 0, 1, 3, 7 })
        {
            double[] x = s.Array(n, -2, 2);
            double sc = s.Next(-1.5, 1.5);
            double[] g = new double[n];
            double value = C.CallsWithArrayArgumentGradient(x, sc, g, out double ds);
            Assert.Equal(C.CallsWithArrayArgument(x, sc), value);
            FiniteDifference.AssertGradient(p => C.CallsWithArrayArgument(p[..n], p[n]), Pack.Concat(x, new[] { sc }), Pack.Concat(g, new[] { ds }));
        }
    }

    [Fact]
    public void Gradient_ThroughCallsInsideALoopWithOverwrite_MatchesFiniteDifferences()
    {
        var s = new Sampler(403);
        foreach (int n in new[] { 0, 1, 2, 5, 9 })
        {
            double[] x = s.Array(n, -1, 1);
            double a = s.Next(-1, 1);
            double[] g = new double[n];
            double value = C.CallsInLoopGradient(x, a, g, out double da);
            Assert.Equal(C.CallsInLoop(x, a), value);
            FiniteDifference.AssertGradient(p => C.CallsInLoop(p[..n], p[n]), Pack.Concat(x, new[] { a }), Pack.Concat(g, new[] { da }));
        }
    }

    [Fact]
    public void Gradient_ThroughCallsToFloatDifferentiableMethods_MatchesFiniteDifferences()
    {
        var s = new Sampler(404);
        for (int k = 0; k < Points; k++)
        {
            float[] p = s.PointF((-1.5, 1.5), (-1.5, 1.5));
            float value = C.CallsFloatGradient(p[0], p[1], out float dx, out float dy);
            Assert.Equal(C.CallsFloat(p[0], p[1]), value);
            FiniteDifference.AssertGradientF(q => C.CallsFloat(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfInternalMethodWithNoDerivativeParameter_HasTheExpectedSignatureAndMatchesFiniteDifferences()
    {
        var s = new Sampler(405);
        for (int k = 0; k < Points; k++)
        {
            double x = s.Next(-2, 2), scale = s.Next(-2, 2);
            double value = Helpers.ScaledGradient(x, scale, out double dx);
            Assert.Equal(Helpers.Scaled(x, scale), value);
            FiniteDifference.AssertGradient(q => Helpers.Scaled(q[0], scale), new[] { x }, new[] { dx });
        }
    }

    [Fact]
    public void Gradient_ThroughCalleeWithConstantForItsNoDerivativeParameter_MatchesFiniteDifferences() =>
        Check.Scalar2(406, C.CallsNoDerivativeHelper, C.CallsNoDerivativeHelperGradient);

    private static readonly double[] Weights = { 0.3, -0.7, 1.1 };

    [Fact]
    public void Gradient_OfInstanceMethodReadingFields_MatchesFiniteDifferencesAndClosedForm()
    {
        var osc = new Oscillator(2.5, Weights);
        var s = new Sampler(407);
        for (int k = 0; k < Points; k++)
        {
            double[] p = s.Point((-2, 2), (-2, 2));
            double value = osc.EnergyGradient(p[0], p[1], out double dx, out double dv);
            Assert.Equal(osc.Energy(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => osc.Energy(q[0], q[1]), p, new[] { dx, dv });
            Assert.Equal(2.5 * p[0], dx, 1e-14);
            Assert.Equal(1.5 * p[1], dv, 1e-14);
        }
    }

    [Fact]
    public void Gradient_OfInstanceLoopReadingFieldArray_MatchesFiniteDifferences()
    {
        var osc = new Oscillator(0.8, Weights);
        var s = new Sampler(408);
        foreach (int n in new[] { 0, 1, 4, 7 })
        {
            double[] x = s.Array(n, -2, 2);
            double[] g = new double[n];
            double value = osc.WeightedLossGradient(x, g);
            Assert.Equal(osc.WeightedLoss(x), value);
            FiniteDifference.AssertGradient(osc.WeightedLoss, x, g);
        }
    }

    [Fact]
    public void Gradient_OfInstanceMethodCallingPrivateInstanceAndStaticMethods_MatchesFiniteDifferences()
    {
        var osc = new Oscillator(1.3, Weights);
        var s = new Sampler(409);
        for (int k = 0; k < Points; k++)
        {
            double[] p = s.Point((-1.5, 1.5), (-1.5, 1.5));
            double value = osc.CallsInstanceAndStaticGradient(p[0], p[1], out double dx, out double dv);
            Assert.Equal(osc.CallsInstanceAndStatic(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => osc.CallsInstanceAndStatic(q[0], q[1]), p, new[] { dx, dv });
        }
    }

    [Fact]
    public void Gradient_OfFloatInstanceMethodWithSpanAndInternalCall_MatchesFiniteDifferences()
    {
        var scaler = new FloatScaler();
        var s = new Sampler(410);
        foreach (int n in new[] { 0, 1, 3, 6 })
        {
            float x = s.NextF(-1.5, 1.5);
            float[] w = s.ArrayF(n, -1.5, 1.5);
            float[] g = new float[n];
            float value = scaler.ScaleGradient(x, w, out float dx, g);
            Assert.Equal(scaler.Scale(x, w), value);
            FiniteDifference.AssertGradientF(p => scaler.Scale(p[0], p.AsSpan(1)), Pack.Concat(new[] { x }, w), Pack.Concat(new[] { dx }, g));
        }
    }
}
