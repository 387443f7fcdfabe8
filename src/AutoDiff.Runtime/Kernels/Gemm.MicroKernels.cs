using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoDiff.Kernels;

/// <summary>
/// A register-tiled GEMM micro-kernel: <c>C[0..Mr, 0..Nr] += alpha * Ap * Bp</c> over <c>kc</c> steps, where
/// <c>Ap</c> is a packed panel of <c>Mr</c> rows (<c>Mr</c> values per step) and <c>Bp</c> a packed panel of
/// <c>Nr</c> columns (<c>Nr</c> values per step).
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal unsafe interface IGemmMicroKernel<T>
    where T : unmanaged
{
    /// <summary>Rows of C per tile.</summary>
    static abstract int Mr { get; }

    /// <summary>Columns of C per tile (two vectors).</summary>
    static abstract int Nr { get; }

    /// <summary>The largest depth of one packed block (see <c>GemmDriver.Depth</c> for how blocks are balanced).</summary>
    static abstract int Kc { get; }

    /// <summary>Whether <see cref="Run"/> can store a partial tile itself (masked stores); otherwise the caller passes full tiles only.</summary>
    static abstract bool StoresPartialTiles { get; }

    /// <summary>Adds alpha · Ap · Bp to the first <paramref name="rows"/> × <paramref name="cols"/> elements of the tile at <paramref name="c"/>.</summary>
    static abstract void Run(int kc, T* a, T* b, T* c, int ldc, T alpha, int rows, int cols);
}

/// <summary>Fused multiply-add on generic vectors; the type tests fold away when the JIT specialises.</summary>
internal static class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), addend.AsSingle()).As<float, T>();
        }

        return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), addend.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), addend.AsSingle()).As<float, T>();
        }

        return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), addend.AsDouble()).As<double, T>();
    }

    /// <summary>
    /// <c>row[l] ← alpha · value[l] + row[l]</c> for the lanes l set in <paramref name="mask"/>; the other lanes of
    /// <paramref name="row"/> are not touched, so the vector may run past the end of the row (AVX-512 masked load/store).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void MaskedFmaStore<T>(T* row, Vector512<T> mask, Vector512<T> alpha, Vector512<T> value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Vector512<float> m = mask.AsSingle();
            Vector512<float> old = Avx512F.MaskLoad((float*)row, m, Vector512<float>.Zero);
            Avx512F.MaskStore((float*)row, m, Vector512.FusedMultiplyAdd(alpha.AsSingle(), value.AsSingle(), old));
        }
        else
        {
            Vector512<double> m = mask.AsDouble();
            Vector512<double> old = Avx512F.MaskLoad((double*)row, m, Vector512<double>.Zero);
            Avx512F.MaskStore((double*)row, m, Vector512.FusedMultiplyAdd(alpha.AsDouble(), value.AsDouble(), old));
        }
    }
}

/// <summary>
/// 6 × (2 × Vector256) tile: 12 accumulators, 2 B loads and 6 broadcasts per step; 15 of the 16 ymm registers.
/// For float that is 6 × 16, for double 6 × 8.
/// </summary>
internal readonly unsafe struct MicroKernel256<T> : IGemmMicroKernel<T>
    where T : unmanaged, INumberBase<T>
{
    public static int Mr => 6;

    public static int Nr => 2 * Vector256<T>.Count;

    public static int Kc => 1024 / Vector256<T>.Count * 2; // 256 floats, 128 doubles: a 16 KiB B panel

    public static bool StoresPartialTiles => false;

    /// <remarks>Always stores the full tile: <paramref name="rows"/> and <paramref name="cols"/> must be Mr and Nr.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, int ldc, T alpha, int rows, int cols)
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<T> b0 = Vector256.Load(b);
            Vector256<T> b1 = Vector256.Load(b + w);
            Vector256<T> ai = Vector256.Create(a[0]);
            c00 = VectorMath.Fma(ai, b0, c00);
            c01 = VectorMath.Fma(ai, b1, c01);
            ai = Vector256.Create(a[1]);
            c10 = VectorMath.Fma(ai, b0, c10);
            c11 = VectorMath.Fma(ai, b1, c11);
            ai = Vector256.Create(a[2]);
            c20 = VectorMath.Fma(ai, b0, c20);
            c21 = VectorMath.Fma(ai, b1, c21);
            ai = Vector256.Create(a[3]);
            c30 = VectorMath.Fma(ai, b0, c30);
            c31 = VectorMath.Fma(ai, b1, c31);
            ai = Vector256.Create(a[4]);
            c40 = VectorMath.Fma(ai, b0, c40);
            c41 = VectorMath.Fma(ai, b1, c41);
            ai = Vector256.Create(a[5]);
            c50 = VectorMath.Fma(ai, b0, c50);
            c51 = VectorMath.Fma(ai, b1, c51);
            a += 6;
            b += 2 * w;
        }

        Vector256<T> va = Vector256.Create(alpha);
        Store(c, w, va, c00, c01);
        Store(c + ldc, w, va, c10, c11);
        Store(c + 2 * ldc, w, va, c20, c21);
        Store(c + 3 * ldc, w, va, c30, c31);
        Store(c + 4 * ldc, w, va, c40, c41);
        Store(c + 5 * ldc, w, va, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* row, int w, Vector256<T> alpha, Vector256<T> left, Vector256<T> right)
    {
        VectorMath.Fma(alpha, left, Vector256.Load(row)).Store(row);
        VectorMath.Fma(alpha, right, Vector256.Load(row + w)).Store(row + w);
    }
}

