using AutoDiff.Optimizers;
using Xunit;
using static AutoDiff.Runtime.Tests.Optimizers.OptimizerTestHelpers;

namespace AutoDiff.Runtime.Tests.Optimizers;

public class AdaptiveOptimizerTests
{
    [Fact]
    public void AdaGrad_WithLearningRateDecay_FollowsHandDerivedTrajectory()
    {
        // γ = 0.1, η = 0.5, s0 = 0, ε = 0: γ̃_t = γ / (1 + (t − 1)η) = 0.1, 1/15, 0.05; s ← s + g²; θ ← θ − γ̃ g / √s.
        // Lane A, θ0 = 1, g = 3, 4, 12:  s = 9, 25, 169 (√ = 3, 5, 13)
        //   θ1 = 1 − 0.1·3/3         = 0.9
        //   θ2 = 0.9 − (1/15)·4/5    = 0.9 − 4/75 = 0.846666…
        //   θ3 = θ2 − 0.05·12/13     = 0.9 − 4/75 − 0.6/13 = 0.80051282…
        // Lane B, θ0 = −2, g = −0.6, 0.8, 0:  s = 0.36, 1, 1
        //   θ1 = −2 + 0.1·0.6/0.6    = −1.9
        //   θ2 = −1.9 − (1/15)·0.8/1 = −1.953333…
        //   θ3 = θ2 (g = 0)
        AssertTrajectories(
            p => new AdaGrad(p, new AdaGradOptions { LearningRate = 0.1, LearningRateDecay = 0.5, Epsilon = 0 }),
            (1, [3, 4, 12], [0.9, 0.9 - (4.0 / 75), 0.9 - (4.0 / 75) - (0.6 / 13)]),
            (-2, [-0.6, 0.8, 0], [-1.9, -1.9 - (0.8 / 15), -1.9 - (0.8 / 15)]));
    }

    [Fact]
    public void AdaGrad_InitialAccumulatorValue_StartsTheSum()
    {
        // s0 = 3, g = 1: s1 = 4, θ1 = 0 − 0.1·1/2 = −0.05;  g = −1: s1 = 4, θ1 = 1 + 0.05 = 1.05.
        AssertTrajectories(
            p => new AdaGrad(p, new AdaGradOptions { LearningRate = 0.1, InitialAccumulatorValue = 3, Epsilon = 0 }),
            (0, [1], [-0.05]),
            (1, [-1], [1.05]));
    }

    [Fact]
    public void RmsProp_Plain_FollowsHandDerivedTrajectory()
    {
        // γ = 0.1, α = 0.75, ε = 0: v ← 0.75 v + 0.25 g², θ ← θ − γ g / √v.
        // Lane A, θ0 = 1, g = 2, 1, 3:  v = 1, 1, 3
        //   θ1 = 1 − 0.2 = 0.8;  θ2 = 0.8 − 0.1 = 0.7;  θ3 = 0.7 − 0.3/√3 = 0.52679492
        // Lane B, θ0 = −1, g = −1, 0.5, 0:  v = 0.25, 0.25, 0.1875
        //   θ1 = −1 + 0.1·1/0.5 = −0.8;  θ2 = −0.8 − 0.1·0.5/0.5 = −0.9;  θ3 = −0.9 (g = 0)
        AssertTrajectories(
            p => new RmsProp(p, new RmsPropOptions { LearningRate = 0.1, Alpha = 0.75, Epsilon = 0 }),
            (1, [2, 1, 3], [0.8, 0.7, 0.7 - (0.3 / Math.Sqrt(3))]),
            (-1, [-1, 0.5, 0], [-0.8, -0.9, -0.9]));
    }

    [Fact]
    public void RmsProp_CenteredWithMomentum_FollowsHandDerivedTrajectory()
    {
        // γ = 0.1, α = 0.75, μ = 0.5, ε = 0:
        //   v ← 0.75 v + 0.25 g²;  ḡ ← 0.75 ḡ + 0.25 g;  ṽ = v − ḡ²;  b ← 0.5 b + g/√ṽ;  θ ← θ − 0.1 b.
        // Lane A, θ0 = 1, g = 2, 1, 3:
        //   t1: v = 1,  ḡ = 0.5,     ṽ = 0.75,         b = 2/√0.75             = 2.30940108   θ1 = 0.76905989
        //   t2: v = 1,  ḡ = 0.625,   ṽ = 0.609375,     b = 1.15470054 + 1.28102523 = 2.43572577   θ2 = 0.52548732
        //   t3: v = 3,  ḡ = 1.21875, ṽ = 1.5146484375, b = 1.21786288 + 2.43761624 = 3.65547912   θ3 = 0.15993940
        // Lane B, θ0 = −1, g = −1, 0.5, 0.25:
        //   t1: v = 0.25,     ḡ = −0.25,     ṽ = 0.1875,          b = −2.30940108              θ1 = −0.76905989
        //   t2: v = 0.25,     ḡ = −0.0625,   ṽ = 0.24609375,      b = −1.15470054 + 1.00790526 = −0.14679528   θ2 = −0.75438036
        //   t3: v = 0.203125, ḡ = 0.015625,  ṽ = 0.202880859375,  b = −0.07339764 + 0.55503385 = 0.48163621    θ3 = −0.80254399
        AssertTrajectories(
            p => new RmsProp(p, new RmsPropOptions { LearningRate = 0.1, Alpha = 0.75, Momentum = 0.5, Centered = true, Epsilon = 0 }),
            (1, [2, 1, 3], [0.7690598923241496, 0.5254873154421548, 0.159939403264025]),
            (-1, [-1, 0.5, 0.25], [-0.7690598923241496, -0.7543803646220184, -0.8025439858218296]));
    }

