using System.ComponentModel;

namespace AutoDiff.CompilerServices;

/// <summary>Checks and vector helpers used by generated gradient methods.</summary>
/// <remarks>
/// Infrastructure for the code the AutoDiff source generator writes into your assembly, public only because that
/// code must call it; hidden from IntelliSense. Not meant to be used directly: it can change in any release.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GradientBuffer
{
    /// <summary>Throws unless a gradient output has the length of the input it belongs to.</summary>
    /// <param name="gradientLength">Length of the gradient output span.</param>
    /// <param name="inputLength">Length of the differentiable input.</param>
    /// <param name="gradientName">Name of the gradient output parameter.</param>
    /// <param name="inputName">Name of the input parameter.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static void CheckLength(int gradientLength, int inputLength, string gradientName, string inputName)
    {
        if (gradientLength != inputLength)
        {
            throw new ArgumentException(
                $"The gradient output '{gradientName}' has length {gradientLength}, but '{inputName}' has length {inputLength}; pass a span of the same length as '{inputName}'.",
                gradientName);
        }
    }

    /// <summary>Makes a model's parameter gradient zero lazily (see <see cref="TensorBase{T, TSelf}.IsPendingZero"/>).</summary>
    /// <param name="gradient">The gradient tensor.</param>
    /// <returns><paramref name="gradient"/>.</returns>
    public static Tensor ZeroLazily(Tensor gradient)
    {
        gradient.MarkPendingZero();
        return gradient;
    }

    /// <summary>Makes every gradient of a layer array zero lazily.</summary>
    /// <param name="gradients">The gradient tensors.</param>
    /// <returns><paramref name="gradients"/>.</returns>
    public static Tensor[] ZeroLazily(Tensor[] gradients)
    {
        foreach (Tensor gradient in gradients)
        {
            gradient.MarkPendingZero();
        }

        return gradients;
    }

    /// <summary>Clears a gradient still holding pending zeros, so that code reading its storage directly sees zeros.</summary>
    /// <param name="gradient">The gradient tensor.</param>
    public static void Materialize(Tensor gradient)
    {
        if (gradient.IsPendingZero)
        {
            _ = gradient.Span;
        }
    }

    /// <summary>Clears every gradient of a layer array still holding pending zeros.</summary>
    /// <param name="gradients">The gradient tensors.</param>
    public static void Materialize(Tensor[] gradients)
    {
        foreach (Tensor gradient in gradients)
        {
            Materialize(gradient);
        }
    }

    /// <summary>Adds <paramref name="scale"/> × <paramref name="source"/> to <paramref name="destination"/> (vectorised).</summary>
    /// <param name="source">Preaccumulated gradient contributions.</param>
    /// <param name="scale">The adjoint they are scaled by.</param>
    /// <param name="destination">The adjoint they are added to; same length as <paramref name="source"/>.</param>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static void AddScaled(ReadOnlySpan<double> source, double scale, Span<double> destination) =>
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(source, scale, destination, destination);

    /// <inheritdoc cref="AddScaled(ReadOnlySpan{double}, double, Span{double})"/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static void AddScaled(ReadOnlySpan<float> source, float scale, Span<float> destination) =>
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(source, scale, destination, destination);

    /// <summary>
    /// Multiplies <paramref name="values"/> by <paramref name="scale"/> in place (vectorised): a gradient output that
    /// holds only one loop's preaccumulated contributions, scaled by the adjoint they depend on.
    /// </summary>
    /// <param name="values">The contributions, scaled in place.</param>
    /// <param name="scale">The adjoint they are scaled by.</param>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static void Scale(Span<double> values, double scale) =>
        System.Numerics.Tensors.TensorPrimitives.Multiply(values, scale, values);

    /// <inheritdoc cref="Scale(Span{double}, double)"/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static void Scale(Span<float> values, float scale) =>
        System.Numerics.Tensors.TensorPrimitives.Multiply(values, scale, values);

    /// <inheritdoc cref="AddScaled(ReadOnlySpan{double}, double, Span{double})"/>
    public static void AddScaled(ReadOnlySpan<Dual> source, Dual scale, Span<Dual> destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] += scale * source[i];
        }
    }

    /// <summary>
    /// Returns <paramref name="value"/>. Generated code passes a loop's accumulator through this call when the loop
    /// ends: the call separates the loop's copy of the accumulator from the variable that lives on, so the JIT keeps
    /// the loop's copy in a register instead of storing it to memory on every iteration.
    /// </summary>
    /// <param name="value">The accumulated value.</param>
    /// <returns><paramref name="value"/>, unchanged.</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static double LoopResult(double value) => value;

    /// <inheritdoc cref="LoopResult(double)"/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static float LoopResult(float value) => value;

    /// <inheritdoc cref="LoopResult(double)"/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static Dual LoopResult(Dual value) => value;
}
