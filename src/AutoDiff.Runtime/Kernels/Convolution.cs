using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>
/// The geometry of a 2-D convolution over NCHW input: <c>x[N, C, H, W]</c>, weights <c>w[K, C, R, S]</c>,
/// bias <c>b[K]</c>, output <c>y[N, K, OH, OW]</c> with the same stride and zero padding in both directions.
/// </summary>
/// <param name="Batch">N, the number of images.</param>
/// <param name="InChannels">C, channels per input image.</param>
/// <param name="Height">H, input height.</param>
/// <param name="Width">W, input width.</param>
/// <param name="OutChannels">K, the number of filters.</param>
/// <param name="KernelHeight">R, filter height.</param>
/// <param name="KernelWidth">S, filter width.</param>
/// <param name="Stride">The step between output positions.</param>
/// <param name="Padding">Zero rows/columns added on each side.</param>
public readonly record struct Conv2DGeometry(
    int Batch, int InChannels, int Height, int Width, int OutChannels, int KernelHeight, int KernelWidth,
    int Stride = 1, int Padding = 0)
{
    /// <summary>Gets OH = (H + 2·padding − R) / stride + 1.</summary>
    public int OutHeight => (Height + 2 * Padding - KernelHeight) / Stride + 1;

    /// <summary>Gets OW = (W + 2·padding − S) / stride + 1.</summary>
    public int OutWidth => (Width + 2 * Padding - KernelWidth) / Stride + 1;

    /// <summary>Gets the input length N·C·H·W.</summary>
    public int InputLength => Batch * InChannels * Height * Width;

    /// <summary>Gets the weight length K·C·R·S.</summary>
    public int WeightLength => OutChannels * InChannels * KernelHeight * KernelWidth;

    /// <summary>Gets the output length N·K·OH·OW.</summary>
    public int OutputLength => Batch * OutChannels * OutHeight * OutWidth;

    /// <summary>
    /// Gets the number of images lowered together into one GEMM. Images with at least 96 output positions go one
    /// at a time, so the GEMM reads and writes NCHW directly; smaller ones are grouped up to about 256 columns so
    /// that the GEMM stays wide enough for the micro-kernel.
    /// </summary>
    internal int ImagesPerGroup
    {
        get
        {
            int plane = Math.Max(1, OutHeight * OutWidth);
            return plane >= 96 ? 1 : Math.Clamp((256 + plane - 1) / plane, 1, Math.Max(1, Batch));
        }
    }

    /// <summary>
    /// Gets the scratch length the convolution kernels need: the filters packed for the GEMM, then one slot per core,
    /// each holding the column matrix <c>C·R·S × G·OH·OW</c> of a group of G images, an output block
    /// <c>K × G·OH·OW</c> and a <c>K × (C·R·S + 1)</c> gradient block. Allocate it once and pass it to every call.
    /// </summary>
    public int WorkspaceLength => PackedWeightsLength + SlotLength * Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Gets the length of the packed filters at the start of the workspace: w (K × C·R·S) or wᵀ (C·R·S × K) with the
    /// rows padded to a whole number of micro-kernel panels (Mr ≤ 8 rows, so at most 7 padding rows).
    /// </summary>
    internal int PackedWeightsLength
    {
        get
        {
            int crs = InChannels * KernelHeight * KernelWidth;
            return Math.Max((OutChannels + 7) * crs, (crs + 7) * OutChannels);
        }
    }

    /// <summary>Gets the length of one thread's slot of the workspace.</summary>
    internal int SlotLength => WeightBlockOffset + (InChannels * KernelHeight * KernelWidth + 1) * OutChannels;

    /// <summary>Gets where the weight-gradient block starts inside a slot.</summary>
    internal int WeightBlockOffset => (InChannels * KernelHeight * KernelWidth + OutChannels) * ImagesPerGroup * OutHeight * OutWidth;

    internal void Validate(string operation)
    {
        if (Batch < 0 || InChannels <= 0 || Height <= 0 || Width <= 0 || OutChannels <= 0 || KernelHeight <= 0 ||
            KernelWidth <= 0 || Stride <= 0 || Padding < 0 || OutHeight <= 0 || OutWidth <= 0)
        {
            ThrowHelper.ShapeMismatch(operation, $"invalid geometry {this}");
        }
    }
}

