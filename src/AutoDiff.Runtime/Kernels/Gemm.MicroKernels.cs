using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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

    /// <summary>Depth of one packed block; sized so an A panel and a B panel stay in L1.</summary>
    static abstract int Kc { get; }

    static abstract void Run(int kc, T* a, T* b, T* c, int ldc, T alpha);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, int ldc, T alpha)
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
/// </summary>
internal readonly unsafe struct MicroKernel512<T> : IGemmMicroKernel<T>
    where T : unmanaged, INumberBase<T>
{
    public static int Mr => 6;

    public static int Nr => 2 * Vector512<T>.Count;

    public static int Kc => 1024 / Vector512<T>.Count * 3; // 192 floats, 96 doubles: a 24 KiB B panel

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, int ldc, T alpha)
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
        Store(c, w, va, c00, c01);
        Store(c + ldc, w, va, c10, c11);
        Store(c + 2 * ldc, w, va, c20, c21);
        Store(c + 3 * ldc, w, va, c30, c31);
        Store(c + 4 * ldc, w, va, c40, c41);
        Store(c + 5 * ldc, w, va, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* row, int w, Vector512<T> alpha, Vector512<T> left, Vector512<T> right)
    {
        VectorMath.Fma(alpha, left, Vector512.Load(row)).Store(row);
        VectorMath.Fma(alpha, right, Vector512.Load(row + w)).Store(row + w);
    }
}
