using AutoDiff.Diagnostics;
using AutoDiff.Samples.Common;
using AutoDiff.Samples.Vanishing;
using Xunit;

namespace AutoDiff.Tests.Samples;

/// <summary>The vanishing sample in reduced form: the sigmoid network is flagged, the remedies are not.</summary>
public sealed class VanishingSampleTests
{
    [Fact]
    public void OnlyTheNaiveSigmoidNetwork_IsFlaggedAsVanishing()
    {
        var log = new StringWriter();
        IReadOnlyList<VanishingSample.Run> runs = VanishingSample.Execute(new VanishingSample.Options { Depth = 20, Steps = 12 }, SampleOutput.Plain(log));

        Assert.Equal(4, runs.Count);
        Assert.Contains(runs[0].Findings, f => f.Kind == FindingKind.VanishingGradient);
        Assert.True(runs[0].FirstToLast < 1e-6, $"sigmoid first/last {runs[0].FirstToLast}\n{log}");
        foreach (VanishingSample.Run remedy in runs.Skip(1))
        {
            Assert.DoesNotContain(remedy.Findings, f => f.Kind == FindingKind.VanishingGradient);
            Assert.True(remedy.FirstToLast > 1e-2, $"{remedy.Name}: first/last {remedy.FirstToLast}\n{log}");
        }
    }
}
