using AutoDiff.Checkpoints;
using AutoDiff.Optimizers;
using AutoDiff.Training;
using Xunit;

namespace AutoDiff.Runtime.Tests.Training;

public class TrainingRandomTests
{
    [Fact]
    public void Sequence_MatchesXoshiro256StarStarSeededBySplitMix64()
    {
        // Reference values from an independent implementation of the published algorithms (SplitMix64 expands the
        // seed 2 into the four state words; xoshiro256** output = rotl(s1·5, 7)·9).
        var random = new TrainingRandom(2);
        Assert.Equal(0x1a28690da8a8d057UL, random.NextUInt64());
        Assert.Equal(0xb9bb8042daedd58aUL, random.NextUInt64());
        Assert.Equal(0x2f1829af001ef205UL, random.NextUInt64());
    }

    [Fact]
    public void NextInt32_StaysInRange_AndIsRoughlyUniform()
    {
        var random = new TrainingRandom(7);
        var counts = new int[10];
        for (int i = 0; i < 100_000; i++)
        {
            counts[random.NextInt32(10)]++;
        }

        // Each bucket expects 10,000 with a standard deviation of ~95; 600 is more than six deviations.
        Assert.All(counts, count => Assert.InRange(count, 9_400, 10_600));
        Assert.Equal(0, random.NextInt32(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt32(0));
    }

    [Fact]
    public void Shuffle_ProducesAPermutation()
    {
        int[] items = Enumerable.Range(0, 100).ToArray();
        new TrainingRandom(3).Shuffle(items);
        Assert.NotEqual(Enumerable.Range(0, 100), items);
        Assert.Equal(Enumerable.Range(0, 100), items.Order());
    }

    [Fact]
    public void CheckpointedState_ContinuesTheSameSequence()
    {
        string path = Path.Combine(Path.GetTempPath(), $"autodiff-random-{Guid.NewGuid():N}.safetensors");
        try
        {
            var original = new TrainingRandom(11);
            original.NextUInt64();
            Checkpoint.Save(path, Array.Empty<ParameterSlot>(), original);

            var restored = new TrainingRandom(999);
            Checkpoint.Load(path, Array.Empty<ParameterSlot>(), restored);
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(original.NextUInt64(), restored.NextUInt64());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
