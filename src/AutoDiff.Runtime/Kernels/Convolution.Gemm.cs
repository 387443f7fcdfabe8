using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>
/// The convolution kernels as blocked GEMMs that share <see cref="GemmDriver{T, TKernel}"/>'s packing format and
/// macro-kernel but pack their operands themselves: the filters once per call (<see cref="PackWeights"/>), the
/// im2col matrix straight from the input (<see cref="ConvPacking{T}"/>), so neither the column matrix nor a second
/// copy of the filters is written per image.
/// </summary>
internal static unsafe class ConvGemm<T, TKernel>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : struct, IGemmMicroKernel<T>
{
    /// <summary>
    /// Packs the filters as the A operand of every k block: <c>w[K, CRS]</c> for the forward pass, or
    /// <c>wᵀ[CRS, K]</c> when <paramref name="transposed"/> (the input gradient). Block pc starts at rowsPadded · pc.
    /// </summary>
    public static void PackWeights(in Conv2DGeometry g, T* w, bool transposed, T* dst)
    {
        int crs = g.InChannels * g.KernelHeight * g.KernelWidth;
        int m = transposed ? crs : g.OutChannels, inner = transposed ? g.OutChannels : crs;
        var problem = new GemmProblem<T> { TransA = transposed, M = m, K = inner, A = w, Lda = crs };
        int depth = GemmDriver<T, TKernel>.Depth(inner), rowsPadded = GemmDriver<T, TKernel>.RoundUp(m, TKernel.Mr);
        for (int pc = 0; pc < inner; pc += depth)
        {
            GemmDriver<T, TKernel>.PackA(problem, 0, m, pc, Math.Min(depth, inner - pc), dst + (long)rowsPadded * pc);
        }
    }

    /// <summary>
    /// y for images [n0, n0 + images) = bias + w · col, with col packed from x panel by panel. One image is written
    /// straight into its NCHW output (a K × OH·OW matrix); a group is computed in <paramref name="block"/>
    /// (K × images·OH·OW) and copied out.
    /// </summary>
    public static void Forward(in Conv2DGeometry g, T* x, T* packedWeights, T* bias, T* y, T* block, int n0, int images)
    {
        int crs = g.InChannels * g.KernelHeight * g.KernelWidth, plane = g.OutHeight * g.OutWidth, cols = images * plane;
        int k = g.OutChannels;
        T* c = images == 1 ? y + (long)n0 * k * plane : block;
        int ldc = images == 1 ? plane : cols;
        for (int row = 0; row < k; row++)
        {
            new Span<T>(c + (long)row * ldc, cols).Fill(bias == null ? T.Zero : bias[row]);
        }

        int depth = GemmDriver<T, TKernel>.Depth(crs), rowsPadded = GemmDriver<T, TKernel>.RoundUp(k, TKernel.Mr);
        int ncMax = Math.Min(GemmDriver<T, TKernel>.Nc, cols);
        T* bp = PackBuffers<T>.ForB(GemmDriver<T, TKernel>.RoundUp(ncMax, TKernel.Nr) * depth);
        // Runs of fewer than 8 pixels (OW < 8) copy faster as gathers (measured on the 3 × 3 outputs of the seed CNN's third layer).
        bool byRuns = g.Stride == 1 && g.Padding == 0 && g.OutWidth >= 8 && Vector512.IsHardwareAccelerated;
        for (int jc = 0; jc < cols; jc += ncMax)
        {
            int nc = Math.Min(ncMax, cols - jc);
            for (int pc = 0; pc < crs; pc += depth)
            {
                int kc = Math.Min(depth, crs - pc);
                if (byRuns)
                {
                    ConvPacking<T>.PackPixelColumnsByRuns(g, x, n0, pc, kc, jc, nc, TKernel.Nr, bp);
                }
                else
                {
                    ConvPacking<T>.PackPixelColumns(g, x, n0, pc, kc, jc, nc, TKernel.Nr, bp, vectorized: true);
                }

                MacroOverRows(k, nc, kc, packedWeights + (long)rowsPadded * pc, bp, c + jc, ldc);
            }
        }

        if (images > 1)
        {
            for (int i = 0; i < images; i++)
            {
                for (int row = 0; row < k; row++)
                {
                    new ReadOnlySpan<T>(block + (long)row * cols + i * plane, plane)
                        .CopyTo(new Span<T>(y + ((long)(n0 + i) * k + row) * plane, plane));
                }
            }
        }
    }

