using System.Numerics.Tensors;
using AutoDiff.CompilerServices;
using AutoDiff.Kernels;

namespace AutoDiff;

// The other activations, row-wise softmax, binary cross-entropy and whole-tensor sums for model code.
public static partial class TensorOps
{
    /// <summary>Leaky ReLU: x for x &gt; 0, <paramref name="slope"/>·x otherwise.</summary>
    /// <param name="x">The input.</param>
    /// <param name="slope">The slope for negative inputs (e.g. 0.01); not differentiated.</param>
    /// <returns>The result.</returns>
    public static Tensor LeakyRelu(Tensor x, float slope)
    {
        Tensor result = TensorArena.RentOrAllocate(x.Shape);
        Activations.LeakyRelu<float>(x.ReadOnlySpan, slope, result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="LeakyRelu"/>: ∂x += (x &gt; 0 ? 1 : slope) ⊙ ∂r.</summary>
    /// <param name="x">The input.</param>
    /// <param name="slope">The slope.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(LeakyRelu))]
    public static void LeakyReluPullback(Tensor x, float slope, Tensor result, Tensor resultGradient, Tensor? xGradient)
    {
        if (xGradient is not null)
        {
            Tensor target = GradientTarget(xGradient);
            Activations.LeakyReluBackward<float>(x.ReadOnlySpan, resultGradient.ReadOnlySpan, slope, target.Span);
            FinishGradient(xGradient, target);
        }
    }

    /// <summary>ELU: x for x &gt; 0, <paramref name="alpha"/>·(eˣ − 1) otherwise.</summary>
    /// <param name="x">The input.</param>
    /// <param name="alpha">The saturation value for negative inputs (usually 1); not differentiated.</param>
    /// <returns>The result.</returns>
    public static Tensor Elu(Tensor x, float alpha)
    {
        Tensor result = TensorArena.RentOrAllocate(x.Shape);
        Activations.Elu<float>(x.ReadOnlySpan, alpha, result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="Elu"/>: ∂x += (x &gt; 0 ? 1 : alpha·eˣ) ⊙ ∂r.</summary>
    /// <param name="x">The input.</param>
    /// <param name="alpha">The saturation value.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Elu))]
    public static void EluPullback(Tensor x, float alpha, Tensor result, Tensor resultGradient, Tensor? xGradient)
    {
        if (xGradient is not null)
        {
            Tensor target = GradientTarget(xGradient);
            Activations.EluBackward<float>(x.ReadOnlySpan, resultGradient.ReadOnlySpan, alpha, target.Span);
            FinishGradient(xGradient, target);
        }
    }

    /// <summary>GELU (Hendrycks and Gimpel), x·Φ(x), as the activations kernel computes it.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The result.</returns>
    public static Tensor Gelu(Tensor x)
    {
        Tensor result = TensorArena.RentOrAllocate(x.Shape);
        Activations.Gelu<float>(x.ReadOnlySpan, result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="Gelu"/>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Gelu))]
    public static void GeluPullback(Tensor x, Tensor result, Tensor resultGradient, Tensor? xGradient)
    {
        if (xGradient is not null)
        {
            Tensor target = GradientTarget(xGradient);
            Activations.GeluBackward<float>(x.ReadOnlySpan, resultGradient.ReadOnlySpan, target.Span);
            FinishGradient(xGradient, target);
        }
    }

    /// <summary>Softmax of each row of a [rows, classes] tensor (shifted by the row's maximum, so it never overflows).</summary>
    /// <param name="x">The [rows, classes] input.</param>
    /// <returns>Rows of probabilities.</returns>
    public static Tensor Softmax(Tensor x)
    {
        RequireMatrix("Softmax", x);
        Tensor result = TensorArena.RentOrAllocate(x.Shape);
        Activations.Softmax<float>(x.ReadOnlySpan, x.Dim(1), result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="Softmax"/>: per row, ∂x += y ⊙ (∂r − ⟨∂r, y⟩).</summary>
    /// <param name="x">The input.</param>
    /// <param name="result">The forward result y.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Softmax))]
    public static void SoftmaxPullback(Tensor x, Tensor result, Tensor resultGradient, Tensor? xGradient)
    {
        if (xGradient is not null)
        {
            Tensor target = GradientTarget(xGradient);
            Activations.SoftmaxBackward<float>(result.ReadOnlySpan, resultGradient.ReadOnlySpan, x.Dim(1), target.Span);
            FinishGradient(xGradient, target);
        }
    }

    /// <summary>Log-softmax of each row of a [rows, classes] tensor (stable: x − max − log Σ exp(x − max)).</summary>
    /// <param name="x">The [rows, classes] input.</param>
    /// <returns>Rows of log-probabilities.</returns>
    public static Tensor LogSoftmax(Tensor x)
    {
        RequireMatrix("LogSoftmax", x);
        Tensor result = TensorArena.RentOrAllocate(x.Shape);
        Activations.LogSoftmax<float>(x.ReadOnlySpan, x.Dim(1), result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="LogSoftmax"/>: per row, ∂x += ∂r − softmax(x)·Σ∂r.</summary>
    /// <param name="x">The input.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(LogSoftmax))]
    public static void LogSoftmaxPullback(Tensor x, Tensor result, Tensor resultGradient, Tensor? xGradient)
    {
        if (xGradient is not null)
        {
            Tensor target = GradientTarget(xGradient);
            Activations.LogSoftmaxBackward<float>(result.ReadOnlySpan, resultGradient.ReadOnlySpan, x.Dim(1), target.Span);
            FinishGradient(xGradient, target);
        }
    }

    /// <summary>
    /// Binary cross-entropy of sigmoid(<paramref name="logits"/>) against 0/1 (or soft) <paramref name="targets"/>,
    /// averaged over all elements, computed from the logits so that it never overflows.
    /// </summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets, same shape, in [0, 1]; not differentiated.</param>
    /// <returns>The mean loss.</returns>
    public static float BinaryCrossEntropyWithLogits(Tensor logits, [NoDerivative] Tensor targets)
    {
        logits.RequireSameShape("BinaryCrossEntropyWithLogits", targets);
        Tensor scratch = TensorArena.RentOrAllocate(logits.Shape);
        return Losses.BinaryCrossEntropyWithLogits<float>(logits.ReadOnlySpan, targets.ReadOnlySpan, scratch.Span);
    }

    /// <summary>Pullback of <see cref="BinaryCrossEntropyWithLogits"/>: ∂logits += ∂r · (σ(z) − t) / n.</summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="logitsGradient">Accumulates ∂loss/∂logits, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(BinaryCrossEntropyWithLogits))]
    public static void BinaryCrossEntropyWithLogitsPullback(Tensor logits, [NoDerivative] Tensor targets, float result, float resultGradient, Tensor? logitsGradient)
    {
        if (logitsGradient is not null)
        {
            Tensor scratch = TensorArena.RentOrAllocate(logits.Shape);
            Losses.BinaryCrossEntropyWithLogits<float>(logits.ReadOnlySpan, targets.ReadOnlySpan, scratch.Span);
            if (logitsGradient.TryBeginOverwrite())
            {
                TensorPrimitives.Multiply(scratch.ReadOnlySpan, resultGradient, logitsGradient.Span);
            }
            else
            {
                TensorPrimitives.MultiplyAdd(scratch.ReadOnlySpan, resultGradient, logitsGradient.ReadOnlySpan, logitsGradient.Span);
            }
        }
    }

    /// <summary>The sum of all elements (a building block for custom losses).</summary>
    /// <param name="x">The input.</param>
    /// <returns>Σ x.</returns>
    public static float Sum(Tensor x) => TensorPrimitives.Sum(x.ReadOnlySpan);

    /// <summary>Pullback of <see cref="Sum(Tensor)"/>: every element receives ∂r.</summary>
    /// <param name="x">The input.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Sum))]
    public static void SumPullback(Tensor x, float result, float resultGradient, Tensor? xGradient) => AddConstant(xGradient, resultGradient);

    /// <summary>The mean of all elements.</summary>
    /// <param name="x">The input, not empty.</param>
    /// <returns>Σ x / n.</returns>
    public static float Mean(Tensor x)
    {
        if (x.Length == 0)
        {
            throw new ArgumentException($"Mean: the tensor of shape {x.Shape} is empty.", nameof(x));
        }

        return TensorPrimitives.Sum(x.ReadOnlySpan) / x.Length;
    }

    /// <summary>Pullback of <see cref="Mean(Tensor)"/>: every element receives ∂r / n.</summary>
    /// <param name="x">The input.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Mean))]
    public static void MeanPullback(Tensor x, float result, float resultGradient, Tensor? xGradient) => AddConstant(xGradient, resultGradient / x.Length);

    /// <summary>
    /// Where a backward kernel that overwrites its output should write: the gradient itself when it holds pending
    /// zeros, otherwise a scratch tensor that <see cref="FinishGradient"/> adds in.
    /// </summary>
    private static Tensor GradientTarget(Tensor gradient) => gradient.TryBeginOverwrite() ? gradient : TensorArena.RentOrAllocate(gradient.Shape);

    /// <summary>Adds the scratch written by a backward kernel into the gradient (nothing to do when it wrote the gradient).</summary>
    private static void FinishGradient(Tensor gradient, Tensor target)
    {
        if (!ReferenceEquals(gradient, target))
        {
            TensorPrimitives.Add(gradient.ReadOnlySpan, target.ReadOnlySpan, gradient.Span);
        }
    }

    private static void AddConstant(Tensor? gradient, float value)
    {
        if (gradient is null)
        {
            return;
        }

        if (gradient.TryBeginOverwrite())
        {
            gradient.Span.Fill(value);
        }
        else
        {
            TensorPrimitives.Add(gradient.ReadOnlySpan, value, gradient.Span);
        }
    }

    private static void RequireMatrix(string operation, Tensor x)
    {
        if (x.Rank != 2)
        {
            throw new ArgumentException($"{operation}: expected a [rows, classes] tensor, got {x.Shape}.");
        }
    }
}
