using AutoDiff.Samples.Common;
using AutoDiff.Samples.ImageClassification;
using Xunit;

namespace AutoDiff.Tests.Samples;

/// <summary>The fashion-mnist sample in reduced form: the embedded subset, one epoch, a few hundred images.</summary>
public sealed class FashionMnistSampleTests
{
    [Theory]
    [InlineData("cnn", 640)]
    [InlineData("mlp", 1280)]
    public void OneEpochOnTheEmbeddedSubset_BeatsChance(string model, int images)
    {
        var log = new StringWriter();
        FashionMnistSample.Result result = FashionMnistSample.Run(
            new FashionMnistSample.Options
            {
                Model = model,
                Epochs = 1,
                TrainLimit = images,
                DefaultDirectory = Path.Combine(Path.GetTempPath(), "no-fashion-mnist-here"),
            },
            SampleOutput.Plain(log));

        // 10 balanced classes: chance is 10 %; one short epoch must clearly beat it.
        Assert.Contains("embedded", result.Data, StringComparison.Ordinal);
        Assert.True(result.TestAccuracy[0] > 0.25, $"test accuracy {result.TestAccuracy[0]:P1}\n{log}");
        Assert.True(result.EpochLosses[0] < Math.Log(10), $"training loss {result.EpochLosses[0]}");
    }
}
