using Xunit;
using Xunit.Sdk;

namespace AutoDiff.Tests.Gradients;

/// <summary>The checker itself must catch wrong gradients, or every passing test above means nothing.</summary>
public sealed class FiniteDifferenceSelfTests
{
    [Fact]
    public void FiniteDifferences_OfAKnownFunction_AreAccurateToTheTolerance()
    {
        double[] x = { 0.7, -1.3 };
        FiniteDifference.AssertGradient(p => Math.Sin(p[0]) * Math.Exp(p[1]), x, new[] { Math.Cos(0.7) * Math.Exp(-1.3), Math.Sin(0.7) * Math.Exp(-1.3) });
        Assert.Equal(Math.Cos(0.7) * Math.Exp(-1.3), FiniteDifference.Central(p => Math.Sin(p[0]) * Math.Exp(p[1]), x, 0, 1e-4), 1e-11);
    }

    [Fact]
    public void DoubleCheck_RejectsAGradientOffByOnePartInAMillion()
    {
        double[] x = { 0.7 };
        double exact = Math.Cos(0.7);
        Assert.Throws<XunitException>(() => FiniteDifference.AssertGradient(p => Math.Sin(p[0]), x, new[] { exact * (1 + 5e-6) }));
    }

    [Fact]
    public void FloatCheck_RejectsAGradientOffByOnePercent()
    {
        float[] x = { 0.75f, 1.25f };
        float[] g = { MathF.Cos(0.75f) * 1.25f, MathF.Sin(0.75f) };
        FiniteDifference.AssertGradientF(p => MathF.Sin(p[0]) * p[1], x, g);
        g[1] *= 1.01f;
        Assert.Throws<XunitException>(() => FiniteDifference.AssertGradientF(p => MathF.Sin(p[0]) * p[1], x, g));
        Assert.Throws<XunitException>(() => FiniteDifference.AssertGradientAgainstTwin(p => Math.Sin(p[0]) * p[1], x, g));
    }

    [Fact]
    public void Sampler_IsDeterministicForASeed()
    {
        Assert.Equal(new Sampler(7).Array(5, -1, 1), new Sampler(7).Array(5, -1, 1));
    }
}