    /// <summary>
    /// col[CRS, images·OH·OW] = wᵀ · dy for images [n0, n0 + images), into <paramref name="col"/>; for a group the
    /// gradient is first gathered into <paramref name="dyBlock"/> (K × images·OH·OW). The caller scatters col (col2im).
    /// </summary>
    public static void BackwardInputColumns(in Conv2DGeometry g, T* packedWeightsT, T* dy, T* col, T* dyBlock, int n0, int images)
    {
        int crs = g.InChannels * g.KernelHeight * g.KernelWidth, plane = g.OutHeight * g.OutWidth, cols = images * plane;
        int k = g.OutChannels;
        T* b = dy + (long)n0 * k * plane;
        if (images > 1)
        {
            for (int i = 0; i < images; i++)
            {
                for (int row = 0; row < k; row++)
                {
                    new ReadOnlySpan<T>(dy + ((long)(n0 + i) * k + row) * plane, plane)
                        .CopyTo(new Span<T>(dyBlock + (long)row * cols + i * plane, plane));
                }
            }

            b = dyBlock;
        }

        new Span<T>(col, crs * cols).Clear();
        var problem = new GemmProblem<T> { K = k, N = cols, B = b, Ldb = cols };
        int depth = GemmDriver<T, TKernel>.Depth(k), rowsPadded = GemmDriver<T, TKernel>.RoundUp(crs, TKernel.Mr);
        int ncMax = Math.Min(GemmDriver<T, TKernel>.Nc, cols);
        T* bp = PackBuffers<T>.ForB(GemmDriver<T, TKernel>.RoundUp(ncMax, TKernel.Nr) * depth);
        for (int jc = 0; jc < cols; jc += ncMax)
        {
            int nc = Math.Min(ncMax, cols - jc);
            for (int pc = 0; pc < k; pc += depth)
            {
                int kc = Math.Min(depth, k - pc);
                GemmDriver<T, TKernel>.PackB(problem, pc, kc, jc, nc, bp);
                MacroOverRows(crs, nc, kc, packedWeightsT + (long)rowsPadded * pc, bp, col + jc, cols);
            }
        }
    }

    /// <summary>
    /// dwᵀ[CRS, K] += col · dyᵀ and db += Σ dy over images [n0, n0 + images), as ONE GEMM whose inner dimension runs
    /// over every pixel of every image of the range (k blocks may span two images), so the gradient block is loaded
    /// and stored once per k block instead of once per image. The taps are the rows, because packing them is six
    /// contiguous runs side by side, while the K output channels (usually fewer than C·R·S) are the gathered side.
    /// </summary>
    public static void BackwardWeights(in Conv2DGeometry g, T* x, T* dy, T* dwT, T* db, int n0, int images)
    {
        int crs = g.InChannels * g.KernelHeight * g.KernelWidth, plane = g.OutHeight * g.OutWidth, k = g.OutChannels;
        int q0 = n0 * plane, pixels = images * plane;
        int depth = GemmDriver<T, TKernel>.Depth(pixels), mc = GemmDriver<T, TKernel>.Mc;
        int ncMax = Math.Min(GemmDriver<T, TKernel>.Nc, k);
        T* ap = PackBuffers<T>.ForA(mc * depth);
        T* bp = PackBuffers<T>.ForB(GemmDriver<T, TKernel>.RoundUp(ncMax, TKernel.Nr) * depth);
        for (int jc = 0; jc < k; jc += ncMax)
        {
            int nc = Math.Min(ncMax, k - jc);
            for (int pc = 0; pc < pixels; pc += depth)
            {
                int kc = Math.Min(depth, pixels - pc);
                ConvPacking<T>.PackOutputColumns(g, dy, q0 + pc, kc, jc, nc, TKernel.Nr, bp);
                for (int ic = 0; ic < crs; ic += mc)
                {
                    int rows = Math.Min(mc, crs - ic);
                    ConvPacking<T>.PackTapRows(g, x, ic, rows, TKernel.Mr, q0 + pc, kc, ap);
                    GemmDriver<T, TKernel>.Macro(rows, nc, kc, ap, bp, dwT + (long)ic * k + jc, k, T.One);
                }
            }
        }

        for (int i = 0; i < images; i++)
        {
            for (int row = 0; row < k; row++)
            {
                db[row] += TensorPrimitives.Sum(new ReadOnlySpan<T>(dy + ((long)(n0 + i) * k + row) * plane, plane));
            }
        }
    }

    /// <summary>The macro-kernel over all m rows, Mc rows at a time (an A block stays within L2).</summary>
    private static void MacroOverRows(int m, int nc, int kc, T* packedA, T* bp, T* c, int ldc)
    {
        int mc = GemmDriver<T, TKernel>.Mc;
        for (int ic = 0; ic < m; ic += mc)
        {
            GemmDriver<T, TKernel>.Macro(Math.Min(mc, m - ic), nc, kc, packedA + (long)ic * kc, bp, c + (long)ic * ldc, ldc, T.One);
        }
    }
}
