using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>
/// Activation functions and their backward kernels over spans of float or double. Each forward kernel writes
/// <c>destination[i] = f(x[i])</c>; each backward kernel writes <c>dx[i] = dy[i] · f′</c> evaluated from the forward
/// input or output (whichever the name says). Destinations may be the input itself (same start) but not a shifted
/// overlap. NaN inputs give NaN outputs unless stated.
/// </summary>
public static class Activations
{
    /// <summary>Effectively computes <c>destination[i] = max(x[i], 0)</c>. NaN propagates.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="destination">The output, at least as long as <paramref name="x"/>.</param>
    public static void Relu<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary("Relu", x, destination, new ReluOperator<T>());

    /// <summary>Effectively computes <c>dx[i] = x[i] &gt; 0 ? dy[i] : 0</c> (the subgradient 0 is taken at x = 0).</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The forward input.</param>
    /// <param name="dy">The gradient of the loss with respect to the output.</param>
    /// <param name="dx">The gradient with respect to the input.</param>
    public static void ReluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary("ReluBackward", x, dy, dx, new LeakyReluBackwardOperator<T>(T.Zero));

    /// <summary>Effectively computes <c>destination[i] = x[i] &gt; 0 ? x[i] : slope · x[i]</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="slope">The slope for negative inputs (e.g. 0.01).</param>
    /// <param name="destination">The output.</param>
    public static void LeakyRelu<T>(ReadOnlySpan<T> x, T slope, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary("LeakyRelu", x, destination, new LeakyReluOperator<T>(slope));

    /// <summary>Effectively computes <c>dx[i] = x[i] &gt; 0 ? dy[i] : slope · dy[i]</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The forward input.</param>
    /// <param name="dy">The upstream gradient.</param>
    /// <param name="slope">The slope used in the forward pass.</param>
    /// <param name="dx">The gradient with respect to the input.</param>
    public static void LeakyReluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, T slope, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary("LeakyReluBackward", x, dy, dx, new LeakyReluBackwardOperator<T>(slope));

    /// <summary>Effectively computes <c>destination[i] = x[i] &gt; 0 ? x[i] : alpha · (e^{x[i]} − 1)</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="alpha">The saturation value for large negative inputs (usually 1).</param>
    /// <param name="destination">The output.</param>
    public static void Elu<T>(ReadOnlySpan<T> x, T alpha, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowHelper.RequireFloatOrDouble<T>("Elu");
        ElementwiseDriver.Unary("Elu", x, destination, new EluOperator<T>(alpha));
    }

    /// <summary>Effectively computes <c>dx[i] = x[i] &gt; 0 ? dy[i] : dy[i] · alpha · e^{x[i]}</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The forward input.</param>
    /// <param name="dy">The upstream gradient.</param>
    /// <param name="alpha">The alpha used in the forward pass.</param>
    /// <param name="dx">The gradient with respect to the input.</param>
    public static void EluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, T alpha, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowHelper.RequireFloatOrDouble<T>("EluBackward");
        ElementwiseDriver.Binary("EluBackward", x, dy, dx, new EluBackwardOperator<T>(alpha));
    }