    [Fact]
    public void Adam_FollowsHandDerivedTrajectory()
    {
        // γ = 0.1, β1 = 0.9, β2 = 0.999, ε = 1e-8: m ← β1 m + (1 − β1) g, v ← β2 v + (1 − β2) g²,
        // θ ← θ − γ m̂ / (√v̂ + ε) with m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t).
        // Lane A, θ0 = 1, constant g = 1: m_t = 1 − 0.9^t and v_t = 1 − 0.999^t, so m̂ = v̂ = 1 exactly and each step
        //   moves by γ/(1 + ε): θ_t = 1 − 0.1·t/(1 + 1e-8) ≈ 0.9, 0.8, 0.7.
        // Lane B, θ0 = 0, g = 1, −1, 2:
        //   t1: m = 0.1,    v = 0.001,       m̂ = 1,             v̂ = 1              θ1 = −0.1/(1 + ε)
        //   t2: m = −0.01,  v = 0.001999,    m̂ = −0.01/0.19,    v̂ = 0.001999/0.001999 = 1
        //       θ2 = θ1 + 0.1·0.05263158 = −0.09473684
        //   t3: m = 0.191,  v = 0.005997001, m̂ = 0.191/0.271 = 0.70479705,  v̂ = 0.005997001/0.002997001 = 2.00100033
        //       θ3 = θ2 − 0.1·0.70479705/1.41456719 = −0.14456106
        AssertTrajectories(
            p => new Adam(p, new AdamOptions { LearningRate = 0.1 }),
            (1, [1, 1, 1], [1 - (0.1 / (1 + 1e-8)), 1 - (0.2 / (1 + 1e-8)), 1 - (0.3 / (1 + 1e-8))]),
            (0, [1, -1, 2], [-0.1 / (1 + 1e-8), -0.0947368411578948, -0.1445610552005978]));
    }

    [Fact]
    public void Adam_WeightDecay_IsAnL2TermThatPassesThroughTheMoments()
    {
        // λ = 0.1, g = 0, so d = λθ:
        //   t1: d = 0.1,   m = 0.01,  v = 1e-5,       m̂ = 0.1,                 v̂ = 0.01              θ1 = 1 − 0.1·0.1/(0.1 + ε) ≈ 0.9
        //   t2: d = 0.09,  m = 0.009 + 0.009 = 0.018, v = 9.99e-6 + 8.1e-6 = 1.809e-5
        //       m̂ = 0.018/0.19 = 0.09473684, v̂ = 1.809e-5/0.001999 = 0.00904952, √v̂ = 0.09512896
        //       θ2 = 0.9 − 0.1·0.09473684/0.09512896 = 0.80041225
        //   t3 (same rule, d = 0.08004122): θ3 = 0.70158630
        // Lane B is the same with θ0 = −1, mirrored.
        AssertTrajectories(
            p => new Adam(p, new AdamOptions { LearningRate = 0.1, WeightDecay = 0.1 }),
            (1, [0, 0, 0], [0.900000009999999, 0.8004122480821506, 0.7015863025553359]),
            (-1, [0, 0, 0], [-0.900000009999999, -0.8004122480821506, -0.7015863025553359]));
    }

    [Fact]
    public void AdamW_DecaysTheParameterDirectly()
    {
        // γ = 0.1, λ = 0.1: θ ← θ(1 − γλ) = 0.99θ first, then the Adam step on the undecayed gradient.
        // Lane A, g = 0: m = v = 0 so the Adam step is 0/(0 + ε) = 0:  θ_t = 0.99^t = 0.99, 0.9801, 0.970299.
        // Lane B, θ0 = 1, g = 1 (m̂ = v̂ = 1, step γ/(1 + ε)):
        //   θ1 = 0.99 − 0.1 = 0.89;  θ2 = 0.8811 − 0.1 = 0.7811;  θ3 = 0.773289 − 0.1 = 0.673289   (each +1e-9 from ε)
        AssertTrajectories(
            p => new AdamW(p, new AdamWOptions { LearningRate = 0.1, WeightDecay = 0.1 }),
            (1, [0, 0, 0], [0.99, 0.9801, 0.970299]),
            (1, [1, 1, 1], [0.890000001, 0.7811000019900006, 0.6732890029701006]));
    }

