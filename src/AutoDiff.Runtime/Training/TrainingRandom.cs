using System.Globalization;
using AutoDiff.Checkpoints;

namespace AutoDiff.Training;

/// <summary>
/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64) whose complete state can be saved in a
/// checkpoint, so a resumed run draws exactly the numbers an uninterrupted run would have drawn.
/// </summary>
/// <remarks>
/// <see cref="Random"/> cannot be used for that: its state is not observable. The sequence for a given seed is part
/// of this type's contract and will not change.
/// </remarks>
public sealed class TrainingRandom : ICheckpointState
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator from a seed.</summary>
    /// <param name="seed">The seed; equal seeds give equal sequences.</param>
    /// <param name="name">The prefix of this generator's entry in checkpoints, unique among the saved generators.</param>
    public TrainingRandom(ulong seed, string name = "random")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>Gets the prefix of this generator's checkpoint entry.</summary>
    public string Name { get; }

    /// <summary>Returns the next 64 random bits.</summary>
    /// <returns>A uniformly distributed 64-bit value.</returns>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Returns a uniformly distributed integer in [0, <paramref name="maxExclusive"/>), without modulo bias (Lemire's method).</summary>
    /// <param name="maxExclusive">The exclusive upper bound, positive.</param>
    /// <returns>The integer.</returns>
    public int NextInt32(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong bound = (ulong)maxExclusive;
        ulong product = (NextUInt64() >> 32) * bound;
        if ((uint)product < bound)
        {
            // Reject the few low words that would make some results more likely than others.
            ulong threshold = (0x1_0000_0000UL - bound) % bound;
            while ((uint)product < threshold)
            {
                product = (NextUInt64() >> 32) * bound;
            }
        }

        return (int)(product >> 32);
    }

    /// <summary>Returns a uniformly distributed float in [0, 1) with 24 random bits.</summary>
    /// <returns>The float.</returns>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Returns a uniformly distributed double in [0, 1) with 53 random bits.</summary>
    /// <returns>The double.</returns>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates), every permutation equally likely.</summary>
    /// <param name="items">The items to shuffle.</param>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt32(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Saves the 256-bit state as metadata <c>{Name}.xoshiro256</c>: four hexadecimal words.</remarks>
    public void SaveState(CheckpointWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.AddMetadata(StateKey, string.Join(',', new[] { _s0, _s1, _s2, _s3 }.Select(word => word.ToString("x16", CultureInfo.InvariantCulture))));
    }

    /// <inheritdoc/>
    public void StageLoad(CheckpointReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string[] words = reader.GetMetadata(StateKey).Split(',');
        var state = new ulong[4];
        if (words.Length != 4
            || !words.Select((word, i) => ulong.TryParse(word, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out state[i])).All(ok => ok)
            || state.All(word => word == 0))
        {
            throw new CheckpointException($"The checkpoint's random generator state '{StateKey}' is not four non-zero hexadecimal words.");
        }

        reader.StageCommit(() => (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]));
    }

    private string StateKey => $"{Name}.xoshiro256";

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
