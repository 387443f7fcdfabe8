using System.Numerics.Tensors;
using AutoDiff.CompilerServices;

namespace AutoDiff;

public static partial class TensorOps
{
    /// <summary>The element-wise difference of two tensors of the same shape.</summary>
    /// <param name="a">The first tensor.</param>
    /// <param name="b">The second tensor, same shape.</param>
    /// <returns>a − b.</returns>
    public static Tensor Subtract(Tensor a, Tensor b)
    {
        a.RequireSameShape("Subtract", b);
        Tensor result = TensorArena.RentOrAllocate(a.Shape);
        TensorPrimitives.Subtract(a.ReadOnlySpan, b.ReadOnlySpan, result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="Subtract"/>: ∂a += ∂r, ∂b −= ∂r.</summary>
    /// <param name="a">The first input.</param>
    /// <param name="b">The second input.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="aGradient">Accumulates ∂loss/∂a, or null.</param>
    /// <param name="bGradient">Accumulates ∂loss/∂b, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Subtract))]
    public static void SubtractPullback(Tensor a, Tensor b, Tensor result, Tensor resultGradient, Tensor? aGradient, Tensor? bGradient)
    {
        if (aGradient is not null)
        {
            TensorPrimitives.Add(aGradient.ReadOnlySpan, resultGradient.ReadOnlySpan, aGradient.Span);
        }

        if (bGradient is not null)
        {
            TensorPrimitives.Subtract(bGradient.ReadOnlySpan, resultGradient.ReadOnlySpan, bGradient.Span);
        }
    }

    /// <summary>
    /// Columns <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> − 1 of a [rows, n]
    /// tensor, as a [rows, count] tensor (a copy): one gate of fused recurrent weights, or the hidden half of a state.
    /// </summary>
    /// <param name="x">The [rows, n] input.</param>
    /// <param name="start">The first column.</param>
    /// <param name="count">The number of columns.</param>
    /// <returns>The [rows, count] columns.</returns>
    /// <exception cref="ArgumentException">The columns are outside <paramref name="x"/> (the message names the shape).</exception>
    public static Tensor Columns(Tensor x, int start, int count)
    {
        if (x.Rank != 2 || start < 0 || count <= 0 || start + count > x.Dim(1))
        {
            throw new ArgumentException($"Columns: cannot take columns {start}..{start + count - 1} of {x.Shape}; expected a [rows, n] tensor with n ≥ {start + count}.");
        }

        int rows = x.Dim(0), columns = x.Dim(1);
        Tensor result = TensorArena.RentOrAllocate(new Shape(rows, count));
        ReadOnlySpan<float> source = x.ReadOnlySpan;
        Span<float> destination = result.Span;
        for (int r = 0; r < rows; r++)
        {
            source.Slice(r * columns + start, count).CopyTo(destination.Slice(r * count, count));
        }

        return result;
    }

    /// <summary>Pullback of <see cref="Columns"/>: the gradient goes back into those columns.</summary>
    /// <param name="x">The input.</param>
    /// <param name="start">The first column.</param>
    /// <param name="count">The number of columns.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Columns))]
    public static void ColumnsPullback(Tensor x, int start, int count, Tensor result, Tensor resultGradient, Tensor? xGradient)
    {
        if (xGradient is null)
        {
            return;
        }

        int rows = x.Dim(0), columns = x.Dim(1);
        ReadOnlySpan<float> dy = resultGradient.ReadOnlySpan;
        Span<float> dx = xGradient.Span;
        for (int r = 0; r < rows; r++)
        {
            Span<float> slice = dx.Slice(r * columns + start, count);
            TensorPrimitives.Add(slice, dy.Slice(r * count, count), slice);
        }
    }

    /// <summary>Places two tensors with the same number of rows side by side: [rows, a] and [rows, b] give [rows, a + b].</summary>
    /// <param name="left">The [rows, a] left part.</param>
    /// <param name="right">The [rows, b] right part.</param>
    /// <returns>The [rows, a + b] concatenation.</returns>
    /// <exception cref="ArgumentException">The row counts differ (the message names both shapes).</exception>
    public static Tensor ConcatColumns(Tensor left, Tensor right)
    {
        if (left.Rank != 2 || right.Rank != 2 || left.Dim(0) != right.Dim(0))
        {
            throw new ArgumentException($"ConcatColumns: cannot place {left.Shape} and {right.Shape} side by side; expected [rows, a] and [rows, b].");
        }

        int rows = left.Dim(0), a = left.Dim(1), b = right.Dim(1);
        Tensor result = TensorArena.RentOrAllocate(new Shape(rows, a + b));
        Span<float> destination = result.Span;
        for (int r = 0; r < rows; r++)
        {
            left.ReadOnlySpan.Slice(r * a, a).CopyTo(destination.Slice(r * (a + b), a));
            right.ReadOnlySpan.Slice(r * b, b).CopyTo(destination.Slice(r * (a + b) + a, b));
        }

        return result;
    }

    /// <summary>Pullback of <see cref="ConcatColumns"/>: each part receives its columns of ∂r.</summary>
    /// <param name="left">The left part.</param>
    /// <param name="right">The right part.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="leftGradient">Accumulates ∂loss/∂left, or null.</param>
    /// <param name="rightGradient">Accumulates ∂loss/∂right, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(ConcatColumns))]
    public static void ConcatColumnsPullback(Tensor left, Tensor right, Tensor result, Tensor resultGradient, Tensor? leftGradient, Tensor? rightGradient)
    {
        int rows = left.Dim(0), a = left.Dim(1), b = right.Dim(1);
        ReadOnlySpan<float> dy = resultGradient.ReadOnlySpan;
        for (int r = 0; r < rows; r++)
        {
            if (leftGradient is not null)
            {
                Span<float> slice = leftGradient.Span.Slice(r * a, a);
                TensorPrimitives.Add(slice, dy.Slice(r * (a + b), a), slice);
            }

            if (rightGradient is not null)
            {
                Span<float> slice = rightGradient.Span.Slice(r * b, b);
                TensorPrimitives.Add(slice, dy.Slice(r * (a + b) + a, b), slice);
            }
        }
    }

    /// <summary>
    /// Training-mode batch normalisation of an [N, F] input (as <see cref="BatchNorm"/>) that also updates the running
    /// statistics used in inference: <c>running ← (1 − momentum) · running + momentum · batch</c>, with the unbiased
    /// batch variance, as PyTorch does.
    /// </summary>
    /// <param name="x">The [N, F] input.</param>
    /// <param name="gamma">The [F] scale.</param>
    /// <param name="beta">The [F] shift.</param>
    /// <param name="runningMean">The [F] running mean, updated (not a parameter: no gradient).</param>
    /// <param name="runningVariance">The [F] running variance, updated (not a parameter: no gradient).</param>
    /// <param name="momentum">The weight of this batch in the running statistics (PyTorch's default is 0.1).</param>
    /// <returns>The normalised tensor.</returns>
    public static Tensor BatchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance, float momentum)
    {
        RequireBatchNormShapes("BatchNormTraining", x, gamma, beta, runningMean, runningVariance);
        int features = x.Dim(1);
        Tensor result = TensorArena.RentOrAllocate(x.Shape);
        Tensor saved = TensorArena.RentOrAllocate(new Shape(2, features));
        Span<float> stats = saved.Span;
        Kernels.BatchNorm.ForwardTraining<float>(
            x.ReadOnlySpan, x.Dim(0), features, 1, gamma.ReadOnlySpan, beta.ReadOnlySpan, 1e-5f, momentum,
            runningMean.Span, runningVariance.Span, stats.Slice(0, features), stats.Slice(features, features), result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="BatchNormTraining"/>: the batch-statistics pullback of <see cref="BatchNorm"/>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="gamma">The scale.</param>
    /// <param name="beta">The shift.</param>
    /// <param name="runningMean">The running mean (no gradient).</param>
    /// <param name="runningVariance">The running variance (no gradient).</param>
    /// <param name="momentum">The momentum.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    /// <param name="gammaGradient">Accumulates ∂loss/∂gamma, or null.</param>
    /// <param name="betaGradient">Accumulates ∂loss/∂beta, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(BatchNormTraining))]
    public static void BatchNormTrainingPullback(Tensor x, Tensor gamma, Tensor beta, [NoDerivative] Tensor runningMean, [NoDerivative] Tensor runningVariance, float momentum,
        Tensor result, Tensor resultGradient, Tensor? xGradient, Tensor? gammaGradient, Tensor? betaGradient) =>
        BatchNormPullback(x, gamma, beta, result, resultGradient, xGradient, gammaGradient, betaGradient);

    /// <summary>
    /// Inference-mode batch normalisation of an [N, F] input with the running statistics:
    /// <c>y = γ (x − running mean) / √(running variance + ε) + β</c> (ε = 1e-5); an affine map of x.
    /// </summary>
    /// <param name="x">The [N, F] input.</param>
    /// <param name="gamma">The [F] scale.</param>
    /// <param name="beta">The [F] shift.</param>
    /// <param name="runningMean">The [F] running mean.</param>
    /// <param name="runningVariance">The [F] running variance.</param>
    /// <returns>The normalised tensor.</returns>
    public static Tensor BatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance)
    {
        RequireBatchNormShapes("BatchNormInference", x, gamma, beta, runningMean, runningVariance);
        Tensor result = TensorArena.RentOrAllocate(x.Shape);
        Kernels.BatchNorm.ForwardInference<float>(
            x.ReadOnlySpan, x.Dim(0), x.Dim(1), 1, gamma.ReadOnlySpan, beta.ReadOnlySpan, 1e-5f, runningMean.ReadOnlySpan, runningVariance.ReadOnlySpan, result.Span);
        return result;
    }

    /// <summary>
    /// Pullback of <see cref="BatchNormInference"/>, with s = 1/√(running variance + ε):
    /// ∂x += γ·s·∂r, ∂γ += Σ ∂r·(x − mean)·s, ∂β += Σ ∂r (sums over the batch).
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="gamma">The scale.</param>
    /// <param name="beta">The shift.</param>
    /// <param name="runningMean">The running mean (no gradient).</param>
    /// <param name="runningVariance">The running variance (no gradient).</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    /// <param name="gammaGradient">Accumulates ∂loss/∂gamma, or null.</param>
    /// <param name="betaGradient">Accumulates ∂loss/∂beta, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(BatchNormInference))]
    public static void BatchNormInferencePullback(Tensor x, Tensor gamma, Tensor beta, [NoDerivative] Tensor runningMean, [NoDerivative] Tensor runningVariance,
        Tensor result, Tensor resultGradient, Tensor? xGradient, Tensor? gammaGradient, Tensor? betaGradient)
    {
        int rows = x.Dim(0), features = x.Dim(1);
        ReadOnlySpan<float> dy = resultGradient.ReadOnlySpan, input = x.ReadOnlySpan, g = gamma.ReadOnlySpan, mean = runningMean.ReadOnlySpan, variance = runningVariance.ReadOnlySpan;
        for (int r = 0; r < rows; r++)
        {
            for (int f = 0; f < features; f++)
            {
                float s = 1f / MathF.Sqrt(variance[f] + 1e-5f);
                float d = dy[r * features + f];
                if (xGradient is not null)
                {
                    xGradient.Span[r * features + f] += g[f] * s * d;
                }

                if (gammaGradient is not null)
                {
                    gammaGradient.Span[f] += d * (input[r * features + f] - mean[f]) * s;
                }

                if (betaGradient is not null)
                {
                    betaGradient.Span[f] += d;
                }
            }
        }
    }

    private static void RequireBatchNormShapes(string operation, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance)
    {
        if (x.Rank != 2 || gamma.Rank != 1 || x.Dim(1) != gamma.Dim(0) || gamma.Shape != beta.Shape || gamma.Shape != runningMean.Shape || gamma.Shape != runningVariance.Shape)
        {
            throw new ArgumentException($"{operation}: input {x.Shape}, gamma {gamma.Shape}, beta {beta.Shape}, running mean {runningMean.Shape} and running variance {runningVariance.Shape} do not fit; expected [N, F] and four [F].");
        }
    }

    /// <summary>
    /// Inverted dropout: each element is kept with probability 1 − <paramref name="rate"/> and scaled by
    /// 1/(1 − rate), or set to 0; which ones is a function of <paramref name="seed"/> and the element's index only, so
    /// a run is reproducible. Use a new seed every training step.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="rate">The probability of dropping an element, in [0, 1).</param>
    /// <param name="seed">The seed of this step's mask.</param>
    /// <returns>The input with dropped elements zeroed and kept ones scaled.</returns>
    public static Tensor Dropout(Tensor x, float rate, ulong seed)
    {
        Tensor result = TensorArena.RentOrAllocate(x.Shape);
        Tensor mask = TensorArena.RentOrAllocate(x.Shape);
        Kernels.Dropout.Forward<float>(x.ReadOnlySpan, rate, seed, mask.Span, result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="Dropout"/>: ∂x += mask ⊙ ∂r, with the mask regenerated from the seed.</summary>
    /// <param name="x">The input.</param>
    /// <param name="rate">The drop probability.</param>
    /// <param name="seed">The seed of the forward mask.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Dropout))]
    public static void DropoutPullback(Tensor x, float rate, ulong seed, Tensor result, Tensor resultGradient, Tensor? xGradient)
    {
        if (xGradient is null)
        {
            return;
        }

        Tensor mask = TensorArena.RentOrAllocate(x.Shape);
        Tensor scratch = TensorArena.RentOrAllocate(x.Shape);
        Kernels.Dropout.Forward<float>(x.ReadOnlySpan, rate, seed, mask.Span, scratch.Span);
        TensorPrimitives.MultiplyAdd(resultGradient.ReadOnlySpan, mask.ReadOnlySpan, xGradient.ReadOnlySpan, xGradient.Span);
    }
}
