using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiff.Kernels;

/// <summary>
/// Inverted dropout: in training each element is kept with probability 1 − rate and scaled by 1/(1 − rate), so
/// inference needs no rescaling. The mask is a pure function of the seed and the element index (SplitMix64), so a
/// step is reproducible from its seed and no generator state is allocated or shared.
/// </summary>
public static class Dropout
{
    /// <summary>
    /// Writes <c>mask[i] = keep(seed, i) ? 1/(1 − rate) : 0</c> and <c>y[i] = x[i] · mask[i]</c>.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="rate">The probability of dropping an element, in [0, 1).</param>
    /// <param name="seed">The seed; use a new one per training step.</param>
    /// <param name="mask">The scaled keep-mask, kept for the backward pass.</param>
    /// <param name="y">The output; may be <paramref name="x"/>.</param>
    public static void Forward<T>(ReadOnlySpan<T> x, double rate, ulong seed, Span<T> mask, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(rate >= 0 && rate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), $"Dropout: the rate must be in [0, 1); got {rate}.");
        }

        ThrowHelper.RequireLength("Dropout", x.Length, mask.Length, nameof(mask));
        if (y.Length < x.Length)
        {
            ThrowHelper.DestinationTooShort("Dropout", x.Length, y.Length);
        }

        T scale = T.CreateTruncating(1.0 / (1.0 - rate));
        // Keep when the top 53 bits, as a fraction in [0, 1), are ≥ rate.
        ulong threshold = (ulong)(rate * (1UL << 53));
        for (int i = 0; i < x.Length; i++)
        {
            mask[i] = (SplitMix64(seed + (ulong)i) >> 11) >= threshold ? scale : T.Zero;
        }

        TensorPrimitives.Multiply(x, mask[..x.Length], y);
    }

    /// <summary>Effectively computes <c>dx[i] = dy[i] · mask[i]</c> with the mask from <see cref="Forward{T}"/>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="dy">The upstream gradient.</param>
    /// <param name="mask">The mask written by the forward pass.</param>
    /// <param name="dx">The gradient with respect to the input.</param>
    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> mask, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(dy, mask, dx);

    /// <summary>SplitMix64's finaliser: a bijective mix whose outputs for consecutive inputs look independent.</summary>
    private static ulong SplitMix64(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
