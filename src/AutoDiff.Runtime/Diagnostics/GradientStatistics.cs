using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiff.Diagnostics;

/// <summary>The reductions behind <see cref="GradientMonitor"/>: TensorPrimitives where it has them, counting loops where it has none.</summary>
internal static class GradientStatistics
{
    // Squares of values outside this range underflow or overflow float32; such tensors are scaled by their largest
    // magnitude first (the vanishing case routinely produces gradients of 1e-20 whose squares are denormal).
    private const float SafeLow = 1e-15f;
    private const float SafeHigh = 1e15f;

    /// <summary>Returns the L2 norm of <paramref name="x"/>, robust to underflow and overflow, and its largest magnitude.</summary>
    /// <param name="x">The values.</param>
    /// <param name="scratch">At least as long as <paramref name="x"/>; may be <paramref name="x"/> itself only when x may be overwritten.</param>
    /// <param name="maxAbs">The largest |x|, NaN when x holds NaN.</param>
    /// <returns>The norm as a double (NaN or infinity when x holds them; may exceed float's range).</returns>
    public static double Norm(ReadOnlySpan<float> x, Span<float> scratch, out float maxAbs)
    {
        if (x.IsEmpty)
        {
            maxAbs = 0;
            return 0;
        }

        maxAbs = MathF.Abs(TensorPrimitives.MaxMagnitude(x));
        if (!float.IsFinite(maxAbs))
        {
            return maxAbs;
        }

        if (maxAbs == 0)
        {
            return 0;
        }

        if (maxAbs is >= SafeLow and <= SafeHigh)
        {
            return TensorPrimitives.Norm(x);
        }

        // Scale by a power of two so that the largest magnitude becomes about 1; exact, and never infinite.
        int exponent = Math.ILogB(maxAbs);
        float scale = MathF.ScaleB(1f, -exponent);
        Span<float> scaled = scratch[..x.Length];
        TensorPrimitives.Multiply(x, scale, scaled);
        return Math.ScaleB(TensorPrimitives.Norm<float>(scaled), exponent);
    }

    /// <summary>Returns the L2 norm of <paramref name="x"/> in one pass when float32 squares are safe, else as <see cref="Norm(ReadOnlySpan{float}, Span{float}, out float)"/>.</summary>
    /// <param name="x">The values.</param>
    /// <param name="scratch">At least as long as <paramref name="x"/>; may be x itself only when x may be overwritten.</param>
    /// <returns>The norm (NaN or infinity when x holds them).</returns>
    public static double NormFast(ReadOnlySpan<float> x, Span<float> scratch)
    {
        // A result in [1e-10, 1e15] means no square overflowed, and squares lost to underflow (each below 1e-38)
        // weigh less than n · 1e-38 / 1e-20 relative to the sum: negligible.
        float norm = x.IsEmpty ? 0 : TensorPrimitives.Norm(x);
        return norm is >= 1e-10f and <= SafeHigh ? norm : Norm(x, scratch, out _);
    }

    /// <summary>Returns ‖<paramref name="x"/> − <paramref name="y"/>‖ in one pass when safe, else by subtracting into <paramref name="scratch"/>.</summary>
    /// <param name="x">The first vector.</param>
    /// <param name="y">The second vector, as long as x.</param>
    /// <param name="scratch">At least as long as x; overwritten.</param>
    /// <param name="finite">Whether every difference is finite.</param>
    /// <returns>The Euclidean distance.</returns>
    public static double Distance(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> scratch, out bool finite)
    {
        float distance = x.IsEmpty ? 0 : TensorPrimitives.Distance(x, y);
        if (distance is >= 1e-10f and <= SafeHigh)
        {
            finite = true;
            return distance;
        }

        Span<float> delta = scratch[..x.Length];
        TensorPrimitives.Subtract(x, y, delta);
        double norm = Norm(delta, delta, out float maxAbs);
        finite = float.IsFinite(maxAbs);
        return norm;
    }

    /// <summary>Counts the elements equal to zero (either sign).</summary>
    /// <param name="x">The values.</param>
    /// <returns>The number of exact zeros.</returns>
    public static int CountZeros(ReadOnlySpan<float> x)
    {
        int count = 0, i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var counts = Vector<int>.Zero;
            ReadOnlySpan<Vector<float>> vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<float, Vector<float>>(x);
            for (int v = 0; v < vectors.Length; v++)
            {
                // Equals yields −1 in matching lanes.
                counts -= Vector.Equals(vectors[v], Vector<float>.Zero);
            }

            count = Vector.Sum(counts);
            i = vectors.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            if (x[i] == 0)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Counts the elements outside the closed interval [<paramref name="low"/>, <paramref name="high"/>].</summary>
    /// <param name="x">The values.</param>
    /// <param name="low">The lower bound.</param>
    /// <param name="high">The upper bound.</param>
    /// <returns>The number of elements below low or above high (NaN counts as neither).</returns>
    public static int CountOutside(ReadOnlySpan<float> x, float low, float high)
    {
        int count = 0, i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var counts = Vector<int>.Zero;
            var lo = new Vector<float>(low);
            var hi = new Vector<float>(high);
            ReadOnlySpan<Vector<float>> vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<float, Vector<float>>(x);
            for (int v = 0; v < vectors.Length; v++)
            {
                Vector<float> value = vectors[v];
                counts -= Vector.LessThan(value, lo) | Vector.GreaterThan(value, hi);
            }

            count = Vector.Sum(counts);
            i = vectors.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            if (x[i] < low || x[i] > high)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Counts the elements that are NaN or infinite.</summary>
    /// <param name="x">The values.</param>
    /// <returns>The number of non-finite elements.</returns>
    public static int CountNonFinite(ReadOnlySpan<float> x)
    {
        int count = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (!float.IsFinite(x[i]))
            {
                count++;
            }
        }

        return count;
    }
}
