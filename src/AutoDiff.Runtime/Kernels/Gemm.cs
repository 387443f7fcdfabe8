using System.Numerics;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>Whether a GEMM operand is used as stored or transposed.</summary>
public enum Transpose
{
    /// <summary>Use the matrix as stored: op(X) = X.</summary>
    None,

    /// <summary>Use the transpose of the stored matrix: op(X) = Xᵀ.</summary>
    Transposed,
}

/// <summary>
/// General matrix multiplication on row-major spans: <c>C ← alpha · op(A) · op(B) + beta · C</c>, with op(A) of
/// size m × k, op(B) of size k × n and C of size m × n.
/// </summary>
/// <remarks>
/// Cache-blocked with packed panels and a register-tiled FMA micro-kernel on <see cref="Vector256{T}"/>, or on
/// <see cref="Vector512{T}"/> where the machine accelerates it. Large problems are split across
/// <see cref="KernelSettings.MaxThreads"/> threads of a pool created once. No call allocates once the calling
/// thread's packing buffers have grown to the problem size.
/// </remarks>
public static class Gemm
{
    /// <summary>
    /// Below this many multiply-adds a call stays on the calling thread: waking a worker would cost more than it saves.
    /// 100³ (was 160³): on the 2-core Zen 4 machine, n = 128 took 28–42 µs on two threads against 46–52 µs on one.
    /// </summary>
    internal const long ParallelThreshold = 100L * 100 * 100;

