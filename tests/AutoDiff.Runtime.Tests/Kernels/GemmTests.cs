using Xunit;
using System.Numerics;
using AutoDiff.Kernels;
using CsCheck;

namespace AutoDiff.Runtime.Tests.Kernels;

[Collection(KernelThreads.Name)]
public class GemmTests
{
    /// <summary>The textbook triple loop, accumulated in double.</summary>
    private static double[] Naive<T>(bool ta, bool tb, int m, int n, int k, double alpha, T[] a, int lda, T[] b, int ldb, double beta, T[] c, int ldc)
        where T : IFloatingPointIeee754<T>
    {
        var result = new double[c.Length];
        for (int i = 0; i < c.Length; i++)
        {
            result[i] = double.CreateTruncating(c[i]);
        }

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = double.CreateTruncating(ta ? a[p * lda + i] : a[i * lda + p]);
                    double y = double.CreateTruncating(tb ? b[j * ldb + p] : b[p * ldb + j]);
                    sum += x * y;
                }

                result[i * ldc + j] = alpha * sum + (beta == 0 ? 0 : beta * result[i * ldc + j]);
            }
        }

        return result;
    }

    private static void Check<T>(int seed, bool ta, bool tb, int m, int n, int k, double alpha, double beta, int pad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        T[] a = Reference.Random<T>(random, Math.Max(0, (ta ? k : m) * lda));
        T[] b = Reference.Random<T>(random, Math.Max(0, (tb ? n : k) * ldb));
        T[] c = Reference.Random<T>(random, m * ldc);
        double[] expected = Naive(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        var tA = ta ? Transpose.Transposed : Transpose.None;
        var tB = tb ? Transpose.Transposed : Transpose.None;
        if (typeof(T) == typeof(float))
        {
            Gemm.Multiply(tA, tB, m, n, k, (float)alpha, (float[])(object)a, lda, (float[])(object)b, ldb, (float)beta, (float[])(object)c, ldc);
        }
        else
        {
            Gemm.Multiply(tA, tB, m, n, k, alpha, (double[])(object)a, lda, (double[])(object)b, ldb, beta, (double[])(object)c, ldc);
        }

        var actual = new double[c.Length];
        for (int i = 0; i < c.Length; i++)
        {
            actual[i] = double.CreateTruncating(c[i]);
        }

        // Inputs are in [-1, 1], so each |term| ≤ 1: the rounding error grows at most like k.
        Reference.AssertClose(expected, actual, Reference.Epsilon<T>(4 * (k + 2)), $"gemm<{typeof(T).Name}> ta={ta} tb={tb} m={m} n={n} k={k}");
    }

    public static TheoryData<bool, bool, int, int, int> Shapes()
    {
        var data = new TheoryData<bool, bool, int, int, int>();
        // Odd sizes hit every edge: m not a multiple of 6, n not a multiple of 16/32, k not a multiple of Kc,
        // and sizes past Mc (144) and Kc (384 floats / 192 doubles with AVX-512, 256 / 128 without) exercise more
        // than one (balanced) block.
        // One-row and rank-one products (a batch-1 layer: x·W, dy·Wᵀ, xᵀ·dy) take their own path: widths past and short of
        // its 64- and 8-column blocks.
        (int, int, int)[] sizes = [(1, 1, 1), (1, 17, 3), (7, 1, 5), (6, 16, 8), (13, 33, 29), (5, 65, 300), (150, 37, 11), (61, 70, 260), (200, 130, 97), (7, 50, 777),
            (1, 130, 300), (1, 64, 9), (1, 7, 40), (40, 70, 1), (1, 200, 1), (90, 1, 40)];
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                foreach (var (m, n, k) in sizes)
                {
                    data.Add(ta, tb, m, n, k);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float_MatchesNaive_ForEveryTransposeAndEdgeShape(bool ta, bool tb, int m, int n, int k) =>
        Check<float>(m * 1000 + n * 10 + k, ta, tb, m, n, k, 1.0, 0.0, 0);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Double_WithAlphaBetaAndStrides_MatchesNaive(bool ta, bool tb, int m, int n, int k) =>
        Check<double>(m + n + k, ta, tb, m, n, k, -0.75, 0.5, 3);

    /// <summary>
    /// Runs the blocked driver with the Vector256 micro-kernel (the one machines without AVX-512 use, and the only one
    /// whose partial tiles go through a scratch tile), whatever this machine supports.
    /// </summary>
    private static unsafe void CheckVector256Kernel<T>(int seed, bool ta, bool tb, int m, int n, int k, double alpha, double beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        int lda = ta ? m : k, ldb = tb ? k : n, ldc = n + 2;
        T[] a = Reference.Random<T>(random, (ta ? k : m) * lda);
        T[] b = Reference.Random<T>(random, (tb ? n : k) * ldb);
        T[] c = Reference.Random<T>(random, m * ldc);
        double[] expected = Naive(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        fixed (T* pa = a, pb = b, pc = c)
        {
            var problem = new GemmProblem<T>
            {
                TransA = ta, TransB = tb, M = m, N = n, K = k, Alpha = T.CreateTruncating(alpha), Beta = T.CreateTruncating(beta),
                A = pa, B = pb, C = pc, Lda = lda, Ldb = ldb, Ldc = ldc,
            };
            GemmDriver<T, MicroKernel256<T>>.Compute(problem, 0, m, 0, n);
        }

        Reference.AssertClose(expected, Array.ConvertAll(c, v => double.CreateTruncating(v)), Reference.Epsilon<T>(4 * (k + 2)),
            $"gemm256<{typeof(T).Name}> m={m} n={n} k={k}");
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 17, 5)]
    [InlineData(13, 33, 300)]
    [InlineData(150, 40, 11)]
    public void Vector256Kernel_WithScratchEdgeTiles_MatchesNaive_FloatAndDouble(int m, int n, int k)
    {
        CheckVector256Kernel<float>(m + n, false, false, m, n, k, 1.0, 0.0);
        CheckVector256Kernel<float>(m + k, true, true, m, n, k, -0.5, 1.0);
        CheckVector256Kernel<double>(n + k, false, true, m, n, k, 2.0, 0.5);
        CheckVector256Kernel<double>(m * n, true, false, m, n, k, 1.0, 0.0);
    }

    [Fact]
    public void Float_WithAlphaBetaAndStrides_MatchesNaive()
    {
        Check<float>(1, false, true, 37, 53, 70, 2.0, -1.0, 5);
        Check<float>(2, true, false, 19, 8, 3, 0.5, 1.0, 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void LargeProblem_MatchesNaive_AtEachThreadCount(int threads)
    {
        using IDisposable scope = KernelThreads.Use(threads);
        Check<float>(threads, false, false, 300, 290, 270, 1.0, 0.0, 0);
        Check<float>(threads + 7, true, true, 97, 301, 150, 1.0, 1.0, 0);
    }

    [Fact]
    public void BetaZero_OverwritesNaNInOutput()
    {
        float[] a = [1, 2], b = [3, 4], c = [float.NaN];
        Gemm.Multiply(Transpose.None, Transpose.None, 1, 1, 2, a, b, c);
        Assert.Equal(11f, c[0]);
    }

    [Fact]
    public void KZero_ScalesOutputByBeta()
    {
        float[] c = [2, 4];
        Gemm.Multiply(Transpose.None, Transpose.None, 1, 2, 0, 1f, [], 1, [], 2, 0.5f, c, 2);
        Assert.Equal([1f, 2f], c);
    }

    [Fact]
    public void ShortOperand_ThrowsNamingTheOperand()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(Transpose.None, Transpose.None, 2, 2, 3, new float[5], new float[6], new float[4]));
        Assert.Contains("'a'", e.Message);
        Assert.Contains("Gemm", e.Message);
    }

    [Fact]
    public void TensorOverload_MultipliesTransposedViews_AndNamesBothShapesOnMismatch()
    {
        TensorD a = TensorD.FromArray([1.0, 2, 3, 4, 5, 6], 3, 2);   // stored 3 × 2, used as aᵀ (2 × 3)
        TensorD b = TensorD.FromArray([1.0, 0, 0, 1, 1, 1], 3, 2);
        TensorD c = TensorD.Zeros(2, 2);
        Gemm.Multiply(a, b, c, transA: Transpose.Transposed);
        // aᵀ = [[1, 3, 5], [2, 4, 6]]; aᵀ·b = [[1 + 5, 3 + 5], [2 + 6, 4 + 6]]
        Assert.Equal([6.0, 8, 8, 10], c.ToArray());

        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(Tensor.Zeros(2, 3), Tensor.Zeros(2, 3), Tensor.Zeros(2, 3)));
        Assert.Contains("MatMul", e.Message);
        Assert.Contains("[2, 3] and [2, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(Tensor.Zeros(2, 3), Tensor.Zeros(3, 4), Tensor.Zeros(2, 5)));
        Assert.Contains("[2, 5] and [2, 4]", e.Message);
    }

    [Fact]
    public void OutputOverlappingInput_Throws()
    {
        var buffer = new float[8];
        Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(Transpose.None, Transpose.None, 2, 2, 2, buffer.AsSpan(0, 4), buffer.AsSpan(4, 4), buffer.AsSpan(2, 4)));
    }

    [Fact]
    public void Property_TransposingBothOperandsGivesTheTransposedProduct()
    {
        // (A·B)ᵀ = Bᵀ·Aᵀ: compute C = A·B, then D = op(B)·op(A) with both flagged transposed, and compare D with Cᵀ.
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 40], Gen.Int[1, 40], Gen.Int)
            .Sample((m, n, k, seed) =>
            {
                var random = new Random(seed);
                double[] a = Reference.Random<double>(random, m * k), b = Reference.Random<double>(random, k * n);
                var c = new double[m * n];
                var d = new double[n * m];
                Gemm.Multiply(Transpose.None, Transpose.None, m, n, k, a, b, c);
                Gemm.Multiply(Transpose.Transposed, Transpose.Transposed, n, m, k, b, a, d);
                for (int i = 0; i < m; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        if (Math.Abs(c[i * n + j] - d[j * m + i]) > 1e-12 * k)
                        {
                            return false;
                        }
                    }
                }

                return true;
            }, iter: 60);
    }
}
