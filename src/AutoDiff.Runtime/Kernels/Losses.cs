using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiff.Kernels;

/// <summary>
/// Loss functions that return the mean loss over the batch and write its gradient with respect to the predictions
/// in the same pass (the gradient already includes the 1/batch factor of the mean).
/// </summary>
public static class Losses
{
    /// <summary>
    /// Softmax cross-entropy over integer class labels, computed stably through log-sum-exp:
    /// <c>loss = (1/rows) Σᵣ (log Σⱼ e^{z[r,j]} − z[r, label[r]])</c>, and
    /// <c>gradient[r, j] = (softmax(z)[r, j] − [j = label[r]]) / rows</c>.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="logits">The logits, rows × <paramref name="classes"/>.</param>
    /// <param name="labels">One class index per row.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="gradient">The gradient with respect to the logits, same length; may be <paramref name="logits"/>.</param>
    /// <returns>The mean loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, classes).</exception>
    public static T SoftmaxCrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = Activations.CheckRows("SoftmaxCrossEntropy", logits.Length, classes, gradient.Length);
        ThrowHelper.RequireSameLength("SoftmaxCrossEntropy", rows, labels.Length, nameof(labels));
        T total = T.Zero, invRows = T.One / T.CreateTruncating(Math.Max(1, rows));
        for (int r = 0; r < rows; r++)
        {
            int label = labels[r];
            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"SoftmaxCrossEntropy: label {label} of row {r} is outside [0, {classes}).");
            }

            ReadOnlySpan<T> z = logits.Slice(r * classes, classes);
            Span<T> g = gradient.Slice(r * classes, classes);
            T max = TensorPrimitives.Max(z);
            T target = z[label];
            TensorPrimitives.Subtract(z, max, g);        // g = z − max (≤ 0: exp cannot overflow)
            TensorPrimitives.Exp(g, g);
            T sum = TensorPrimitives.Sum<T>(g);
            total += T.Log(sum) + max - target;           // log Σ e^z − z_label
            TensorPrimitives.Multiply(g, invRows / sum, g);
            g[label] -= invRows;
        }

        return total * invRows;
    }

    /// <summary>
    /// Mean squared error: <c>loss = (1/n) Σ (p − t)²</c> and <c>gradient = 2 (p − t) / n</c>.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="predictions">The predictions.</param>
    /// <param name="targets">The targets, same length.</param>
    /// <param name="gradient">The gradient with respect to the predictions; may be <paramref name="predictions"/>.</param>
    /// <returns>The mean loss.</returns>
    public static T MeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowHelper.RequireSameLength("MeanSquaredError", predictions.Length, targets.Length, nameof(targets));
        if (gradient.Length < predictions.Length)
        {
            ThrowHelper.DestinationTooShort("MeanSquaredError", predictions.Length, gradient.Length);
        }

        int n = predictions.Length;
        if (n == 0)
        {
            return T.Zero;
        }

        Span<T> g = gradient[..n];
        TensorPrimitives.Subtract(predictions, targets, g);
        T loss = TensorPrimitives.SumOfSquares<T>(g) / T.CreateTruncating(n);
        TensorPrimitives.Multiply(g, T.CreateTruncating(2.0 / n), g);
        return loss;
    }

    /// <summary>
    /// Binary cross-entropy on logits, stable for any logit:
    /// <c>loss = (1/n) Σ (max(z, 0) − z·t + log(1 + e^{−|z|}))</c> and <c>gradient = (σ(z) − t) / n</c>.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">The targets in [0, 1], same length.</param>
    /// <param name="gradient">The gradient with respect to the logits; may be <paramref name="logits"/>.</param>
    /// <returns>The mean loss.</returns>
    public static T BinaryCrossEntropyWithLogits<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowHelper.RequireSameLength("BinaryCrossEntropyWithLogits", logits.Length, targets.Length, nameof(targets));
        if (gradient.Length < logits.Length)
        {
            ThrowHelper.DestinationTooShort("BinaryCrossEntropyWithLogits", logits.Length, gradient.Length);
        }

        int n = logits.Length;
        if (n == 0)
        {
            return T.Zero;
        }

        T total = T.Zero, invN = T.One / T.CreateTruncating(n);
        for (int i = 0; i < n; i++)
        {
            T z = logits[i], t = targets[i];
            total += T.Max(z, T.Zero) - z * t + T.LogP1(T.Exp(-T.Abs(z)));
            // σ(z) written so that exp never overflows: for z < 0, σ(z) = eᶻ / (1 + eᶻ).
            T e = T.Exp(-T.Abs(z));
            T sigmoid = z >= T.Zero ? T.One / (T.One + e) : e / (T.One + e);
            gradient[i] = (sigmoid - t) * invN;
        }

        return total * invN;
    }
}
