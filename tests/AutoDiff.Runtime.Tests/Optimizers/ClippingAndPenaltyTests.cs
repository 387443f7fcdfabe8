using AutoDiff.Optimizers;
using Xunit;
using static AutoDiff.Runtime.Tests.Optimizers.OptimizerTestHelpers;

namespace AutoDiff.Runtime.Tests.Optimizers;

public class ClippingAndPenaltyTests
{
    [Fact]
    public void ClipByGlobalNorm_ScalesAllGradientsTogether()
    {
        // Gradients [3, 4] and [12]: global norm √(9 + 16 + 144) = 13. Max norm 6.5 → factor 6.5/(13 + 1e-6) ≈ 0.5.
        ParameterSlot a = ParameterSlot.Create("a", 2), b = ParameterSlot.Create("b", 1);
        a.Gradient.Span[0] = 3;
        a.Gradient.Span[1] = 4;
        b.Gradient.Span[0] = 12;

        float norm = GradientClipping.ClipByGlobalNorm([a, b], 6.5);

        AssertClose(13, norm, 1e-7);
        AssertClose(1.5, a.Gradient.Span[0], 1e-6);
        AssertClose(2.0, a.Gradient.Span[1], 1e-6);
        AssertClose(6.0, b.Gradient.Span[0], 1e-6);
    }

    [Fact]
    public void ClipByGlobalNorm_BelowTheLimit_LeavesGradientsUnchanged()
    {
        // 100 elements of 0.1: norm √(100·0.01) = 1, below 2.
        ParameterSlot a = ParameterSlot.Create("a", 100);
        a.Gradient.Span.Fill(0.1f);
        AssertClose(1, GradientClipping.ClipByGlobalNorm([a], 2), 1e-6);
        Assert.All(a.Gradient.ToArray(), g => Assert.Equal(0.1f, g));
    }

    [Fact]
    public void ClipByValue_ClampsEachElement_AndKeepsNaN()
    {
        ParameterSlot a = ParameterSlot.Create("a", 12);
        float[] input = [-3, 0.5f, 2, float.NaN, -0.25f, 1, -1, 7, 0, -8, 0.75f, float.PositiveInfinity];
        input.CopyTo(a.Gradient.Span);
        GradientClipping.ClipByValue([a], 1);
        Assert.Equal([-1, 0.5f, 1, float.NaN, -0.25f, 1, -1, 1, 0, -1, 0.75f, 1], a.Gradient.ToArray());
    }

    [Fact]
    public void AddL2_AddsLambdaTimesValue_AndReturnsHalfLambdaSumOfSquares()
    {
        // θ = [1, −2, 1, −2, …] (11 elements: six 1s and five −2s), λ = 0.1, g = 0.5:
        // g' = 0.5 + 0.1θ = 0.6 or 0.3; penalty = 0.05·(6·1 + 5·4) = 0.05·26 = 1.3.
        ParameterSlot a = ParameterSlot.Create("a", 11);
        for (int i = 0; i < 11; i++)
        {
            a.Value.Span[i] = i % 2 == 0 ? 1 : -2;
        }

        a.Gradient.Span.Fill(0.5f);
        double penalty = Penalties.AddL2([a], 0.1f);
        AssertClose(1.3, penalty, 1e-6);
        for (int i = 0; i < 11; i++)
        {
            AssertClose(i % 2 == 0 ? 0.6 : 0.3, a.Gradient.Span[i], 1e-6);
        }
    }

    [Fact]
    public void AddL1_AddsLambdaTimesSign_AndReturnsLambdaSumOfMagnitudes()
    {
        // θ cycles 1, −2, 0 over 11 elements (four 1s, four −2s, three 0s); λ = 0.1, g = 0:
        // g' = 0.1, −0.1, 0; penalty = 0.1·(4·1 + 4·2) = 1.2.
        ParameterSlot a = ParameterSlot.Create("a", 11);
        for (int i = 0; i < 11; i++)
        {
            a.Value.Span[i] = (i % 3) switch { 0 => 1, 1 => -2, _ => 0 };
        }

        double penalty = Penalties.AddL1([a], 0.1f);
        AssertClose(1.2, penalty, 1e-6);
        for (int i = 0; i < 11; i++)
        {
            Assert.Equal((i % 3) switch { 0 => 0.1f, 1 => -0.1f, _ => 0f }, a.Gradient.Span[i]);
        }
    }
}