    [Fact]
    public void AdamW_DefaultWeightDecay_IsPyTorchs()
    {
        Assert.Equal(1e-2, new AdamWOptions().WeightDecay);
        Assert.Equal(0, new AdamOptions().WeightDecay);
    }

    [Fact]
    public void Adam_AmsGrad_KeepsTheLargestSecondMoment()
    {
        // γ = 0.1, g = 1, 0, 0, θ0 = 0: v = 0.001, 0.000999, 0.000998001 falls, v^max stays 0.001.
        //   m = 0.1, 0.09, 0.081;  1 − β1^t = 0.1, 0.19, 0.271;  1 − β2^t = 0.001, 0.001999, 0.002997001
        //   AMSGrad: θ2 = −0.1 − (0.1/0.19)·0.09 / (√0.001/√0.001999)     = −0.16697231
        //            θ3 = θ2 − (0.1/0.271)·0.081 / (√0.001/√0.002997001)  = −0.21871621
        //   Plain Adam (lane B, same gradients) divides by √0.000999 and √0.000998001 instead:
        //            θ2 = −0.16700582, θ3 = −0.21880152 — different in the fourth significant digit.
        AssertTrajectories(
            p => new Adam(p, new AdamOptions { LearningRate = 0.1, AmsGrad = true }),
            (0, [1, 0, 0], [-0.09999999900000002, -0.16697231217413366, -0.21871621282963083]),
            (0, [-1, 0, 0], [0.09999999900000002, 0.16697231217413366, 0.21871621282963083]));
        AssertTrajectories(
            p => new Adam(p, new AdamOptions { LearningRate = 0.1 }),
            (0, [1, 0, 0], [-0.09999999900000002, -0.16700582346581133, -0.21880151981676277]),
            (0, [-1, 0, 0], [0.09999999900000002, 0.16700582346581133, 0.21880151981676277]));
    }

    [Fact]
    public void Epsilon_IsAddedOutsideTheSquareRoot_AfterBiasCorrection()
    {
        // A large ε makes its placement visible (the documented rules add ε to √v̂, outside the root):
        // Adam, γ = 0.1, ε = 1, constant g: m̂ = g and v̂ = g² on every step, so each step moves by 0.1·g/(|g| + 1):
        //   g = 1: −0.05 per step (ε inside the root would give 0.1/√2; ε before bias correction, 0.1·√0.001/(√0.001 + 1)/… ≠ 0.05)
        //   g = 2: −0.2/3 per step.
        AssertTrajectories(
            p => new Adam(p, new AdamOptions { LearningRate = 0.1, Epsilon = 1 }),
            (0, [1, 1], [-0.05, -0.1]),
            (0, [2, 2], [-0.2 / 3, -0.4 / 3]));

        // RMSprop, γ = 0.1, α = 0.75, ε = 1: g = 2 gives v = 1, θ1 = 1 − 0.2/(1 + 1) = 0.9; g = −4 gives v = 4, θ1 = 0.4/3.
        AssertTrajectories(
            p => new RmsProp(p, new RmsPropOptions { LearningRate = 0.1, Alpha = 0.75, Epsilon = 1 }),
            (1, [2], [0.9]),
            (0, [-4], [0.4 / 3]));

        // AdaGrad, γ = 0.1, ε = 1: g = 3 gives s = 9, θ1 = 1 − 0.3/(3 + 1) = 0.925; g = 1 gives θ1 = −0.1/2 = −0.05.
        AssertTrajectories(
            p => new AdaGrad(p, new AdaGradOptions { LearningRate = 0.1, Epsilon = 1 }),
            (1, [3], [0.925]),
            (0, [1], [-0.05]));
    }

    [Fact]
    public void StepAndZeroGradients_AfterStateIsCreated_AllocateNothing()
    {
        ParameterSlot a = ParameterSlot.Create("a", 1000), b = ParameterSlot.Create("b", 37);
        a.Gradient.Span.Fill(0.1f);
        b.Gradient.Span.Fill(-0.2f);
        Optimizer[] optimizers =
        [
            new Sgd([a, b], new SgdOptions { Momentum = 0.9, Nesterov = true, WeightDecay = 0.1 }),
            new AdaGrad([a, b], new AdaGradOptions { WeightDecay = 0.1 }),
            new RmsProp([a, b], new RmsPropOptions { Centered = true, Momentum = 0.9 }),
            new Adam([a, b], new AdamOptions { AmsGrad = true, WeightDecay = 0.1 }),
            new AdamW([a, b], new AdamWOptions()),
        ];
        foreach (Optimizer optimizer in optimizers)
        {
            optimizer.Step();

            // Three windows: a one-off runtime allocation can land in one; a step that allocates allocates in all.
            var windows = new List<long>();
            for (int window = 0; window < 3; window++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 10; i++)
                {
                    optimizer.Step();
                    optimizer.ZeroGradients();
                }

                windows.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.True(windows.Min() == 0, $"{optimizer.GetType().Name}: every window allocated: {string.Join(", ", windows)} bytes");
        }
    }
}