    /// <summary>
    /// Effectively computes the tanh form of GELU, <c>destination[i] = ½ x (1 + tanh(√(2/π) (x + 0.044715 x³)))</c>
    /// (the form used by BERT and GPT-2; it differs from the erf form by less than 1e-3).
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="destination">The output.</param>
    public static void Gelu<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowHelper.RequireFloatOrDouble<T>("Gelu");
        ElementwiseDriver.Unary("Gelu", x, destination, new GeluOperator<T>());
    }

    /// <summary>
    /// Effectively computes <c>dx[i] = dy[i] · (½ (1 + t) + ½ x (1 − t²) · √(2/π) (1 + 3 · 0.044715 x²))</c> with
    /// <c>t = tanh(√(2/π) (x + 0.044715 x³))</c>: the derivative of <see cref="Gelu{T}"/>.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The forward input.</param>
    /// <param name="dy">The upstream gradient.</param>
    /// <param name="dx">The gradient with respect to the input.</param>
    public static void GeluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowHelper.RequireFloatOrDouble<T>("GeluBackward");
        ElementwiseDriver.Binary("GeluBackward", x, dy, dx, new GeluBackwardOperator<T>());
    }

    /// <summary>Effectively computes <c>destination[i] = 1 / (1 + e^{−x[i]})</c> (TensorPrimitives).</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="destination">The output.</param>
    public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // TensorPrimitives.Sigmoid rejects empty input; an empty batch is valid here.
        if (!x.IsEmpty)
        {
            TensorPrimitives.Sigmoid(x, destination);
        }
    }

    /// <summary>Effectively computes <c>dx[i] = dy[i] · y[i] · (1 − y[i])</c> from the forward output y.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="y">The forward output.</param>
    /// <param name="dy">The upstream gradient.</param>
    /// <param name="dx">The gradient with respect to the input.</param>
    public static void SigmoidBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary("SigmoidBackward", y, dy, dx, new SigmoidBackwardOperator<T>());

    /// <summary>Effectively computes <c>destination[i] = tanh(x[i])</c> (TensorPrimitives).</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="destination">The output.</param>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        TensorPrimitives.Tanh(x, destination);

    /// <summary>Effectively computes <c>dx[i] = dy[i] · (1 − y[i]²)</c> from the forward output y.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="y">The forward output.</param>
    /// <param name="dy">The upstream gradient.</param>
    /// <param name="dx">The gradient with respect to the input.</param>
    public static void TanhBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary("TanhBackward", y, dy, dx, new TanhBackwardOperator<T>());

    /// <summary>
    /// Softmax of each row of a row-major <c>rows × columns</c> matrix, computed stably as
    /// <c>e^{x − max} / Σ e^{x − max}</c>, so large logits do not overflow.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The logits, rows × <paramref name="columns"/>.</param>
    /// <param name="columns">The row length (number of classes).</param>
    /// <param name="destination">The probabilities, same length as <paramref name="x"/>.</param>
    public static void Softmax<T>(ReadOnlySpan<T> x, int columns, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = CheckRows("Softmax", x.Length, columns, destination.Length);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> row = x.Slice(r * columns, columns);
            Span<T> dst = destination.Slice(r * columns, columns);
            TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), dst);
            TensorPrimitives.Exp(dst, dst);
            TensorPrimitives.Divide(dst, TensorPrimitives.Sum<T>(dst), dst);
        }
    }

    /// <summary>Effectively computes, per row, <c>dx = y ⊙ (dy − ⟨dy, y⟩)</c> from the softmax output y.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="y">The forward output (probabilities).</param>
    /// <param name="dy">The upstream gradient.</param>
    /// <param name="columns">The row length.</param>
    /// <param name="dx">The gradient with respect to the logits.</param>
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, int columns, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = CheckRows("SoftmaxBackward", y.Length, columns, dx.Length);
        ThrowHelper.RequireSameLength("SoftmaxBackward", y.Length, dy.Length, nameof(dy));
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> yr = y.Slice(r * columns, columns), gr = dy.Slice(r * columns, columns);
            Span<T> dst = dx.Slice(r * columns, columns);
            T dot = TensorPrimitives.Dot(gr, yr);
            TensorPrimitives.Subtract(gr, dot, dst);
            TensorPrimitives.Multiply(dst, yr, dst);
        }
    }

    /// <summary>Log-softmax of each row, computed stably as <c>x − max − log Σ e^{x − max}</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The logits, rows × <paramref name="columns"/>.</param>
    /// <param name="columns">The row length.</param>
    /// <param name="destination">The log-probabilities.</param>
    public static void LogSoftmax<T>(ReadOnlySpan<T> x, int columns, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = CheckRows("LogSoftmax", x.Length, columns, destination.Length);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> row = x.Slice(r * columns, columns);
            Span<T> dst = destination.Slice(r * columns, columns);
            T max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, dst);
            T logSum = T.Log(SumExp(dst));
            TensorPrimitives.Subtract(dst, logSum, dst);
        }
    }

    /// <summary>Effectively computes, per row, <c>dx = dy − e^{y} · Σ dy</c> from the log-softmax output y.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="y">The forward output (log-probabilities).</param>
    /// <param name="dy">The upstream gradient.</param>
    /// <param name="columns">The row length.</param>
    /// <param name="dx">The gradient with respect to the logits.</param>
    public static void LogSoftmaxBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, int columns, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = CheckRows("LogSoftmaxBackward", y.Length, columns, dx.Length);
        ThrowHelper.RequireSameLength("LogSoftmaxBackward", y.Length, dy.Length, nameof(dy));
        if (dx.Overlaps(dy) || dx.Overlaps(y))
        {
            ThrowHelper.Overlap("LogSoftmaxBackward");
        }

        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> yr = y.Slice(r * columns, columns), gr = dy.Slice(r * columns, columns);
            Span<T> dst = dx.Slice(r * columns, columns);
            T sum = TensorPrimitives.Sum(gr);
            TensorPrimitives.Exp(yr, dst);
            TensorPrimitives.MultiplyAdd(dst, -sum, gr, dst);
        }
    }

    /// <summary>Σ e^{x[i]} without a scratch buffer, in vector blocks.</summary>
    internal static T SumExp<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> block = stackalloc T[64];
        T sum = T.Zero;
        for (int i = 0; i < x.Length; i += block.Length)
        {
            int n = Math.Min(block.Length, x.Length - i);
            TensorPrimitives.Exp(x.Slice(i, n), block);
            sum += TensorPrimitives.Sum<T>(block[..n]);
        }

        return sum;
    }

    internal static int CheckRows(string operation, int length, int columns, int destinationLength)
    {
        if (columns <= 0 || length % columns != 0)
        {
            ThrowHelper.ShapeMismatch(operation, $"{length} elements do not form rows of {columns} columns");
        }

        if (destinationLength < length)
        {
            ThrowHelper.DestinationTooShort(operation, length, destinationLength);
        }

        return length / columns;
    }
}

