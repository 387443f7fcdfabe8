using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoDiff.Kernels;

/// <summary>The operands of one GEMM call, as raw pointers pinned by the caller for the duration of the call.</summary>
internal unsafe struct GemmProblem<T>
    where T : unmanaged
{
    public bool TransA, TransB;
    public int M, N, K;
    public T Alpha, Beta;
    public T* A, B, C;
    public int Lda, Ldb, Ldc;
}

/// <summary>
/// The blocked GEMM of Goto and van de Geijn: B is packed a <c>Kc × Nc</c> block at a time into <c>Nr</c>-wide
/// panels (kept in L3/L2), A a <c>Mc × Kc</c> block at a time into <c>Mr</c>-high panels (kept in L2), and the
/// micro-kernel multiplies one A panel by one B panel held in L1 (or, for the AVX-512 kernel's deeper blocks, L2).
/// Packing also absorbs the transposes, so the micro-kernel only ever sees one layout, and zero-pads the edges, so
/// the micro-kernel always computes full tiles and only the store into C may be partial.
/// </summary>
internal static unsafe class GemmDriver<T, TKernel>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : struct, IGemmMicroKernel<T>
{
    internal const int Mc = 144;   // 24 panels of 6 rows; Mc × Kc is at most 216 KiB, well inside the 1 MiB L2
    internal const int Nc = 3072;  // a multiple of every Nr; Kc × Nc is at most 4.5 MiB, inside the L3

    /// <summary>Computes rows [m0, m1) and columns [n0, n1) of C on the calling thread.</summary>
    public static void Compute(in GemmProblem<T> p, int m0, int m1, int n0, int n1)
    {
        ScaleC(p, m0, m1, n0, n1);
        if (p.K == 0 || p.Alpha == T.Zero || m0 >= m1 || n0 >= n1)
        {
            return;
        }

        int kcStep = Depth(p.K);
        T* ap = PackBuffers<T>.ForA(Mc * kcStep);
        T* bp = PackBuffers<T>.ForB(Math.Min(Nc, RoundUp(n1 - n0, TKernel.Nr)) * kcStep);
        for (int jc = n0; jc < n1; jc += Nc)
        {
            int nc = Math.Min(Nc, n1 - jc);
            for (int pc = 0; pc < p.K; pc += kcStep)
            {
                int kc = Math.Min(kcStep, p.K - pc);
                PackB(p, pc, kc, jc, nc, bp);
                for (int ic = m0; ic < m1; ic += Mc)
                {
                    int mc = Math.Min(Mc, m1 - ic);
                    PackA(p, ic, mc, pc, kc, ap);
                    Macro(mc, nc, kc, ap, bp, p.C + (long)ic * p.Ldc + jc, p.Ldc, p.Alpha);
                }
            }
        }
    }

    /// <summary>
    /// The depth of the k blocks for an inner dimension of <paramref name="k"/>: at most the kernel's Kc, and balanced
    /// (k = 288 with Kc = 192 gives two blocks of 144, not 192 + 96), so no block is so shallow that loading and
    /// storing the C tile dominates it.
    /// </summary>
    internal static int Depth(int k)
    {
        int blocks = Math.Max(1, (k + TKernel.Kc - 1) / TKernel.Kc);
        return Math.Max(1, RoundUp((k + blocks - 1) / blocks, 4));
    }

    internal static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>C ← beta·C once up front, so every k block can simply accumulate. beta = 0 overwrites (NaN in C does not survive).</summary>
    private static void ScaleC(in GemmProblem<T> p, int m0, int m1, int n0, int n1)
    {
        if (p.Beta == T.One)
        {
            return;
        }

        for (int i = m0; i < m1; i++)
        {
            var row = new Span<T>(p.C + (long)i * p.Ldc + n0, n1 - n0);
            if (p.Beta == T.Zero)
            {
                row.Clear();
            }
            else
            {
                TensorPrimitives.Multiply(row, p.Beta, row);
            }
        }
    }