    /// <summary>
    /// Effectively computes <c>C[i, j] ← alpha · Σₚ op(A)[i, p] · op(B)[p, j] + beta · C[i, j]</c> for row-major
    /// matrices with leading dimensions (row strides) <paramref name="lda"/>, <paramref name="ldb"/>, <paramref name="ldc"/>.
    /// </summary>
    /// <param name="transA">Whether A is stored as m × k (<see cref="Transpose.None"/>) or k × m (<see cref="Transpose.Transposed"/>).</param>
    /// <param name="transB">Whether B is stored as k × n (<see cref="Transpose.None"/>) or n × k (<see cref="Transpose.Transposed"/>).</param>
    /// <param name="m">Rows of C and of op(A).</param>
    /// <param name="n">Columns of C and of op(B).</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">The elements of A.</param>
    /// <param name="lda">The row stride of A as stored.</param>
    /// <param name="b">The elements of B.</param>
    /// <param name="ldb">The row stride of B as stored.</param>
    /// <param name="beta">Scale of the existing C; 0 overwrites C without reading it (NaN in C is not propagated).</param>
    /// <param name="c">The elements of C, read (unless beta is 0) and written.</param>
    /// <param name="ldc">The row stride of C.</param>
    /// <exception cref="ArgumentException">A size is negative, a stride too small, a span too short, or C overlaps A or B.</exception>
    public static void Multiply(Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc) =>
        MultiplyCore(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <inheritdoc cref="Multiply(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
    public static void Multiply(Transpose transA, Transpose transB, int m, int n, int k,
        double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb,
        double beta, Span<double> c, int ldc) =>
        MultiplyCore(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>
    /// Effectively computes <c>C ← alpha · op(A) · op(B) + beta · C</c> for densely stored matrices (each leading
    /// dimension equals the stored row length).
    /// </summary>
    /// <param name="transA">Whether A is stored as m × k or k × m.</param>
    /// <param name="transB">Whether B is stored as k × n or n × k.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">The inner dimension.</param>
    /// <param name="a">The elements of A.</param>
    /// <param name="b">The elements of B.</param>
    /// <param name="c">The elements of C.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="beta">Scale of the existing C; 0 (the default) overwrites it.</param>
    public static void Multiply(Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, float alpha = 1f, float beta = 0f) =>
        MultiplyCore(transA, transB, m, n, k, alpha, a, transA == Transpose.None ? k : m, b,
            transB == Transpose.None ? n : k, beta, c, n);

    /// <inheritdoc cref="Multiply(Transpose, Transpose, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, float, float)"/>
    public static void Multiply(Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, double alpha = 1d, double beta = 0d) =>
        MultiplyCore(transA, transB, m, n, k, alpha, a, transA == Transpose.None ? k : m, b,
            transB == Transpose.None ? n : k, beta, c, n);

    /// <summary>
    /// Effectively computes <c>c ← alpha · op(a) · op(b) + beta · c</c> for rank-2 tensors, checking that the shapes
    /// agree: op(a) is m × k, op(b) is k × n and c is m × n.
    /// </summary>
    /// <param name="a">The left matrix.</param>
    /// <param name="b">The right matrix.</param>
    /// <param name="c">The result, overwritten when <paramref name="beta"/> is 0.</param>
    /// <param name="transA">Whether to use aᵀ.</param>
    /// <param name="transB">Whether to use bᵀ.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="beta">Scale of the existing c.</param>
    /// <exception cref="ArgumentException">A tensor is not rank 2 or the shapes do not agree; the message names both shapes.</exception>
    public static void Multiply(Tensor a, Tensor b, Tensor c, Transpose transA = Transpose.None, Transpose transB = Transpose.None, float alpha = 1f, float beta = 0f)
    {
        var (m, n, k) = CheckShapes(a.Shape, b.Shape, c.Shape, transA, transB);
        MultiplyCore(transA, transB, m, n, k, alpha, a.ReadOnlySpan, a.Shape[1], b.ReadOnlySpan, b.Shape[1], beta, c.Span, n);
    }

    /// <inheritdoc cref="Multiply(Tensor, Tensor, Tensor, Transpose, Transpose, float, float)"/>
    public static void Multiply(TensorD a, TensorD b, TensorD c, Transpose transA = Transpose.None, Transpose transB = Transpose.None, double alpha = 1d, double beta = 0d)
    {
        var (m, n, k) = CheckShapes(a.Shape, b.Shape, c.Shape, transA, transB);
        MultiplyCore(transA, transB, m, n, k, alpha, a.ReadOnlySpan, a.Shape[1], b.ReadOnlySpan, b.Shape[1], beta, c.Span, n);
    }

    private static (int M, int N, int K) CheckShapes(Shape a, Shape b, Shape c, Transpose transA, Transpose transB)
    {
        const string Op = "MatMul";
        if (a.Rank != 2 || b.Rank != 2)
        {
            ThrowHelper.ShapeMismatch(Op, a, b, "both operands must be rank-2 matrices");
        }

        int m = transA == Transpose.None ? a[0] : a[1], k = transA == Transpose.None ? a[1] : a[0];
        int kb = transB == Transpose.None ? b[0] : b[1], n = transB == Transpose.None ? b[1] : b[0];
        if (k != kb)
        {
            ThrowHelper.ShapeMismatch(Op, a, b, $"the inner dimensions differ ({k} vs {kb}) with transA={transA}, transB={transB}");
        }

        if (c.Rank != 2 || c[0] != m || c[1] != n)
        {
            ThrowHelper.ShapeMismatch(Op, c, new Shape(m, n), "the output must have the product's shape");
        }

        return (m, n, k);
    }

    private static unsafe void MultiplyCore<T>(Transpose transA, Transpose transB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "Gemm";
        if (m < 0 || n < 0 || k < 0)
        {
            ThrowHelper.ShapeMismatch(Op, $"sizes must be non-negative; got m={m}, n={n}, k={k}");
        }

        bool ta = transA == Transpose.Transposed, tb = transB == Transpose.Transposed;
        CheckOperand(Op, "a", a.Length, ta ? k : m, ta ? m : k, lda);
        CheckOperand(Op, "b", b.Length, tb ? n : k, tb ? k : n, ldb);
        CheckOperand(Op, "c", c.Length, m, n, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        if (c.Overlaps(a) || c.Overlaps(b))
        {
            ThrowHelper.Overlap(Op);
        }

        fixed (T* pa = a, pb = b, pc = c)
        {
            var problem = new GemmProblem<T>
            {
                TransA = ta, TransB = tb, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
                A = pa, B = pb, C = pc, Lda = lda, Ldb = ldb, Ldc = ldc,
            };
            if (SmallGemm.TryCompute(problem))
            {
                return;
            }

            bool wide = Vector512.IsHardwareAccelerated;
            int threads = (long)m * n * k >= ParallelThreshold ? WorkerPool.MaxParallelism : 1;
            if (threads <= 1)
            {
                ComputeRange(problem, wide, 0, m, 0, n);
                return;
            }

            // Split the longer side of C; each part packs its own panels, so parts need no synchronisation. A square C
            // is split by rows: column halves share a cache line in every row (C is not 64-byte aligned), and the two
            // cores passing those lines back and forth cost n = 128 on two threads about 5 µs of its 31 (now 26–29).
            GemmJob<T> job = GemmJob<T>.ForCurrentThread;
            job.Problem = problem;
            job.Wide = wide;
            job.SplitColumns = n > m;
            job.Granule = job.SplitColumns ? (wide ? MicroKernel512<T>.Nr : MicroKernel256<T>.Nr) : 6;
            int units = ((job.SplitColumns ? n : m) + job.Granule - 1) / job.Granule;
            WorkerPool.Run(job, Math.Min(threads, units));
        }
    }

    internal static void ComputeRange<T>(in GemmProblem<T> problem, bool wide, int m0, int m1, int n0, int n1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (wide)
        {
            GemmDriver<T, MicroKernel512<T>>.Compute(problem, m0, m1, n0, n1);
        }
        else
        {
            GemmDriver<T, MicroKernel256<T>>.Compute(problem, m0, m1, n0, n1);
        }
    }

    private static void CheckOperand(string op, string name, int length, int rows, int cols, int ld)
    {
        if (ld < Math.Max(1, cols))
        {
            ThrowHelper.ShapeMismatch(op, $"the leading dimension of '{name}' is {ld} but its stored rows have {cols} elements");
        }

        long required = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < required)
        {
            ThrowHelper.InputTooShort(op, name, (int)Math.Min(required, int.MaxValue), length);
        }
    }
}
