using System.Numerics;

namespace AutoDiff.Kernels;

/// <summary>The geometry of 2-D pooling over NCHW input with a square window and no padding.</summary>
/// <param name="Batch">N.</param>
/// <param name="Channels">C.</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
/// <param name="Size">The window's side.</param>
/// <param name="Stride">The step between windows (usually equal to <paramref name="Size"/>).</param>
public readonly record struct Pool2DGeometry(int Batch, int Channels, int Height, int Width, int Size, int Stride)
{
    /// <summary>Gets OH = (H − size) / stride + 1 (a partial window at the edge is dropped, as in PyTorch).</summary>
    public int OutHeight => (Height - Size) / Stride + 1;

    /// <summary>Gets OW = (W − size) / stride + 1.</summary>
    public int OutWidth => (Width - Size) / Stride + 1;

    /// <summary>Gets N·C·H·W.</summary>
    public int InputLength => Batch * Channels * Height * Width;

    /// <summary>Gets N·C·OH·OW.</summary>
    public int OutputLength => Batch * Channels * OutHeight * OutWidth;

    internal void Validate(string operation, int inputLength, int outputLength)
    {
        if (Batch < 0 || Channels <= 0 || Size <= 0 || Stride <= 0 || Height < Size || Width < Size)
        {
            ThrowHelper.ShapeMismatch(operation, $"invalid geometry {this}");
        }

        ThrowHelper.RequireLength(operation, InputLength, inputLength, "x");
        if (outputLength < OutputLength)
        {
            ThrowHelper.DestinationTooShort(operation, OutputLength, outputLength);
        }
    }
}

