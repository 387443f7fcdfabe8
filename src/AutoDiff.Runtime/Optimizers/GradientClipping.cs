using System.Numerics.Tensors;

namespace AutoDiff.Optimizers;

/// <summary>Gradient clipping across all parameters, applied between the backward pass and the optimizer step.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients together so that their global L2 norm is at most <paramref name="maxNorm"/> — PyTorch's
    /// <c>torch.nn.utils.clip_grad_norm_</c> with <c>norm_type=2</c>.
    /// </summary>
    /// <remarks>
    /// Effectively computes <c>n = √(Σ_p ‖g_p‖²)</c>, <c>c = maxNorm / (n + 1e-6)</c>, and when <c>c &lt; 1</c> multiplies
    /// every gradient by <c>c</c> (PyTorch multiplies by <c>min(c, 1)</c>, which leaves gradients unchanged when
    /// <c>c ≥ 1</c>). Each tensor's norm is computed in float32, and the per-tensor norms combined in double. A
    /// NaN or infinite norm is returned as is and, as in PyTorch with <c>error_if_nonfinite=False</c>, turns the
    /// gradients into NaN or zero.
    /// </remarks>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="maxNorm">The largest allowed global norm, positive.</param>
    /// <returns>The global norm before clipping.</returns>
    public static float ClipByGlobalNorm(IReadOnlyList<ParameterSlot> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The maximum norm must be positive.");
        }

        double sumOfSquares = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            double norm = TensorPrimitives.Norm<float>(parameters[i].Gradient.Span);
            sumOfSquares += norm * norm;
        }

        float totalNorm = (float)Math.Sqrt(sumOfSquares);
        float coefficient = (float)maxNorm / (totalNorm + 1e-6f);
        if (!(coefficient >= 1f))
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                Span<float> gradient = parameters[i].Gradient.Span;
                TensorPrimitives.Multiply(gradient, coefficient, gradient);
            }
        }

        return totalNorm;
    }

    /// <summary>
    /// Clamps every gradient element to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>] — PyTorch's
    /// <c>torch.nn.utils.clip_grad_value_</c>. NaN elements stay NaN.
    /// </summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="clipValue">The largest allowed magnitude, zero or positive.</param>
    public static void ClipByValue(IReadOnlyList<ParameterSlot> parameters, float clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, "The clip value must be zero or positive.");
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            Span<float> gradient = parameters[i].Gradient.Span;
            TensorPrimitives.Min(gradient, clipValue, gradient);
            TensorPrimitives.Max(gradient, -clipValue, gradient);
        }
    }
}