    /// <summary>
    /// C[0..mc, 0..nc] += alpha · (packed A block) · (packed B block): one micro-kernel call per Mr × Nr tile, B panel
    /// outside (it stays in the nearest cache while the A panels stream from L2).
    /// </summary>
    internal static void Macro(int mc, int nc, int kc, T* ap, T* bp, T* c, int ldc, T alpha)
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            T* bPanel = bp + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += mr)
            {
                int rows = Math.Min(mr, mc - ir);
                T* aPanel = ap + (long)ir * kc;
                T* cTile = c + (long)ir * ldc + jr;
                if ((rows == mr && cols == nr) || TKernel.StoresPartialTiles)
                {
                    TKernel.Run(kc, aPanel, bPanel, cTile, ldc, alpha, rows, cols);
                }
                else
                {
                    EdgeTile(kc, aPanel, bPanel, cTile, ldc, alpha, rows, cols);
                }
            }
        }
    }

    /// <summary>
    /// A partial tile for a kernel without masked stores: the packed panels are zero-padded, so the full tile is
    /// computed into a scratch tile and only the part inside C is added.
    /// </summary>
    private static void EdgeTile(int kc, T* aPanel, T* bPanel, T* cTile, int ldc, T alpha, int rows, int cols)
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        T* edge = stackalloc T[8 * 64]; // one Mr × Nr tile; large enough for every kernel
        new Span<T>(edge, mr * nr).Clear();
        TKernel.Run(kc, aPanel, bPanel, edge, nr, alpha, mr, nr);
        for (int i = 0; i < rows; i++)
        {
            var src = new ReadOnlySpan<T>(edge + i * nr, cols);
            var dst = new Span<T>(cTile + (long)i * ldc, cols);
            TensorPrimitives.Add(dst, src, dst);
        }
    }

    /// <summary>Packs A[ic .. ic+mc, pc .. pc+kc] (of op(A)) into Mr-row panels: panel r holds, for each k, Mr values.</summary>
    internal static void PackA(in GemmProblem<T> p, int ic, int mc, int pc, int kc, T* ap)
    {
        int mr = TKernel.Mr;
        long lda = p.Lda;
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            T* dst = ap + (long)ir * kc;
            if (!p.TransA && rows == 6 && mr == 6)
            {
                // op(A)(i, k) = A[i * lda + k]: six rows side by side (the row-by-row loop below, with its
                // stride-Mr stores, ran at a third of the speed).
                SixRows.Interleave(p.A + (ic + ir) * lda + pc, lda, kc, dst);
            }
            else if (!p.TransA)
            {
                // op(A)(i, k) = A[i * lda + k]: each row is contiguous in k.
                for (int r = 0; r < rows; r++)
                {
                    T* src = p.A + (ic + ir + r) * lda + pc;
                    for (int k = 0; k < kc; k++)
                    {
                        dst[k * mr + r] = src[k];
                    }
                }

                for (int r = rows; r < mr; r++)
                {
                    for (int k = 0; k < kc; k++)
                    {
                        dst[k * mr + r] = T.Zero;
                    }
                }
            }
            else
            {
                // op(A)(i, k) = A[k * lda + i]: the Mr values of one k are contiguous.
                for (int k = 0; k < kc; k++)
                {
                    T* src = p.A + (pc + k) * lda + ic + ir;
                    T* d = dst + k * mr;
                    for (int r = 0; r < rows; r++)
                    {
                        d[r] = src[r];
                    }

                    for (int r = rows; r < mr; r++)
                    {
                        d[r] = T.Zero;
                    }
                }
            }
        }
    }

    /// <summary>Packs B[pc .. pc+kc, jc .. jc+nc] (of op(B)) into Nr-column panels: panel j holds, for each k, Nr values.</summary>
    internal static void PackB(in GemmProblem<T> p, int pc, int kc, int jc, int nc, T* bp)
    {
        int nr = TKernel.Nr;
        long ldb = p.Ldb;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            T* dst = bp + (long)jr * kc;
            if (!p.TransB)
            {
                // op(B)(k, j) = B[k * ldb + j]: the Nr values of one k are contiguous.
                for (int k = 0; k < kc; k++)
                {
                    T* src = p.B + (pc + k) * ldb + jc + jr;
                    T* d = dst + k * nr;
                    if (cols == nr)
                    {
                        Unsafe.CopyBlockUnaligned(d, src, (uint)(nr * sizeof(T)));
                    }
                    else
                    {
                        new ReadOnlySpan<T>(src, cols).CopyTo(new Span<T>(d, cols));
                        new Span<T>(d + cols, nr - cols).Clear();
                    }
                }
            }
            else
            {
                // op(B)(k, j) = B[j * ldb + k]: each column of op(B) is contiguous in k.
                for (int j = 0; j < cols; j++)
                {
                    T* src = p.B + (jc + jr + j) * ldb + pc;
                    for (int k = 0; k < kc; k++)
                    {
                        dst[k * nr + j] = src[k];
                    }
                }

                for (int j = cols; j < nr; j++)
                {
                    for (int k = 0; k < kc; k++)
                    {
                        dst[k * nr + j] = T.Zero;
                    }
                }
            }
        }
    }
}

/// <summary>Packs six rows of a row-major matrix side by side: the A-panel layout of the Mr = 6 micro-kernels.</summary>
internal static unsafe class SixRows
{
    /// <summary>dst[k·6 + r] = row0[r·stride + k] for r &lt; 6 and k &lt; count.</summary>
    public static void Interleave<T>(T* row0, long stride, int count, T* dst)
        where T : unmanaged =>
        Interleave(row0, row0 + stride, row0 + 2 * stride, row0 + 3 * stride, row0 + 4 * stride, row0 + 5 * stride, count, dst);

