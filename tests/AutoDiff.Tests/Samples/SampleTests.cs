using AutoDiff.Samples.AdamMlp;
using AutoDiff.Samples.Common;
using AutoDiff.Samples.LinearRegression;
using AutoDiff.Samples.OptimizerComparison;
using AutoDiff.Samples.TwoLayer;
using AutoDiff.Samples.Xor;
using Xunit;

namespace AutoDiff.Tests.Samples;

/// <summary>Each sample in a reduced form, with a check that its result is sane.</summary>
public sealed class SampleTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "autodiff-samples-" + Guid.NewGuid().ToString("N"));
    private readonly StringWriter _log = new();

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private SampleOutput Output(bool plots = false) => SampleOutput.Plain(_log, plots ? _directory : null);

    private static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), path);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 1000, $"{path} has only {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
    }

    [Fact]
    public void LinearRegressionRecoversSlope3AndIntercept2Point5()
    {
        LinearRegressionSample.Result result = LinearRegressionSample.Run(new LinearRegressionSample.Options { Steps = 500, LearningRate = 0.5 }, Output(plots: true));

        Assert.InRange(result.W, 2.7, 3.3);
        Assert.InRange(result.B, 2.35, 2.65); // 2 plus the noise's mean 0.5
        Assert.Equal(result.LeastSquaresW, result.W, 1e-3);
        Assert.Equal(result.LeastSquaresB, result.B, 1e-3);
        Assert.True(result.FinalLoss < result.InitialLoss / 10);
        Assert.InRange(result.FinalLoss, 0.05, 0.12); // the noise variance, 1/12
        Assert.Equal(2, result.Plots.Count);
        Assert.All(result.Plots, AssertPng);
        Assert.Contains("exact least squares", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LinearRegressionGradientIsTheAnalyticOne()
    {
        float[] xs = [0.1f, 0.5f, 0.9f], ys = [2f, 4f, 5f];
        float w = 1.5f, b = 0.5f;

        LinearRegressionSample.MseGradient(w, b, xs, ys, out float dw, out float db);

        // d/dw mean((w x + b - y)^2) = 2 mean((w x + b - y) x); the seed article used 2 (y - ŷ) for both.
        float expectedW = 0, expectedB = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            float error = w * xs[i] + b - ys[i];
            expectedW += 2 * error * xs[i] / xs.Length;
            expectedB += 2 * error / xs.Length;
        }

        Assert.Equal(expectedW, dw, 1e-5f);
        Assert.Equal(expectedB, db, 1e-5f);
    }

    [Fact]
    public void TwoLayerComposesToTheSameLine()
    {
        TwoLayerSample.Result result = TwoLayerSample.Run(new TwoLayerSample.Options { Steps = 800 }, Output());

        Assert.InRange(result.EffectiveW, 2.7, 3.3);
        Assert.InRange(result.EffectiveB, 2.35, 2.65);
        Assert.True(result.FinalLoss < result.InitialLoss / 10);
    }

    [Fact]
    public void XorIsSolvedByTheMlpAndNotByLogisticRegression()
    {
        XorSample.Result result = XorSample.Run(new XorSample.Options { LogisticSteps = 300, MlpSteps = 2000 }, Output(plots: true));

        foreach (XorSample.ModelResult logistic in new[] { result.LogisticGd, result.LogisticSgd })
        {
            Assert.False(logistic.Solved, logistic.Name);
            Assert.True(logistic.FinalLoss >= Math.Log(2) - 1e-4, $"{logistic.Name}: {logistic.FinalLoss} is below ln 2, impossible for a linear model on XOR");
        }

        Assert.True(result.Mlp.Solved, string.Join(", ", result.Mlp.Probabilities));
        Assert.True(result.Mlp.FinalLoss < 0.1, $"MLP loss {result.Mlp.FinalLoss}");
        Assert.Equal(0.5, result.LogisticGd.Probability(0.5, 0.5), 0.05);
        Assert.Equal(3, result.Plots.Count); // loss curves and the two probability maps
        Assert.All(result.Plots, AssertPng);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void XorMlpSolvesFromOtherSeedsToo(ulong seed)
    {
        XorSample.Result result = XorSample.Run(new XorSample.Options { Seed = seed, LogisticSteps = 50, MlpSteps = 2000 }, Output());

        Assert.True(result.Mlp.Solved);
        Assert.False(result.LogisticGd.Solved);
        Assert.False(result.LogisticSgd.Solved);
    }

    [Fact]
    public void AdamMlpLossDecreasesAtEveryLearningRate()
    {
        AdamMlpSample.Result result = AdamMlpSample.Run(
            new AdamMlpSample.Options { TrainSamples = 256, ValidationSamples = 64, Epochs = 4 },
            Output(plots: true));

        Assert.Equal(3, result.Runs.Count);
        Assert.All(result.Runs, run => Assert.True(run.FinalValidationLoss < run.InitialValidationLoss, run.Label));
        Assert.True(result.Runs[0].FinalValidationLoss < 0.5 * result.Runs[0].InitialValidationLoss);
        Assert.True(result.Runs[1].FinalValidationLoss < 0.5 * result.Runs[1].InitialValidationLoss);
        Assert.True(result.Runs[2].FinalValidationLoss > result.Runs[1].FinalValidationLoss, "lr 1e-4 should be the slowest");
        Assert.All(result.Runs, run => Assert.Equal(5, run.ValidationLosses.Count));
        AssertPng(Assert.Single(result.Plots));
    }

    [Fact]
    public void EveryOptimizerReducesTheLoss()
    {
        OptimizerComparisonSample.Result result = OptimizerComparisonSample.Run(
            new OptimizerComparisonSample.Options { TrainSamples = 256, ValidationSamples = 64, Epochs = 4, Hidden1 = 32, Hidden2 = 16 },
            Output(plots: true));

        Assert.Equal(6, result.Runs.Count);
        Assert.All(result.Runs, run => Assert.True(run.FinalValidationLoss < run.InitialValidationLoss, run.Label));
        AssertPng(Assert.Single(result.Plots));
    }
}