// The operators: forward and backward of each activation side by side, scalar and vector forms.

internal readonly struct ReluOperator<T> : IUnaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => T.IsNaN(x) ? x : T.Max(x, T.Zero);

    public Vector256<T> Invoke(Vector256<T> x) => Vector256.Max(x, Vector256<T>.Zero);
}

internal readonly struct LeakyReluOperator<T>(T slope) : IUnaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // y = x > 0 ? x : slope·x
    public T Invoke(T x) => x > T.Zero ? x : slope * x;

    public Vector256<T> Invoke(Vector256<T> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), x, x * Vector256.Create(slope));
}

internal readonly struct LeakyReluBackwardOperator<T>(T slope) : IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // dy/dx = x > 0 ? 1 : slope  (ReLU is slope 0)
    public T Invoke(T x, T dy) => x > T.Zero ? dy : slope * dy;

    public Vector256<T> Invoke(Vector256<T> x, Vector256<T> dy) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), dy, dy * Vector256.Create(slope));
}

internal readonly struct EluOperator<T>(T alpha) : IUnaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // y = x > 0 ? x : α(eˣ − 1)
    public T Invoke(T x) => x > T.Zero ? x : alpha * (T.Exp(x) - T.One);

    public Vector256<T> Invoke(Vector256<T> x)
    {
        // Clamp the exponent's argument so positive lanes (discarded below) cannot overflow to ∞·0 = NaN.
        Vector256<T> negative = Vector256.Min(x, Vector256<T>.Zero);
        Vector256<T> elu = Vector256.Create(alpha) * (VectorFunctions.Exp(negative) - Vector256.Create(T.One));
        return Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), x, elu);
    }
}

internal readonly struct EluBackwardOperator<T>(T alpha) : IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // dy/dx = x > 0 ? 1 : α eˣ
    public T Invoke(T x, T dy) => x > T.Zero ? dy : dy * alpha * T.Exp(x);

    public Vector256<T> Invoke(Vector256<T> x, Vector256<T> dy)
    {
        Vector256<T> negative = Vector256.Min(x, Vector256<T>.Zero);
        Vector256<T> scaled = dy * Vector256.Create(alpha) * VectorFunctions.Exp(negative);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), dy, scaled);
    }
}

internal readonly struct GeluOperator<T> : IUnaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal static readonly T Half = T.CreateTruncating(0.5);
    internal static readonly T Coefficient = T.CreateTruncating(0.044715);
    internal static readonly T SqrtTwoOverPi = T.CreateTruncating(Math.Sqrt(2.0 / Math.PI));

    // y = ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³)
    public T Invoke(T x) => Half * x * (T.One + T.Tanh(SqrtTwoOverPi * (x + Coefficient * x * x * x)));

    public Vector256<T> Invoke(Vector256<T> x)
    {
        Vector256<T> u = Vector256.Create(SqrtTwoOverPi) * (x + Vector256.Create(Coefficient) * x * x * x);
        return Vector256.Create(Half) * x * (Vector256.Create(T.One) + VectorFunctions.Tanh(u));
    }
}

internal readonly struct GeluBackwardOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // dy/dx = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²), t = tanh(u)
    public T Invoke(T x, T dy)
    {
        T half = GeluOperator<T>.Half, c = GeluOperator<T>.Coefficient, k = GeluOperator<T>.SqrtTwoOverPi;
        T t = T.Tanh(k * (x + c * x * x * x));
        T three = T.CreateTruncating(3);
        return dy * (half * (T.One + t) + half * x * (T.One - t * t) * k * (T.One + three * c * x * x));
    }

    public Vector256<T> Invoke(Vector256<T> x, Vector256<T> dy)
    {
        Vector256<T> half = Vector256.Create(GeluOperator<T>.Half), c = Vector256.Create(GeluOperator<T>.Coefficient);
        Vector256<T> k = Vector256.Create(GeluOperator<T>.SqrtTwoOverPi), one = Vector256.Create(T.One);
        Vector256<T> x2 = x * x;
        Vector256<T> t = VectorFunctions.Tanh(k * (x + c * x2 * x));
        Vector256<T> du = k * (one + Vector256.Create(T.CreateTruncating(3)) * c * x2);
        return dy * (half * (one + t) + half * x * (one - t * t) * du);
    }
}

internal readonly struct SigmoidBackwardOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // dσ/dx = σ(1 − σ)
    public T Invoke(T y, T dy) => dy * y * (T.One - y);

    public Vector256<T> Invoke(Vector256<T> y, Vector256<T> dy) => dy * y * (Vector256.Create(T.One) - y);
}

internal readonly struct TanhBackwardOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // d tanh/dx = 1 − tanh²
    public T Invoke(T y, T dy) => dy * (T.One - y * y);

    public Vector256<T> Invoke(Vector256<T> y, Vector256<T> dy) => dy * (Vector256.Create(T.One) - y * y);
}