/// <summary>Max and average pooling over NCHW tensors with their backward kernels.</summary>
public static class Pooling
{
    /// <summary>
    /// Effectively computes <c>y[n, c, i, j] = max over the window at (i·stride, j·stride)</c> and records in
    /// <paramref name="argmax"/> the flat input index of the first maximal element (used by the backward pass).
    /// NaN wins over any number.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="g">The geometry.</param>
    /// <param name="x">The input.</param>
    /// <param name="y">The output.</param>
    /// <param name="argmax">One input index per output element.</param>
    public static unsafe void MaxPool2D<T>(in Pool2DGeometry g, ReadOnlySpan<T> x, Span<T> y, Span<int> argmax)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        g.Validate("MaxPool2D", x.Length, y.Length);
        ThrowHelper.RequireLength("MaxPool2D", g.OutputLength, argmax.Length, nameof(argmax));
        fixed (T* px = x, py = y)
        fixed (int* pw = argmax)
        {
            // Planes are independent: large inputs are split across the kernel workers by planes.
            ParallelRange.Run(new MaxPoolKernel<T>(g, px, py, pw), g.Batch * g.Channels, 1, g.InputLength);
        }
    }

    /// <summary>Pools the planes [start, end) of N·C.</summary>
    private readonly unsafe struct MaxPoolKernel<T>(Pool2DGeometry g, T* x, T* y, int* argmax) : IRangeKernel
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int start, int end)
        {
            if (g.Size == 2 && g.Stride == 2)
            {
                MaxPool2x2(g, x, y, argmax, start, end);
                return;
            }

            int oh = g.OutHeight, ow = g.OutWidth, hw = g.Height * g.Width, o = start * oh * ow;
            for (int plane = start; plane < end; plane++)
            {
                int basis = plane * hw;
                for (int i = 0; i < oh; i++)
                {
                    for (int j = 0; j < ow; j++, o++)
                    {
                        int best = basis + i * g.Stride * g.Width + j * g.Stride;
                        T max = x[best];
                        for (int r = 0; r < g.Size; r++)
                        {
                            int row = basis + (i * g.Stride + r) * g.Width + j * g.Stride;
                            for (int s = 0; s < g.Size; s++)
                            {
                                T v = x[row + s];
                                if (v > max || (T.IsNaN(v) && !T.IsNaN(max)))
                                {
                                    max = v;
                                    best = row + s;
                                }
                            }
                        }

                        y[o] = max;
                        argmax[o] = best;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The common 2×2, stride-2 window: four candidates per output, compared in the order of the general loop (row by
    /// row), so the same element wins. <c>!(v &lt;= max) &amp; !IsNaN(max)</c> is the general loop's
    /// <c>v &gt; max || (IsNaN(v) &amp;&amp; !IsNaN(max))</c>; the choices are selects, not branches, because which of four
    /// values wins is as good as random.
    /// </summary>
    private static unsafe void MaxPool2x2<T>(in Pool2DGeometry g, T* x, T* y, int* argmax, int start, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = g.Width, hw = g.Height * width, oh = g.OutHeight, ow = g.OutWidth;
        int o = start * oh * ow;
        for (int plane = start; plane < end; plane++)
        {
            for (int i = 0; i < oh; i++)
            {
                int top = plane * hw + 2 * i * width;
                int bottom = top + width;
                for (int j = 0; j < ow; j++, o++)
                {
                    int k = top + 2 * j;
                    T max = x[k];
                    int best = k;
                    Take(x[k + 1], k + 1, ref max, ref best);
                    k = bottom + 2 * j;
                    Take(x[k], k, ref max, ref best);
                    Take(x[k + 1], k + 1, ref max, ref best);
                    y[o] = max;
                    argmax[o] = best;
                }
            }
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Take<T>(T v, int index, ref T max, ref int best)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool take = !(v <= max) & !T.IsNaN(max);
        int mask = -System.Runtime.CompilerServices.Unsafe.As<bool, byte>(ref take);
        best = (best & ~mask) | (index & mask);
        max = take ? v : max;
    }

    /// <summary>
    /// Effectively computes <c>dx[argmax[o]] += dy[o]</c> for every output: each output's gradient goes to the input
    /// that won its window (the other inputs are left as they are). Split across the kernel workers by planes, whose
    /// winners lie in their own plane.
    /// </summary>
    /// <param name="g">The geometry.</param>
    /// <param name="dy">The upstream gradient, N·C·OH·OW.</param>
    /// <param name="argmax">The indices recorded by <see cref="MaxPool2D{T}"/>.</param>
    /// <param name="dx">The gradient with respect to the input, added to.</param>
    internal static unsafe void ScatterAdd<T>(in Pool2DGeometry g, ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowHelper.RequireLength("MaxPool2DBackward", g.OutputLength, dy.Length, nameof(dy));
        ThrowHelper.RequireLength("MaxPool2DBackward", g.OutputLength, argmax.Length, nameof(argmax));
        ThrowHelper.RequireLength("MaxPool2DBackward", g.InputLength, dx.Length, nameof(dx));
        fixed (T* pdy = dy, pdx = dx)
        fixed (int* pw = argmax)
        {
            ParallelRange.Run(new ScatterKernel<T>(g.OutHeight * g.OutWidth, g.Height * g.Width, pdy, pw, pdx), g.Batch * g.Channels, 1, g.OutputLength * 2L);
        }
    }

    private readonly unsafe struct ScatterKernel<T>(int outputsPerPlane, int inputsPerPlane, T* dy, int* argmax, T* dx) : IRangeKernel
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int start, int end)
        {
            int first = start * inputsPerPlane, limit = end * inputsPerPlane;
            for (int o = start * outputsPerPlane; o < end * outputsPerPlane; o++)
            {
                int index = argmax[o];
                if ((uint)(index - first) >= (uint)(limit - first))
                {
                    ThrowHelper.ShapeMismatch("MaxPool2DBackward", $"winner index {index} of output {o} is outside its plane");
                }

                dx[index] += dy[o];
            }
        }
    }

    /// <summary>Effectively computes <c>dx = 0; dx[argmax[o]] += dy[o]</c>: each output's gradient goes to the input that won.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="g">The geometry.</param>
    /// <param name="dy">The upstream gradient, N·C·OH·OW.</param>
    /// <param name="argmax">The indices recorded by <see cref="MaxPool2D{T}"/>.</param>
    /// <param name="dx">The gradient with respect to the input, overwritten.</param>
    public static void MaxPool2DBackward<T>(in Pool2DGeometry g, ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        g.Validate("MaxPool2DBackward", dx.Length, dy.Length);
        ThrowHelper.RequireLength("MaxPool2DBackward", g.OutputLength, argmax.Length, nameof(argmax));
        dx[..g.InputLength].Clear();
        ScatterAdd(g, dy[..g.OutputLength], argmax, dx[..g.InputLength]);
    }

    /// <summary>Effectively computes <c>y[n, c, i, j] = (1 / size²) Σ over the window at (i·stride, j·stride)</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="g">The geometry.</param>
    /// <param name="x">The input.</param>
    /// <param name="y">The output.</param>
    public static void AvgPool2D<T>(in Pool2DGeometry g, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        g.Validate("AvgPool2D", x.Length, y.Length);
        T scale = T.One / T.CreateTruncating(g.Size * g.Size);
        int oh = g.OutHeight, ow = g.OutWidth, hw = g.Height * g.Width, o = 0;
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
        {
            int basis = plane * hw;
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++, o++)
                {
                    T sum = T.Zero;
                    for (int r = 0; r < g.Size; r++)
                    {
                        int row = basis + (i * g.Stride + r) * g.Width + j * g.Stride;
                        for (int s = 0; s < g.Size; s++)
                        {
                            sum += x[row + s];
                        }
                    }

                    y[o] = sum * scale;
                }
            }
        }
    }

    /// <summary>Effectively computes <c>dx = 0</c>, then adds <c>dy[o] / size²</c> to every input of window o.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="g">The geometry.</param>
    /// <param name="dy">The upstream gradient.</param>
    /// <param name="dx">The gradient with respect to the input, overwritten.</param>
    public static void AvgPool2DBackward<T>(in Pool2DGeometry g, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        g.Validate("AvgPool2DBackward", dx.Length, dy.Length);
        dx[..g.InputLength].Clear();
        T scale = T.One / T.CreateTruncating(g.Size * g.Size);
        int oh = g.OutHeight, ow = g.OutWidth, hw = g.Height * g.Width, o = 0;
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
        {
            int basis = plane * hw;
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++, o++)
                {
                    T share = dy[o] * scale;
                    for (int r = 0; r < g.Size; r++)
                    {
                        int row = basis + (i * g.Stride + r) * g.Width + j * g.Stride;
                        for (int s = 0; s < g.Size; s++)
                        {
                            dx[row + s] += share;
                        }
                    }
                }
            }
        }
    }
}
