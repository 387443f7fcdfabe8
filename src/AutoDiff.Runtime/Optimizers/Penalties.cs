using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace AutoDiff.Optimizers;

/// <summary>
/// L1 and L2 penalties added to the loss: each method adds the penalty's gradient to every parameter's gradient and
/// returns the penalty's value, for the caller to add to the reported loss.
/// </summary>
/// <remarks>
/// An L2 penalty here is part of the objective, like the <c>weight_decay</c> of <see cref="Sgd"/> or <see cref="Adam"/>
/// (with λ the same, <see cref="AddL2"/> then a step equals a step with weight decay λ); it is not the decoupled decay
/// of <see cref="AdamW"/>.
/// </remarks>
public static class Penalties
{
    /// <summary>
    /// Adds the L2 penalty <c>(λ/2)·Σθ²</c>: effectively computes <c>gradient[i] += λ·value[i]</c> for every parameter.
    /// </summary>
    /// <param name="parameters">The penalised parameters.</param>
    /// <param name="lambda">The penalty strength λ.</param>
    /// <returns>The penalty <c>(λ/2)·Σθ²</c>, with each tensor's sum of squares computed in float32.</returns>
    public static double AddL2(IReadOnlyList<ParameterSlot> parameters, float lambda)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double sumOfSquares = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            ReadOnlySpan<float> value = parameters[i].Value.Span;
            Span<float> gradient = parameters[i].Gradient.Span;
            sumOfSquares += TensorPrimitives.SumOfSquares(value);
            TensorPrimitives.MultiplyAdd(value, lambda, gradient, gradient);
        }

        return 0.5 * lambda * sumOfSquares;
    }

    /// <summary>
    /// Adds the L1 penalty <c>λ·Σ|θ|</c>: effectively computes <c>gradient[i] += λ·sign(value[i])</c>, using the
    /// subgradient 0 at 0 (as PyTorch's <c>sign</c> does); a NaN value adds NaN.
    /// </summary>
    /// <param name="parameters">The penalised parameters.</param>
    /// <param name="lambda">The penalty strength λ.</param>
    /// <returns>The penalty <c>λ·Σ|θ|</c>, with each tensor's sum computed in float32.</returns>
    public static double AddL1(IReadOnlyList<ParameterSlot> parameters, float lambda)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double sumOfMagnitudes = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            ReadOnlySpan<float> value = parameters[i].Value.Span;
            Span<float> gradient = parameters[i].Gradient.Span;
            sumOfMagnitudes += TensorPrimitives.SumOfMagnitudes(value);
            AddScaledSign(value, lambda, gradient);
        }

        return lambda * sumOfMagnitudes;
    }

    private static void AddScaledSign(ReadOnlySpan<float> value, float lambda, Span<float> gradient)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> positive = Vector256.Create(lambda), negative = Vector256.Create(-lambda);
            for (; i <= value.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> x = Vector256.Create(value.Slice(i, Vector256<float>.Count));
                // sign(x)·λ: +λ where x > 0, −λ where x < 0, 0 at ±0, and x itself where x is NaN.
                Vector256<float> step = (Vector256.GreaterThan(x, Vector256<float>.Zero) & positive)
                    | (Vector256.LessThan(x, Vector256<float>.Zero) & negative)
                    | Vector256.AndNot(x, Vector256.Equals(x, x));
                (Vector256.Create(gradient.Slice(i, Vector256<float>.Count)) + step).CopyTo(gradient.Slice(i));
            }
        }

        for (; i < value.Length; i++)
        {
            float x = value[i];
            float step = x > 0 ? lambda : x < 0 ? -lambda : float.IsNaN(x) ? x : 0f;
            gradient[i] += step;
        }
    }
}
