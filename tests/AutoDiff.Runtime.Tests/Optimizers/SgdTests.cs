using AutoDiff.Optimizers;
using Xunit;
using static AutoDiff.Runtime.Tests.Optimizers.OptimizerTestHelpers;

namespace AutoDiff.Runtime.Tests.Optimizers;

public class SgdTests
{
    [Fact]
    public void Step_WithWeightDecay_FollowsHandDerivedTrajectory()
    {
        // γ = 0.1, λ = 0.1: d = g + λθ, θ ← θ − γd.
        // Lane A, θ0 = 2, g = 1, 1, 1:
        //   d1 = 1 + 0.2     = 1.2      θ1 = 2 − 0.12          = 1.88
        //   d2 = 1 + 0.188   = 1.188    θ2 = 1.88 − 0.1188     = 1.7612
        //   d3 = 1 + 0.17612 = 1.17612  θ3 = 1.7612 − 0.117612 = 1.643588
        // Lane B, θ0 = −1, g = 0.5, −1, 2:
        //   d1 = 0.5 − 0.1      = 0.4       θ1 = −1 − 0.04          = −1.04
        //   d2 = −1 − 0.104     = −1.104    θ2 = −1.04 + 0.1104     = −0.9296
        //   d3 = 2 − 0.09296    = 1.90704   θ3 = −0.9296 − 0.190704 = −1.120304
        AssertTrajectories(
            p => new Sgd(p, new SgdOptions { LearningRate = 0.1, WeightDecay = 0.1 }),
            (2, [1, 1, 1], [1.88, 1.7612, 1.643588]),
            (-1, [0.5, -1, 2], [-1.04, -0.9296, -1.120304]));
    }

    [Fact]
    public void Step_WithMomentumAndDampening_StartsBufferUndampened()
    {
        // γ = 0.1, μ = 0.9, τ = 0.5: b1 = g1 (no dampening on the first step), b_t = μ b_{t−1} + (1 − τ) g_t, θ ← θ − γ b.
        // Lane A, θ0 = 1, g = 1, 1, 1:
        //   b1 = 1                  θ1 = 1 − 0.1     = 0.9
        //   b2 = 0.9 + 0.5  = 1.4   θ2 = 0.9 − 0.14  = 0.76
        //   b3 = 1.26 + 0.5 = 1.76  θ3 = 0.76 − 0.176 = 0.584
        // Lane B, θ0 = 0, g = 2, −2, 0:
        //   b1 = 2                  θ1 = −0.2
        //   b2 = 1.8 − 1    = 0.8   θ2 = −0.2 − 0.08  = −0.28
        //   b3 = 0.72 + 0   = 0.72  θ3 = −0.28 − 0.072 = −0.352
        AssertTrajectories(
            p => new Sgd(p, new SgdOptions { LearningRate = 0.1, Momentum = 0.9, Dampening = 0.5 }),
            (1, [1, 1, 1], [0.9, 0.76, 0.584]),
            (0, [2, -2, 0], [-0.2, -0.28, -0.352]));
    }

    [Fact]
    public void Step_WithNesterov_LooksAheadAlongTheBuffer()
    {
        // γ = 0.1, μ = 0.9, τ = 0: b_t = μ b_{t−1} + g_t (b1 = g1), d = g + μ b_t, θ ← θ − γ d.
        // Lane A, θ0 = 1, g = 1, 1, 1:
        //   b1 = 1     d1 = 1 + 0.9   = 1.9    θ1 = 1 − 0.19      = 0.81
        //   b2 = 1.9   d2 = 1 + 1.71  = 2.71   θ2 = 0.81 − 0.271  = 0.539
        //   b3 = 2.71  d3 = 1 + 2.439 = 3.439  θ3 = 0.539 − 0.3439 = 0.1951
        // Lane B, θ0 = 0, g = 2, −2, 0:
        //   b1 = 2      d1 = 2 + 1.8    = 3.8    θ1 = −0.38
        //   b2 = −0.2   d2 = −2 − 0.18  = −2.18  θ2 = −0.38 + 0.218   = −0.162
        //   b3 = −0.18  d3 = 0 − 0.162  = −0.162 θ3 = −0.162 + 0.0162 = −0.1458
        AssertTrajectories(
            p => new Sgd(p, new SgdOptions { LearningRate = 0.1, Momentum = 0.9, Nesterov = true }),
            (1, [1, 1, 1], [0.81, 0.539, 0.1951]),
            (0, [2, -2, 0], [-0.38, -0.162, -0.1458]));
    }

    [Fact]
    public void Step_WithTwoGroups_UsesEachGroupsHyperParameters()
    {
        // Same gradient 1 for both; group 1 has γ = 0.1, group 2 γ = 0.01 and λ = 1 (d = 1 + θ).
        // Group 1: θ = 1 → 0.9.   Group 2: θ = 1, d = 2 → 1 − 0.02 = 0.98.
        ParameterSlot first = ParameterSlot.Create("a", 3), second = ParameterSlot.Create("b", 2, 5);
        first.Value.Span.Fill(1);
        second.Value.Span.Fill(1);
        first.Gradient.Span.Fill(1);
        second.Gradient.Span.Fill(1);
        var sgd = new Sgd(
        [
            new ParameterGroup<SgdOptions>([first], new SgdOptions { LearningRate = 0.1 }),
            new ParameterGroup<SgdOptions>([second], new SgdOptions { LearningRate = 0.01, WeightDecay = 1 }),
        ]);

        sgd.Step();

        Assert.All(first.Value.ToArray(), v => AssertClose(0.9, v, 1e-6));
        Assert.All(second.Value.ToArray(), v => AssertClose(0.98, v, 1e-6));
    }

    [Fact]
    public void Step_DoesNotModifyTheGradient()
    {
        ParameterSlot slot = ParameterSlot.Create("w", 11);
        slot.Value.Span.Fill(3);
        slot.Gradient.Span.Fill(0.5f);
        new Sgd([slot], new SgdOptions { LearningRate = 0.1, WeightDecay = 0.1, Momentum = 0.9, Nesterov = true }).Step();
        Assert.All(slot.Gradient.ToArray(), g => Assert.Equal(0.5f, g));
    }

    [Fact]
    public void Constructor_RejectsNesterovWithoutMomentum_AndDuplicateNames()
    {
        ParameterSlot slot = ParameterSlot.Create("w", 2);
        Assert.Throws<ArgumentException>(() => new Sgd([slot], new SgdOptions { Nesterov = true }));
        Assert.Throws<ArgumentException>(() => new Sgd([slot, slot], new SgdOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([slot], new SgdOptions { LearningRate = -1 }));
    }
}
