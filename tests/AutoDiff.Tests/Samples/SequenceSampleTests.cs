using AutoDiff.Samples.Common;
using AutoDiff.Samples.Sequence;
using Xunit;

namespace AutoDiff.Tests.Samples;

/// <summary>The sequence sample as run by default: the GRU learns the long-range dependency, the tanh RNN does not.</summary>
public sealed class SequenceSampleTests
{
    [Fact]
    public void Gru_LearnsTheFirstValue_TanhRnn_LosesIt()
    {
        var log = new StringWriter();
        IReadOnlyList<SequenceSample.Run> runs = SequenceSample.Execute(new SequenceSample.Options(), SampleOutput.Plain(log));

        SequenceSample.Run rnn = runs[0], gru = runs[1];
        Assert.True(gru.TestAccuracy >= 0.9, $"GRU accuracy {gru.TestAccuracy}\n{log}");
        Assert.True(rnn.TestAccuracy <= 0.7, $"tanh RNN accuracy {rnn.TestAccuracy}\n{log}");

        // The input gradient of the first time step, relative to the last: orders of magnitude apart.
        Assert.True(gru.FirstToLast > 100 * rnn.FirstToLast, $"first/last: GRU {gru.FirstToLast}, RNN {rnn.FirstToLast}\n{log}");
        Assert.Equal(60, gru.InputGradientNorms.Count);
    }
}