/// <summary>
/// 2-D convolution (cross-correlation, as in every deep-learning library) over NCHW tensors as implicit GEMMs: the
/// filters are packed once per call and the im2col matrix is packed panel by panel straight from the input, never
/// written out. The forward pass multiplies the filters by the columns of one image (or a group of small ones), the
/// weight gradient is one GEMM over all the images a core takes, and the input gradient multiplies wᵀ by dy and adds
/// the columns back onto the image (col2im).
/// All three kernels take a caller-owned workspace of <see cref="Conv2DGeometry.WorkspaceLength"/> elements and
/// allocate nothing.
/// </summary>
public static class Convolution
{
    /// <summary>Effectively computes <c>y[n, k, i, j] = b[k] + Σ_{c,r,s} w[k, c, r, s] · x[n, c, i·stride − pad + r, j·stride − pad + s]</c> (zero outside the image).</summary>
    /// <param name="g">The geometry.</param>
    /// <param name="x">The input, N·C·H·W.</param>
    /// <param name="w">The filters, K·C·R·S.</param>
    /// <param name="bias">K values, or empty for no bias.</param>
    /// <param name="y">The output, N·K·OH·OW, overwritten.</param>
    /// <param name="workspace">Scratch of <see cref="Conv2DGeometry.WorkspaceLength"/> elements.</param>
    public static void Conv2D(in Conv2DGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, Span<float> workspace) =>
        Forward(g, x, w, bias, y, workspace);

    /// <inheritdoc cref="Conv2D(in Conv2DGeometry, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    public static void Conv2D(in Conv2DGeometry g, ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> bias, Span<double> y, Span<double> workspace) =>
        Forward(g, x, w, bias, y, workspace);

    /// <summary>The gradient to the input: <c>dx = col2im(wᵀ · dy)</c>, i.e. the transposed convolution of dy with w.</summary>
    /// <param name="g">The geometry.</param>
    /// <param name="w">The filters.</param>
    /// <param name="dy">The upstream gradient, N·K·OH·OW.</param>
    /// <param name="dx">The gradient with respect to the input, N·C·H·W, overwritten.</param>
    /// <param name="workspace">Scratch of <see cref="Conv2DGeometry.WorkspaceLength"/> elements.</param>
    public static void Conv2DBackwardInput(in Conv2DGeometry g, ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx, Span<float> workspace) =>
        BackwardInput(g, w, dy, dx, workspace);

    /// <inheritdoc cref="Conv2DBackwardInput(in Conv2DGeometry, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    public static void Conv2DBackwardInput(in Conv2DGeometry g, ReadOnlySpan<double> w, ReadOnlySpan<double> dy, Span<double> dx, Span<double> workspace) =>
        BackwardInput(g, w, dy, dx, workspace);

    /// <summary>The gradients to the filters and the bias: <c>dw = Σₙ dyₙ · im2col(xₙ)ᵀ</c>, <c>db[k] = Σ_{n,i,j} dy[n, k, i, j]</c>.</summary>
    /// <param name="g">The geometry.</param>
    /// <param name="x">The forward input.</param>
    /// <param name="dy">The upstream gradient, N·K·OH·OW.</param>
    /// <param name="dw">The filter gradient, K·C·R·S, overwritten.</param>
    /// <param name="dbias">The bias gradient, K values, overwritten; or empty to skip it.</param>
    /// <param name="workspace">Scratch of <see cref="Conv2DGeometry.WorkspaceLength"/> elements.</param>
    public static void Conv2DBackwardWeights(in Conv2DGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, Span<float> dbias, Span<float> workspace) =>
        BackwardWeights(g, x, dy, dw, dbias, workspace);

    /// <inheritdoc cref="Conv2DBackwardWeights(in Conv2DGeometry, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
    public static void Conv2DBackwardWeights(in Conv2DGeometry g, ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dw, Span<double> dbias, Span<double> workspace) =>
        BackwardWeights(g, x, dy, dw, dbias, workspace);