    /// <summary>dst[k·6 + r] = a_r[k] for r &lt; 6 and k &lt; count.</summary>
    public static void Interleave<T>(T* a0, T* a1, T* a2, T* a3, T* a4, T* a5, int count, T* dst)
        where T : unmanaged
    {
        int k = 0;
        if (typeof(T) == typeof(float) && Avx.IsSupported)
        {
            // Eight k at a time: an 8 × 8 transpose of the six rows and two zero rows; column j holds the six values
            // of k + j, stored 8 wide so the next column overwrites the two extra values (the last one is stored 6 wide).
            for (; k + 8 <= count; k += 8, dst += 48)
            {
                Vector256<float> t0 = Avx.UnpackLow(Vector256.Load((float*)a0 + k), Vector256.Load((float*)a1 + k));
                Vector256<float> t1 = Avx.UnpackHigh(Vector256.Load((float*)a0 + k), Vector256.Load((float*)a1 + k));
                Vector256<float> t2 = Avx.UnpackLow(Vector256.Load((float*)a2 + k), Vector256.Load((float*)a3 + k));
                Vector256<float> t3 = Avx.UnpackHigh(Vector256.Load((float*)a2 + k), Vector256.Load((float*)a3 + k));
                Vector256<float> t4 = Avx.UnpackLow(Vector256.Load((float*)a4 + k), Vector256.Load((float*)a5 + k));
                Vector256<float> t5 = Avx.UnpackHigh(Vector256.Load((float*)a4 + k), Vector256.Load((float*)a5 + k));
                Vector256<float> zero = Vector256<float>.Zero;
                Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
                Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
                Vector256<float> s4 = Avx.Shuffle(t4, zero, 0x44), s5 = Avx.Shuffle(t4, zero, 0xEE);
                Vector256<float> s6 = Avx.Shuffle(t5, zero, 0x44), s7 = Avx.Shuffle(t5, zero, 0xEE);
                float* d = (float*)dst;
                Avx.Permute2x128(s0, s4, 0x20).Store(d);
                Avx.Permute2x128(s1, s5, 0x20).Store(d + 6);
                Avx.Permute2x128(s2, s6, 0x20).Store(d + 12);
                Avx.Permute2x128(s3, s7, 0x20).Store(d + 18);
                Avx.Permute2x128(s0, s4, 0x31).Store(d + 24);
                Avx.Permute2x128(s1, s5, 0x31).Store(d + 30);
                Avx.Permute2x128(s2, s6, 0x31).Store(d + 36);
                Vector256<float> last = Avx.Permute2x128(s3, s7, 0x31);
                last.GetLower().Store(d + 42);
                *(double*)(d + 46) = last.GetUpper().AsDouble().ToScalar();
            }
        }

        for (; k < count; k++, dst += 6)
        {
            dst[0] = a0[k];
            dst[1] = a1[k];
            dst[2] = a2[k];
            dst[3] = a3[k];
            dst[4] = a4[k];
            dst[5] = a5[k];
        }
    }
}

/// <summary>Per-thread, pinned, 64-byte-aligned packing buffers that grow to the largest size seen and are then reused.</summary>
internal static unsafe class PackBuffers<T>
    where T : unmanaged
{
    [ThreadStatic] private static T[]? t_a;
    [ThreadStatic] private static T[]? t_b;

    public static T* ForA(int length) => Aligned(ref t_a, length);

    public static T* ForB(int length) => Aligned(ref t_b, length);

    private static T* Aligned(ref T[]? buffer, int length)
    {
        int padding = 64 / sizeof(T);
        if (buffer is null || buffer.Length < length + padding)
        {
            buffer = GC.AllocateUninitializedArray<T>(length + padding, pinned: true);
        }

        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (T*)((address + 63) & ~(nint)63);
    }
}

/// <summary>Splits one GEMM across the worker pool by blocks of rows or columns of C; one instance per element type, reused.</summary>
internal sealed unsafe class GemmJob<T> : ParallelJob
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic] private static GemmJob<T>? t_forThisThread;

    /// <summary>The calling thread's instance: concurrent callers never share one, and a thread reuses its own.</summary>
    public static GemmJob<T> ForCurrentThread => t_forThisThread ??= new GemmJob<T>();

    public GemmProblem<T> Problem;
    public bool Wide;
    public bool SplitColumns;
    public int Granule;

    public override void Execute(int part, int parts)
    {
        int total = SplitColumns ? Problem.N : Problem.M;
        int units = (total + Granule - 1) / Granule;
        int start = Math.Min(total, (int)((long)units * part / parts) * Granule);
        int end = Math.Min(total, (int)((long)units * (part + 1) / parts) * Granule);
        if (SplitColumns)
        {
            Gemm.ComputeRange(Problem, Wide, 0, Problem.M, start, end);
        }
        else
        {
            Gemm.ComputeRange(Problem, Wide, start, end, 0, Problem.N);
        }
    }
}
