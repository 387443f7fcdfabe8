using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>
/// The degenerate shapes of a batch-1 layer, where packing costs more than the product: one row of C
/// (<c>x·W</c> and <c>dy·Wᵀ</c>, a vector times a matrix) and an inner dimension of one (<c>xᵀ·dy</c>, the outer
/// product of a weight gradient). Each reads its operands once, in the order they are stored.
/// </summary>
internal static unsafe class SmallGemm
{
    /// <summary>Computes C when the shape is one of the degenerate ones this class handles; otherwise returns false.</summary>
    public static bool TryCompute<T>(in GemmProblem<T> p)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p.K == 0)
        {
            return false;
        }

        if (p.M == 1 && !p.TransB)
        {
            // c = alpha · a·B + beta · c, a's elements p.A[q·stride].
            RowTimesMatrix(p.N, p.K, p.Alpha, p.A, p.TransA ? p.Lda : 1, p.B, p.Ldb, p.Beta, p.C);
            return true;
        }

        if (p.M == 1 && (!p.TransA || p.Lda == 1))
        {
            // B stored n × k: each c[j] is the dot product of a with row j of the stored B.
            var a = new ReadOnlySpan<T>(p.A, p.K);
            for (int j = 0; j < p.N; j++)
            {
                T dot = p.Alpha * TensorPrimitives.Dot(a, new ReadOnlySpan<T>(p.B + (long)j * p.Ldb, p.K));
                p.C[j] = p.Beta == T.Zero ? dot : dot + p.Beta * p.C[j];
            }

            return true;
        }

        if (p.K == 1 && (!p.TransB || p.Ldb == 1))
        {
            // Outer product: row i of C is alpha · a_i · b (+ beta times itself).
            OuterProduct(p.M, p.N, p.Alpha, p.A, p.TransA ? 1 : p.Lda, p.B, p.Beta, p.C, p.Ldc);
            return true;
        }

        return false;
    }

    /// <summary><c>C[i, 0..n) = alpha · a[i·stride] · b[0..n) + beta · C[i, 0..n)</c>, one pass over C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OuterProduct<T>(int m, int n, T alpha, T* a, int stride, T* b, T beta, T* c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        int vectorEnd = n - n % w;
        Vector256<T> betas = Vector256.Create(beta);
        for (int i = 0; i < m; i++, c += ldc)
        {
            T scale = alpha * a[(long)i * stride];
            Vector256<T> scales = Vector256.Create(scale);
            int j = 0;
            if (beta == T.Zero)
            {
                for (; j < vectorEnd; j += w)
                {
                    (scales * Vector256.Load(b + j)).Store(c + j);
                }

                for (; j < n; j++)
                {
                    c[j] = scale * b[j];
                }
            }
            else
            {
                for (; j < vectorEnd; j += w)
                {
                    VectorMath.Fma(scales, Vector256.Load(b + j), betas * Vector256.Load(c + j)).Store(c + j);
                }

                for (; j < n; j++)
                {
                    c[j] = scale * b[j] + beta * c[j];
                }
            }
        }
    }

    /// <summary>
    /// <c>c[0..n) = alpha · Σ_q a[q·stride] · B[q, 0..n) + beta · c</c>: eight Vector256 accumulators per block of
    /// columns (enough independent FMAs to keep both pipes busy), B streamed row by row once per block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowTimesMatrix<T>(int n, int k, T alpha, T* a, int stride, T* b, int ldb, T beta, T* c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        int j = 0;
        for (; j + 8 * w <= n; j += 8 * w)
        {
            Vector256<T> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            T* row = b + j;
            for (int q = 0; q < k; q++, row += ldb)
            {
                Vector256<T> x = Vector256.Create(a[(long)q * stride]);
                s0 = VectorMath.Fma(x, Vector256.Load(row), s0);
                s1 = VectorMath.Fma(x, Vector256.Load(row + w), s1);
                s2 = VectorMath.Fma(x, Vector256.Load(row + 2 * w), s2);
                s3 = VectorMath.Fma(x, Vector256.Load(row + 3 * w), s3);
                s4 = VectorMath.Fma(x, Vector256.Load(row + 4 * w), s4);
                s5 = VectorMath.Fma(x, Vector256.Load(row + 5 * w), s5);
                s6 = VectorMath.Fma(x, Vector256.Load(row + 6 * w), s6);
                s7 = VectorMath.Fma(x, Vector256.Load(row + 7 * w), s7);
            }

            Store(c + j, s0, alpha, beta);
            Store(c + j + w, s1, alpha, beta);
            Store(c + j + 2 * w, s2, alpha, beta);
            Store(c + j + 3 * w, s3, alpha, beta);
            Store(c + j + 4 * w, s4, alpha, beta);
            Store(c + j + 5 * w, s5, alpha, beta);
            Store(c + j + 6 * w, s6, alpha, beta);
            Store(c + j + 7 * w, s7, alpha, beta);
        }

        for (; j + w <= n; j += w)
        {
            Vector256<T> s = default;
            T* row = b + j;
            for (int q = 0; q < k; q++, row += ldb)
            {
                s = VectorMath.Fma(Vector256.Create(a[(long)q * stride]), Vector256.Load(row), s);
            }

            Store(c + j, s, alpha, beta);
        }

        for (; j < n; j++)
        {
            T sum = T.Zero;
            for (int q = 0; q < k; q++)
            {
                sum += a[(long)q * stride] * b[(long)q * ldb + j];
            }

            c[j] = beta == T.Zero ? alpha * sum : alpha * sum + beta * c[j];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(T* c, Vector256<T> sum, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector256<T> result = sum * Vector256.Create(alpha);
        if (beta != T.Zero)
        {
            // beta = 0 overwrites: a NaN already in C must not survive (as in BLAS).
            result = VectorMath.Fma(Vector256.Create(beta), Vector256.Load(c), result);
        }

        result.Store(c);
    }
}
