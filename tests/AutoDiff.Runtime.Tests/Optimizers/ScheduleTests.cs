using AutoDiff.Optimizers;
using Xunit;
using static AutoDiff.Runtime.Tests.Optimizers.OptimizerTestHelpers;

namespace AutoDiff.Runtime.Tests.Optimizers;

public class ScheduleTests
{
    private static Sgd CreateSgd(double learningRate) =>
        new([ParameterSlot.Create("w", 1)], new SgdOptions { LearningRate = learningRate });

    private static double[] Rates(Optimizer optimizer, LearningRateSchedule schedule, int epochs)
    {
        var rates = new double[epochs];
        for (int e = 0; e < epochs; e++)
        {
            rates[e] = optimizer.BaseGroups[0].LearningRate;
            schedule.Step();
        }

        return rates;
    }

    [Fact]
    public void StepLearningRate_HalvesEveryTwoEpochs()
    {
        // η0 = 0.8, γ = 0.5, step size 2: η_e = 0.8·0.5^⌊e/2⌋.
        Sgd sgd = CreateSgd(0.8);
        Assert.Equal([0.8, 0.8, 0.4, 0.4, 0.2, 0.2], Rates(sgd, new StepLearningRate(sgd, stepSize: 2, gamma: 0.5), 6));
    }

    [Fact]
    public void ExponentialLearningRate_MultipliesEveryEpoch()
    {
        Sgd sgd = CreateSgd(0.8);
        Assert.Equal([0.8, 0.4, 0.2, 0.1], Rates(sgd, new ExponentialLearningRate(sgd, gamma: 0.5), 4));
    }

    [Fact]
    public void CosineWithWarmup_RisesLinearlyThenFollowsHalfACosine()
    {
        // η0 = 1, W = 2, T = 6: steps 0, 1 warm up (0, 0.5); then p = (s − 2)/4 and η = ½(1 + cos πp):
        //   s = 2: 1;  s = 3: ½(1 + √2/2) = 0.85355339;  s = 4: 0.5;  s = 5: ½(1 − √2/2) = 0.14644661;  s ≥ 6: 0.
        Sgd sgd = CreateSgd(1);
        double[] rates = Rates(sgd, new CosineWithWarmupLearningRate(sgd, warmupSteps: 2, totalSteps: 6), 8);
        double[] expected = [0, 0.5, 1, 0.5 + (Math.Sqrt(2) / 4), 0.5, 0.5 - (Math.Sqrt(2) / 4), 0, 0];
        for (int s = 0; s < expected.Length; s++)
        {
            Assert.True(Math.Abs(expected[s] - rates[s]) < 1e-12, $"step {s}: expected {expected[s]}, got {rates[s]}");
        }
    }

    [Fact]
    public void CosineWithWarmup_WithMinimum_EndsAtTheMinimum()
    {
        // η0 = 1, η_min = 0.1, W = 0, T = 2: s = 1 is p = ½ → 0.1 + 0.9·½ = 0.55; s = 2 → 0.1.
        Sgd sgd = CreateSgd(1);
        double[] rates = Rates(sgd, new CosineWithWarmupLearningRate(sgd, 0, 2, minimumLearningRate: 0.1), 4);
        AssertClose(1, rates[0], 1e-12);
        AssertClose(0.55, rates[1], 1e-12);
        AssertClose(0.1, rates[2], 1e-12);
        AssertClose(0.1, rates[3], 1e-12);
    }

    [Fact]
    public void ReduceOnPlateau_ReducesAfterPatienceRunsOut_ThenCoolsDown()
    {
        // factor 0.5, patience 1, cooldown 1, η0 = 1. Metrics and what happens:
        //   1.0   better (best 1.0)                     bad 0            η 1
        //   0.9   better (0.9 < 1.0·(1 − 1e-4))          bad 0            η 1
        //   0.95  worse                                  bad 1            η 1
        //   0.95  worse                                  bad 2 > 1 → η 0.5, cooldown 1, bad 0
        //   0.95  worse, in cooldown: counter → 0         bad 0            η 0.5
        //   0.95  worse                                  bad 1            η 0.5
        //   0.95  worse                                  bad 2 > 1 → η 0.25
        //   0.8   better                                 bad 0            η 0.25
        Sgd sgd = CreateSgd(1);
        var plateau = new ReduceLearningRateOnPlateau(sgd, factor: 0.5, patience: 1, cooldown: 1);
        double[] metrics = [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.8];
        double[] expected = [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25];
        for (int e = 0; e < metrics.Length; e++)
        {
            plateau.Step(metrics[e]);
            Assert.Equal(expected[e], sgd.BaseGroups[0].LearningRate);
        }

        Assert.Equal(0.8, plateau.Best);
    }

    [Fact]
    public void ReduceOnPlateau_Maximizing_RespectsTheMinimumRate()
    {
        // Accuracy never improves after 0.5; patience 0 reduces on every bad epoch: 1 → 0.1 → 0.05 (floor) → 0.05.
        Sgd sgd = CreateSgd(1);
        var plateau = new ReduceLearningRateOnPlateau(sgd, MetricGoal.Maximize, factor: 0.1, patience: 0, minimumLearningRate: 0.05);
        plateau.Step(0.5);
        Assert.Equal(1, sgd.BaseGroups[0].LearningRate);
        plateau.Step(0.4);
        AssertClose(0.1, sgd.BaseGroups[0].LearningRate, 1e-12);
        plateau.Step(0.4);
        Assert.Equal(0.05, sgd.BaseGroups[0].LearningRate);
        plateau.Step(0.4);
        Assert.Equal(0.05, sgd.BaseGroups[0].LearningRate);
    }

    [Fact]
    public void Schedule_ScalesEachGroupFromItsOwnInitialRate()
    {
        ParameterSlot a = ParameterSlot.Create("a", 1), b = ParameterSlot.Create("b", 1);
        var sgd = new Sgd(
        [
            new ParameterGroup<SgdOptions>([a], new SgdOptions { LearningRate = 1 }),
            new ParameterGroup<SgdOptions>([b], new SgdOptions { LearningRate = 0.1 }),
        ]);
        var schedule = new ExponentialLearningRate(sgd, 0.5);
        schedule.Step();
        Assert.Equal(0.5, sgd.Groups[0].LearningRate);
        Assert.Equal(0.05, sgd.Groups[1].LearningRate);
    }
}
