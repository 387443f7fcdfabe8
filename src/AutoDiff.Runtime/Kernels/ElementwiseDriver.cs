using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>An element-wise operation of one input: a scalar form for tails and a vector form for the main loop.</summary>
internal interface IUnaryOperator<T>
{
    T Invoke(T x);

    Vector256<T> Invoke(Vector256<T> x);
}

/// <summary>An element-wise operation of two inputs (a backward operator takes the forward input or output and the upstream gradient).</summary>
internal interface IBinaryOperator<T>
{
    T Invoke(T x, T y);

    Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);
}

/// <summary>
/// The loops behind the element-wise kernels that TensorPrimitives does not provide: validate once, run two vectors
/// per iteration, then one, then the scalar tail. The operator is a struct, so the JIT inlines it into the loop.
/// </summary>
internal static unsafe class ElementwiseDriver
{
    public static void Unary<T, TOp>(string operation, ReadOnlySpan<T> x, Span<T> destination, TOp op)
        where T : unmanaged
        where TOp : struct, IUnaryOperator<T>
    {
        if (destination.Length < x.Length)
        {
            ThrowHelper.DestinationTooShort(operation, x.Length, destination.Length);
        }

        CheckOverlap(operation, x, destination);
        fixed (T* src = x, dst = destination)
        {
            ParallelRange.Run(new UnaryKernel<T, TOp>(src, dst, op), x.Length, Granule, 2L * x.Length);
        }
    }

    public static void Binary<T, TOp>(string operation, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination, TOp op)
        where T : unmanaged
        where TOp : struct, IBinaryOperator<T>
    {
        ThrowHelper.RequireSameLength(operation, x.Length, y.Length, nameof(y));
        if (destination.Length < x.Length)
        {
            ThrowHelper.DestinationTooShort(operation, x.Length, destination.Length);
        }

        CheckOverlap(operation, x, destination);
        CheckOverlap(operation, y, destination);
        fixed (T* a = x, b = y, dst = destination)
        {
            ParallelRange.Run(new BinaryKernel<T, TOp>(a, b, dst, op), x.Length, Granule, 3L * x.Length);
        }
    }

    /// <summary>Parts of a split element-wise loop are multiples of this many elements (whole vectors, whole lines).</summary>
    private const int Granule = 1024;

    private readonly unsafe struct UnaryKernel<T, TOp>(T* src, T* dst, TOp op) : IRangeKernel
        where T : unmanaged
        where TOp : struct, IUnaryOperator<T>
    {
        public void Run(int start, int end)
        {
            int w = Vector256<T>.Count, i = start;
            for (; i <= end - 2 * w; i += 2 * w)
            {
                op.Invoke(Vector256.Load(src + i)).Store(dst + i);
                op.Invoke(Vector256.Load(src + i + w)).Store(dst + i + w);
            }

            for (; i <= end - w; i += w)
            {
                op.Invoke(Vector256.Load(src + i)).Store(dst + i);
            }

            for (; i < end; i++)
            {
                dst[i] = op.Invoke(src[i]);
            }
        }
    }

    private readonly unsafe struct BinaryKernel<T, TOp>(T* a, T* b, T* dst, TOp op) : IRangeKernel
        where T : unmanaged
        where TOp : struct, IBinaryOperator<T>
    {
        public void Run(int start, int end)
        {
            int w = Vector256<T>.Count, i = start;
            for (; i <= end - 2 * w; i += 2 * w)
            {
                op.Invoke(Vector256.Load(a + i), Vector256.Load(b + i)).Store(dst + i);
                op.Invoke(Vector256.Load(a + i + w), Vector256.Load(b + i + w)).Store(dst + i + w);
            }

            for (; i <= end - w; i += w)
            {
                op.Invoke(Vector256.Load(a + i), Vector256.Load(b + i)).Store(dst + i);
            }

            for (; i < end; i++)
            {
                dst[i] = op.Invoke(a[i], b[i]);
            }
        }
    }

    /// <summary>Exact in-place use (same start) is fine for element-wise loops; a shifted overlap is not.</summary>
    private static void CheckOverlap<T>(string operation, ReadOnlySpan<T> input, Span<T> destination)
    {
        if (input.Overlaps(destination, out int offset) && offset != 0)
        {
            ThrowHelper.Overlap(operation);
        }
    }
}

/// <summary>Vector forms of the transcendental functions, dispatched on the element type; the type tests fold away.</summary>
internal static class VectorFunctions
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp<T>(Vector256<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.Exp(x.AsSingle()).As<float, T>();
        }

        return Vector256.Exp(x.AsDouble()).As<double, T>();
    }

    /// <summary>tanh(u) = 1 − 2 / (e^{2u} + 1): saturates cleanly to ±1 when e^{2u} overflows to ∞ or underflows to 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Tanh<T>(Vector256<T> u)
        where T : INumberBase<T>
    {
        Vector256<T> one = Vector256.Create(T.One), two = one + one;
        return one - two / (Exp(two * u) + one);
    }
}