/// <summary>
/// 6 × (2 × Vector512) tile for AVX-512 machines: 12 accumulators; for float 6 × 32, for double 6 × 16.
/// Partial tiles at the edges of C are stored with AVX-512 masked loads and stores, so no scratch tile is needed.
/// </summary>
internal readonly unsafe struct MicroKernel512<T> : IGemmMicroKernel<T>
    where T : unmanaged, INumberBase<T>
{
    public static int Mr => 6;

    public static int Nr => 2 * Vector512<T>.Count;

    /// <remarks>
    /// 384 floats, 192 doubles: a 48 KiB B panel, larger than a 32 KiB L1d, served from L2. Measured on Zen 4 (one
    /// thread, square n = 256 … 1024, Kc from 128 to 768): 384 and 512 were best, and 192 (the L1-sized panel) lost up
    /// to 10% at n = 1024, where each extra k block is one more pass over a C that lives in L3.
    /// </remarks>
    public static int Kc => 1024 / Vector512<T>.Count * 6;

    public static bool StoresPartialTiles => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, int ldc, T alpha, int rows, int cols)
    {
        int w = Vector512<T>.Count;

        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.Load(b);
            Vector512<T> b1 = Vector512.Load(b + w);
            Vector512<T> ai = Vector512.Create(a[0]);
            c00 = VectorMath.Fma(ai, b0, c00);
            c01 = VectorMath.Fma(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = VectorMath.Fma(ai, b0, c10);
            c11 = VectorMath.Fma(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = VectorMath.Fma(ai, b0, c20);
            c21 = VectorMath.Fma(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = VectorMath.Fma(ai, b0, c30);
            c31 = VectorMath.Fma(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = VectorMath.Fma(ai, b0, c40);
            c41 = VectorMath.Fma(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = VectorMath.Fma(ai, b0, c50);
            c51 = VectorMath.Fma(ai, b1, c51);
            a += 6;
            b += 2 * w;
        }

        Vector512<T> va = Vector512.Create(alpha);
        if (rows == 6 && cols == 2 * w)
        {
            Store(c, w, va, c00, c01);
            Store(c + ldc, w, va, c10, c11);
            Store(c + 2 * ldc, w, va, c20, c21);
            Store(c + 3 * ldc, w, va, c30, c31);
            Store(c + 4 * ldc, w, va, c40, c41);
            Store(c + 5 * ldc, w, va, c50, c51);
            return;
        }

        // Lane l of the left (right) vector is column l (w + l): keep the lanes left of cols.
        Vector512<T> left = Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(cols)));
        Vector512<T> right = Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(cols - w)));
        StoreMasked(c, w, va, left, right, c00, c01);
        if (rows > 1)
        {
            StoreMasked(c + ldc, w, va, left, right, c10, c11);
        }

        if (rows > 2)
        {
            StoreMasked(c + 2 * ldc, w, va, left, right, c20, c21);
        }

        if (rows > 3)
        {
            StoreMasked(c + 3 * ldc, w, va, left, right, c30, c31);
        }

        if (rows > 4)
        {
            StoreMasked(c + 4 * ldc, w, va, left, right, c40, c41);
        }

        if (rows > 5)
        {
            StoreMasked(c + 5 * ldc, w, va, left, right, c50, c51);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* row, int w, Vector512<T> alpha, Vector512<T> left, Vector512<T> right)
    {
        VectorMath.Fma(alpha, left, Vector512.Load(row)).Store(row);
        VectorMath.Fma(alpha, right, Vector512.Load(row + w)).Store(row + w);
    }

    /// <summary>Like <see cref="Store"/> for the lanes set in the masks; the others are neither read nor written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreMasked(T* row, int w, Vector512<T> alpha, Vector512<T> leftMask, Vector512<T> rightMask, Vector512<T> left, Vector512<T> right)
    {
        VectorMath.MaskedFmaStore(row, leftMask, alpha, left);
        VectorMath.MaskedFmaStore(row + w, rightMask, alpha, right);
    }
}
