using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiff.Kernels;

/// <summary>
/// Sum, mean and max along one axis of a row-major tensor and their backward kernels. The input of shape
/// <c>shape</c> is reduced along <c>axis</c> into a destination of <c>outer × inner</c> elements (the shape with that
/// axis removed, or kept as 1 — the layout is the same).
/// </summary>
public static class Reductions
{
    /// <summary>Effectively computes <c>destination[o, i] = Σₐ x[o, a, i]</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input, <c>shape.Length</c> elements.</param>
    /// <param name="shape">The input's shape.</param>
    /// <param name="axis">The axis to reduce; -1 is the last.</param>
    /// <param name="destination">The result, <c>shape.Length / shape[axis]</c> elements.</param>
    public static void Sum<T>(ReadOnlySpan<T> x, Shape shape, int axis, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (outer, size, inner) = Check("Sum", x.Length, shape, axis, destination.Length);
        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<T> block = x.Slice(o * size * inner, size * inner);
            if (inner == 1)
            {
                destination[o] = TensorPrimitives.Sum(block);
                continue;
            }

            // Adding whole rows of `inner` elements keeps the loop vectorised along the contiguous axis.
            Span<T> dst = destination.Slice(o * inner, inner);
            dst.Clear();
            for (int a = 0; a < size; a++)
            {
                TensorPrimitives.Add(dst, block.Slice(a * inner, inner), dst);
            }
        }
    }

    /// <summary>Effectively computes <c>destination[o, i] = (1 / n) Σₐ x[o, a, i]</c>, n = <c>shape[axis]</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="shape">The input's shape.</param>
    /// <param name="axis">The axis to reduce.</param>
    /// <param name="destination">The result.</param>
    public static void Mean<T>(ReadOnlySpan<T> x, Shape shape, int axis, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Sum(x, shape, axis, destination);
        int size = shape[axis];
        int count = shape.Length / Math.Max(1, size);
        TensorPrimitives.Divide(destination[..count], T.CreateTruncating(size), destination[..count]);
    }

    /// <summary>Effectively computes <c>destination[o, i] = maxₐ x[o, a, i]</c>; NaN propagates.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="shape">The input's shape (the reduced axis must not be empty).</param>
    /// <param name="axis">The axis to reduce.</param>
    /// <param name="destination">The result.</param>
    public static void Max<T>(ReadOnlySpan<T> x, Shape shape, int axis, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (outer, size, inner) = Check("Max", x.Length, shape, axis, destination.Length);
        if (size == 0)
        {
            ThrowHelper.ShapeMismatch("Max", $"cannot take the maximum along empty axis {axis} of shape {shape}");
        }

        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<T> block = x.Slice(o * size * inner, size * inner);
            if (inner == 1)
            {
                destination[o] = TensorPrimitives.Max(block);
                continue;
            }

            Span<T> dst = destination.Slice(o * inner, inner);
            block[..inner].CopyTo(dst);
            for (int a = 1; a < size; a++)
            {
                TensorPrimitives.Max(dst, block.Slice(a * inner, inner), dst);
            }
        }
    }

    /// <summary>The backward of <see cref="Sum{T}"/>: every input element receives its output's gradient, <c>dx[o, a, i] = dy[o, i]</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="dy">The upstream gradient, <c>outer × inner</c>.</param>
    /// <param name="shape">The forward input's shape.</param>
    /// <param name="axis">The reduced axis.</param>
    /// <param name="dx">The gradient with respect to the input.</param>
    public static void SumBackward<T>(ReadOnlySpan<T> dy, Shape shape, int axis, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T> => Broadcast("SumBackward", dy, shape, axis, T.One, dx);

    /// <summary>The backward of <see cref="Mean{T}"/>: <c>dx[o, a, i] = dy[o, i] / n</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="dy">The upstream gradient.</param>
    /// <param name="shape">The forward input's shape.</param>
    /// <param name="axis">The reduced axis.</param>
    /// <param name="dx">The gradient with respect to the input.</param>
    public static void MeanBackward<T>(ReadOnlySpan<T> dy, Shape shape, int axis, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Broadcast("MeanBackward", dy, shape, axis, T.One / T.CreateTruncating(Math.Max(1, shape[axis])), dx);

    /// <summary>
    /// The backward of <see cref="Max{T}"/>: the gradient goes to the first element along the axis that equals the
    /// maximum (the subgradient PyTorch's <c>max(dim)</c> uses); every other element gets 0.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The forward input.</param>
    /// <param name="max">The forward output.</param>
    /// <param name="dy">The upstream gradient.</param>
    /// <param name="shape">The forward input's shape.</param>
    /// <param name="axis">The reduced axis.</param>
    /// <param name="dx">The gradient with respect to the input.</param>
    public static void MaxBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> max, ReadOnlySpan<T> dy, Shape shape, int axis, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (outer, size, inner) = Check("MaxBackward", dx.Length, shape, axis, dy.Length);
        ThrowHelper.RequireLength("MaxBackward", shape.Length, x.Length, nameof(x));
        ThrowHelper.RequireLength("MaxBackward", outer * inner, max.Length, nameof(max));
        dx[..shape.Length].Clear();
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                T m = max[o * inner + i];
                for (int a = 0; a < size; a++)
                {
                    int index = (o * size + a) * inner + i;
                    if (x[index] == m || (T.IsNaN(m) && T.IsNaN(x[index])))
                    {
                        dx[index] = dy[o * inner + i];
                        break;
                    }
                }
            }
        }
    }

    private static void Broadcast<T>(string operation, ReadOnlySpan<T> dy, Shape shape, int axis, T scale, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (outer, size, inner) = Check(operation, dx.Length, shape, axis, dy.Length);
        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<T> g = dy.Slice(o * inner, inner);
            for (int a = 0; a < size; a++)
            {
                TensorPrimitives.Multiply(g, scale, dx.Slice((o * size + a) * inner, inner));
            }
        }
    }

    private static (int Outer, int Size, int Inner) Check(string operation, int inputLength, Shape shape, int axis, int outputLength)
    {
        if (inputLength < shape.Length)
        {
            ThrowHelper.InputTooShort(operation, "x", shape.Length, inputLength);
        }

        var split = shape.SplitAt(axis);
        if (outputLength < split.Outer * split.Inner)
        {
            ThrowHelper.DestinationTooShort(operation, split.Outer * split.Inner, outputLength);
        }

        return split;
    }
}
