using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiff.Kernels;

/// <summary>
/// Batch normalisation per channel over NCHW input (or N × C input with <c>spatial = 1</c>): statistics are taken
/// over the N·H·W values of each channel. Layout: element (n, c, p) lies at <c>(n·C + c)·spatial + p</c>.
/// </summary>
public static class BatchNorm
{
    /// <summary>
    /// Training forward: per channel, <c>μ = mean</c>, <c>σ² = biased variance</c>,
    /// <c>y = γ (x − μ) / √(σ² + ε) + β</c>; updates the running statistics as
    /// <c>running ← (1 − momentum) · running + momentum · batch</c> (the running variance uses the unbiased
    /// estimate, as PyTorch does), and saves μ and 1/√(σ² + ε) for the backward pass.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input, N·C·spatial.</param>
    /// <param name="batch">N.</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W (1 for fully connected input).</param>
    /// <param name="gamma">The scale, C values.</param>
    /// <param name="beta">The shift, C values.</param>
    /// <param name="epsilon">Added to the variance (e.g. 1e-5).</param>
    /// <param name="momentum">The weight of the batch in the running averages (e.g. 0.1).</param>
    /// <param name="runningMean">C values, updated.</param>
    /// <param name="runningVariance">C values, updated.</param>
    /// <param name="savedMean">C values, written: the batch mean.</param>
    /// <param name="savedInverseStd">C values, written: 1/√(σ² + ε).</param>
    /// <param name="y">The output, N·C·spatial.</param>
    public static void ForwardTraining<T>(ReadOnlySpan<T> x, int batch, int channels, int spatial,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, T epsilon, T momentum,
        Span<T> runningMean, Span<T> runningVariance, Span<T> savedMean, Span<T> savedInverseStd, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "BatchNorm.ForwardTraining";
        Check(Op, x.Length, batch, channels, spatial, y.Length, gamma, beta);
        ThrowHelper.RequireLength(Op, channels, runningMean.Length, nameof(runningMean));
        ThrowHelper.RequireLength(Op, channels, runningVariance.Length, nameof(runningVariance));
        ThrowHelper.RequireLength(Op, channels, savedMean.Length, nameof(savedMean));
        ThrowHelper.RequireLength(Op, channels, savedInverseStd.Length, nameof(savedInverseStd));
        int count = batch * spatial;
        if (count == 0)
        {
            ThrowHelper.ShapeMismatch(Op, "batch normalisation needs at least one value per channel");
        }

        T invCount = T.One / T.CreateTruncating(count);
        for (int c = 0; c < channels; c++)
        {
            T sum = T.Zero;
            for (int n = 0; n < batch; n++)
            {
                sum += TensorPrimitives.Sum(x.Slice((n * channels + c) * spatial, spatial));
            }

            T mean = sum * invCount;
            // Two-pass variance: Σ (x − μ)² does not cancel catastrophically the way Σ x² − n μ² does.
            T squares = T.Zero;
            for (int n = 0; n < batch; n++)
            {
                ReadOnlySpan<T> block = x.Slice((n * channels + c) * spatial, spatial);
                for (int p = 0; p < block.Length; p++)
                {
                    T d = block[p] - mean;
                    squares += d * d;
                }
            }

            T variance = squares * invCount;
            T inverseStd = T.One / T.Sqrt(variance + epsilon);
            savedMean[c] = mean;
            savedInverseStd[c] = inverseStd;
            T unbiased = count > 1 ? squares / T.CreateTruncating(count - 1) : variance;
            runningMean[c] = (T.One - momentum) * runningMean[c] + momentum * mean;
            runningVariance[c] = (T.One - momentum) * runningVariance[c] + momentum * unbiased;
            ApplyAffine(x, y, batch, channels, spatial, c, gamma[c] * inverseStd, beta[c] - gamma[c] * inverseStd * mean);
        }

    }

    /// <summary>Inference forward: <c>y = γ (x − running mean) / √(running variance + ε) + β</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="batch">N.</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="gamma">The scale.</param>
    /// <param name="beta">The shift.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="runningMean">The running mean.</param>
    /// <param name="runningVariance">The running variance.</param>
    /// <param name="y">The output.</param>
    public static void ForwardInference<T>(ReadOnlySpan<T> x, int batch, int channels, int spatial,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, T epsilon, ReadOnlySpan<T> runningMean, ReadOnlySpan<T> runningVariance, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "BatchNorm.ForwardInference";
        Check(Op, x.Length, batch, channels, spatial, y.Length, gamma, beta);
        ThrowHelper.RequireLength(Op, channels, runningMean.Length, nameof(runningMean));
        ThrowHelper.RequireLength(Op, channels, runningVariance.Length, nameof(runningVariance));
        for (int c = 0; c < channels; c++)
        {
            T scale = gamma[c] / T.Sqrt(runningVariance[c] + epsilon);
            ApplyAffine(x, y, batch, channels, spatial, c, scale, beta[c] - scale * runningMean[c]);
        }
    }