    private static unsafe void Forward<T>(in Conv2DGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> bias, Span<T> y, Span<T> workspace)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "Conv2D";
        Check(Op, g, x.Length, g.InputLength, "x", w.Length, y.Length, g.OutputLength, workspace.Length);
        if (!bias.IsEmpty)
        {
            ThrowHelper.RequireSameLength(Op, g.OutChannels, bias.Length, nameof(bias));
        }

        fixed (T* px = x, pw = w, pb = bias, py = y, pws = workspace)
        {
            PackWeights(g, pw, transposed: false, pws);
            ConvJob<T>.Run(ConvKind.Forward, g, input: px, weights: pws, bias: bias.IsEmpty ? null : pb, output: py, workspace: pws, workspaceLength: workspace.Length);
        }
    }

    private static unsafe void BackwardInput<T>(in Conv2DGeometry g, ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dx, Span<T> workspace)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "Conv2DBackwardInput";
        Check(Op, g, dy.Length, g.OutputLength, "dy", w.Length, dx.Length, g.InputLength, workspace.Length);
        dx[..g.InputLength].Clear();
        fixed (T* pw = w, pdy = dy, pdx = dx, pws = workspace)
        {
            PackWeights(g, pw, transposed: true, pws);
            ConvJob<T>.Run(ConvKind.BackwardInput, g, input: pdx, weights: pws, bias: null, output: pdy, workspace: pws, workspaceLength: workspace.Length);
        }
    }

    private static unsafe void BackwardWeights<T>(in Conv2DGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, Span<T> dbias, Span<T> workspace)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "Conv2DBackwardWeights";
        Check(Op, g, x.Length, g.InputLength, "x", dw.Length, dy.Length, g.OutputLength, workspace.Length);
        if (!dbias.IsEmpty)
        {
            ThrowHelper.RequireSameLength(Op, g.OutChannels, dbias.Length, nameof(dbias));
        }

        int parts;
        fixed (T* px = x, pdy = dy, pws = workspace)
        {
            parts = ConvJob<T>.Run(ConvKind.BackwardWeights, g, input: px, weights: null, bias: null, output: pdy, workspace: pws, workspaceLength: workspace.Length);
        }

        // Each part summed its images into the gradient block of its own workspace slot; add the slots up.
        int crs = g.InChannels * g.KernelHeight * g.KernelWidth, k = g.OutChannels, slot = g.SlotLength;
        dw[..g.WeightLength].Clear();
        if (!dbias.IsEmpty)
        {
            dbias.Clear();
        }

        for (int part = 0; part < parts; part++)
        {
            // Each slot holds dwᵀ (C·R·S × K): transpose while adding.
            ReadOnlySpan<T> partial = workspace.Slice(g.PackedWeightsLength + part * slot + g.WeightBlockOffset, crs * k);
            for (int j = 0; j < crs; j++)
            {
                for (int kk = 0; kk < k; kk++)
                {
                    dw[kk * crs + j] += partial[j * k + kk];
                }
            }

            if (!dbias.IsEmpty)
            {
                TensorPrimitives.Add(dbias, workspace.Slice(g.PackedWeightsLength + part * slot + g.WeightBlockOffset + crs * k, k), dbias);
            }
        }
    }

    /// <summary>Packs w (or wᵀ) once per call, for every part's GEMMs, with the micro-kernel this machine uses.</summary>
    private static unsafe void PackWeights<T>(in Conv2DGeometry g, T* w, bool transposed, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
        {
            ConvGemm<T, MicroKernel512<T>>.PackWeights(g, w, transposed, dst);
        }
        else
        {
            ConvGemm<T, MicroKernel256<T>>.PackWeights(g, w, transposed, dst);
        }
    }

    /// <summary>Forward for images [n0, n0 + images): an implicit GEMM with the packed filters, written to NCHW with the bias.</summary>
    internal static unsafe void ForwardGroup<T>(in Conv2DGeometry g, T* x, T* packedWeights, T* bias, T* y, Span<T> slot, int n0, int images)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* block = slot)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                ConvGemm<T, MicroKernel512<T>>.Forward(g, x, packedWeights, bias, y, block, n0, images);
            }
            else
            {
                ConvGemm<T, MicroKernel256<T>>.Forward(g, x, packedWeights, bias, y, block, n0, images);
            }
        }
    }

    /// <summary>Input gradient for images [n0, n0 + images): col = wᵀ · dy with the packed wᵀ, then col2im adds it into dx (cleared by the caller).</summary>
    internal static unsafe void BackwardInputGroup<T>(in Conv2DGeometry g, T* packedWeightsT, T* dy, Span<T> dx, Span<T> slot, int n0, int images)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int crs = g.InChannels * g.KernelHeight * g.KernelWidth, cols = images * g.OutHeight * g.OutWidth;
        Span<T> col = slot[..(crs * cols)];
        fixed (T* pcol = col, pblock = slot.Slice(crs * cols, g.OutChannels * cols))
        {
            if (Vector512.IsHardwareAccelerated)
            {
                ConvGemm<T, MicroKernel512<T>>.BackwardInputColumns(g, packedWeightsT, dy, pcol, pblock, n0, images);
            }
            else
            {
                ConvGemm<T, MicroKernel256<T>>.BackwardInputColumns(g, packedWeightsT, dy, pcol, pblock, n0, images);
            }
        }

        Col2ImAdd(g, col, n0, images, dx);
    }

    /// <summary>Adds the filter gradient (as dwᵀ) and the bias gradient of images [n0, n0 + images) to the slot's gradient block as one implicit GEMM.</summary>
    internal static unsafe void BackwardWeightsRange<T>(in Conv2DGeometry g, T* x, T* dy, Span<T> slot, int n0, int images)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int crs = g.InChannels * g.KernelHeight * g.KernelWidth;
        fixed (T* dw = slot.Slice(g.WeightBlockOffset, (crs + 1) * g.OutChannels))
        {
            T* db = dw + crs * g.OutChannels;
            if (Vector512.IsHardwareAccelerated)
            {
                ConvGemm<T, MicroKernel512<T>>.BackwardWeights(g, x, dy, dw, db, n0, images);
            }
            else
            {
                ConvGemm<T, MicroKernel256<T>>.BackwardWeights(g, x, dy, dw, db, n0, images);
            }
        }
    }

    /// <summary>col2im: adds each entry of the column matrix back onto the input pixel the forward pass read it from.</summary>
    private static unsafe void Col2ImAdd<T>(in Conv2DGeometry g, ReadOnlySpan<T> col, int n0, int images, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* pcol = col, pdx = dx)
        {
            LoweringJob<T>.Run(g, pdx, pcol, n0, images);
        }
    }

    /// <summary>The output columns [first, last) whose input column ow·stride − pad + s lies inside the image.</summary>
    internal static void ValidColumns(in Conv2DGeometry g, int s, out int first, out int last)
    {
        // ow·stride − pad + s ≥ 0  ⇔  ow ≥ ceil((pad − s) / stride)
        first = Math.Max(0, (g.Padding - s + g.Stride - 1) / g.Stride);
        // ow·stride − pad + s ≤ W − 1  ⇔  ow ≤ floor((W − 1 + pad − s) / stride)
        int lastInclusive = (g.Width - 1 + g.Padding - s) / g.Stride;
        last = Math.Min(g.OutWidth, lastInclusive + 1);
        first = Math.Min(first, last);
    }

    private static void Check(string operation, in Conv2DGeometry g, int inputLength, int inputRequired, string inputName,
        int weightLength, int outputLength, int outputRequired, int workspaceLength)
    {
        g.Validate(operation);
        ThrowHelper.RequireLength(operation, inputRequired, inputLength, inputName);
        ThrowHelper.RequireLength(operation, g.WeightLength, weightLength, "w");
        if (outputLength < outputRequired)
        {
            ThrowHelper.DestinationTooShort(operation, outputRequired, outputLength);
        }

        ThrowHelper.RequireLength(operation, g.WorkspaceLength, workspaceLength, "workspace");
    }
}