    /// <summary>
    /// Training backward, with x̂ = (x − μ)·invstd and M = N·spatial:
    /// <c>dβ = Σ dy</c>, <c>dγ = Σ dy · x̂</c>, <c>dx = γ · invstd / M · (M·dy − dβ − x̂ · dγ)</c>.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The forward input.</param>
    /// <param name="dy">The upstream gradient.</param>
    /// <param name="batch">N.</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="gamma">The scale.</param>
    /// <param name="savedMean">The batch mean saved by <see cref="ForwardTraining{T}"/>.</param>
    /// <param name="savedInverseStd">The inverse standard deviation saved by <see cref="ForwardTraining{T}"/>.</param>
    /// <param name="dx">The gradient with respect to x, overwritten.</param>
    /// <param name="dgamma">The gradient with respect to γ, overwritten.</param>
    /// <param name="dbeta">The gradient with respect to β, overwritten.</param>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int batch, int channels, int spatial,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> savedMean, ReadOnlySpan<T> savedInverseStd,
        Span<T> dx, Span<T> dgamma, Span<T> dbeta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "BatchNorm.Backward";
        Check(Op, x.Length, batch, channels, spatial, dx.Length, gamma, gamma);
        ThrowHelper.RequireLength(Op, x.Length, dy.Length, nameof(dy));
        ThrowHelper.RequireLength(Op, channels, savedMean.Length, nameof(savedMean));
        ThrowHelper.RequireLength(Op, channels, savedInverseStd.Length, nameof(savedInverseStd));
        ThrowHelper.RequireLength(Op, channels, dgamma.Length, nameof(dgamma));
        ThrowHelper.RequireLength(Op, channels, dbeta.Length, nameof(dbeta));
        T count = T.CreateTruncating(batch * spatial);
        for (int c = 0; c < channels; c++)
        {
            T mean = savedMean[c], invStd = savedInverseStd[c];
            T sumDy = T.Zero, sumDyXhat = T.Zero;
            for (int n = 0; n < batch; n++)
            {
                int offset = (n * channels + c) * spatial;
                ReadOnlySpan<T> xs = x.Slice(offset, spatial), gs = dy.Slice(offset, spatial);
                sumDy += TensorPrimitives.Sum(gs);
                // Σ dy·(x − μ)·invstd = invstd·(Σ dy·x − μ Σ dy)
                sumDyXhat += TensorPrimitives.Dot(gs, xs);
            }

            sumDyXhat = invStd * (sumDyXhat - mean * sumDy);
            dbeta[c] = sumDy;
            dgamma[c] = sumDyXhat;
            // dx = k·dy + a·x + b with k = γ·invstd, a = −k·invstd·dγ/M, b = −k·dβ/M − a·μ
            T k = gamma[c] * invStd;
            T a = -k * invStd * sumDyXhat / count;
            T b = -k * sumDy / count - a * mean;
            for (int n = 0; n < batch; n++)
            {
                int offset = (n * channels + c) * spatial;
                ReadOnlySpan<T> xs = x.Slice(offset, spatial), gs = dy.Slice(offset, spatial);
                Span<T> d = dx.Slice(offset, spatial);
                TensorPrimitives.Multiply(xs, a, d);
                TensorPrimitives.Add(d, b, d);
                TensorPrimitives.MultiplyAdd(gs, k, d, d);
            }
        }
    }

    private static void ApplyAffine<T>(ReadOnlySpan<T> x, Span<T> y, int batch, int channels, int spatial, int c, T scale, T shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 0; n < batch; n++)
        {
            int offset = (n * channels + c) * spatial;
            Span<T> dst = y.Slice(offset, spatial);
            TensorPrimitives.Multiply(x.Slice(offset, spatial), scale, dst);
            TensorPrimitives.Add(dst, shift, dst);
        }
    }

    private static void Check<T>(string operation, int length, int batch, int channels, int spatial, int outputLength, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta)
    {
        if (batch < 0 || channels <= 0 || spatial <= 0)
        {
            ThrowHelper.ShapeMismatch(operation, $"invalid sizes N={batch}, C={channels}, spatial={spatial}");
        }

        int required = batch * channels * spatial;
        ThrowHelper.RequireLength(operation, required, length, "x");
        if (outputLength < required)
        {
            ThrowHelper.DestinationTooShort(operation, required, outputLength);
        }

        ThrowHelper.RequireLength(operation, channels, gamma.Length, "gamma");
        ThrowHelper.RequireLength(operation, channels, beta.Length, "beta");
    }
}
