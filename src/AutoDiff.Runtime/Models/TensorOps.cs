using System.Numerics.Tensors;
using AutoDiff.CompilerServices;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>
/// Tensor operations for <see cref="DifferentiableAttribute"/> model code. Each is a primitive whose derivative is
/// registered with <see cref="DerivativeOfAttribute"/> as a pullback — exactly as a user registers one — and each
/// takes its result from the running gradient's workspace, so a training step allocates nothing.
/// </summary>
/// <remarks>
/// Pullback form: for <c>R F(p1, …, pn)</c> with tensor inputs or result, the derivative is
/// <c>static void FPullback(p1, …, pn, R result, R resultGradient, Tensor? g1, …)</c> with one gradient per tensor
/// parameter, to which it ADDS ∂loss/∂pᵢ given ∂loss/∂result (a null gradient is not wanted).
/// </remarks>
public static partial class TensorOps
{
    /// <summary>The matrix product <c>a · b</c> of a [m, k] and a [k, n] tensor.</summary>
    /// <param name="a">The left matrix, [m, k].</param>
    /// <param name="b">The right matrix, [k, n].</param>
    /// <returns>The [m, n] product.</returns>
    /// <exception cref="ArgumentException">The inner dimensions differ (the message names both shapes).</exception>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        if (a.Rank != 2 || b.Rank != 2 || a.Dim(1) != b.Dim(0))
        {
            throw new ArgumentException($"MatMul: cannot multiply {a.Shape} by {b.Shape}; expected [m, k] and [k, n].");
        }

        Tensor result = TensorArena.RentOrAllocate(new Shape(a.Dim(0), b.Dim(1)));
        Gemm.Multiply(a, b, result);
        return result;
    }

    /// <summary>Pullback of <see cref="MatMul"/>: ∂a += ∂r · bᵀ, ∂b += aᵀ · ∂r.</summary>
    /// <param name="a">The left input.</param>
    /// <param name="b">The right input.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="aGradient">Accumulates ∂loss/∂a, or null.</param>
    /// <param name="bGradient">Accumulates ∂loss/∂b, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(MatMul))]
    public static void MatMulPullback(Tensor a, Tensor b, Tensor result, Tensor resultGradient, Tensor? aGradient, Tensor? bGradient)
    {
        // A gradient that holds pending zeros is written (β = 0) rather than cleared and added to.
        if (aGradient is not null)
        {
            Gemm.Multiply(resultGradient, b, aGradient, Transpose.None, Transpose.Transposed, 1f, aGradient.TryBeginOverwrite() ? 0f : 1f);
        }

        if (bGradient is not null)
        {
            Gemm.Multiply(a, resultGradient, bGradient, Transpose.Transposed, Transpose.None, 1f, bGradient.TryBeginOverwrite() ? 0f : 1f);
        }
    }

    /// <summary>The element-wise sum of two tensors of the same shape (a residual connection).</summary>
    /// <param name="a">The first tensor.</param>
    /// <param name="b">The second tensor, same shape.</param>
    /// <returns>a + b.</returns>
    public static Tensor Add(Tensor a, Tensor b)
    {
        a.RequireSameShape("Add", b);
        Tensor result = TensorArena.RentOrAllocate(a.Shape);
        TensorPrimitives.Add(a.ReadOnlySpan, b.ReadOnlySpan, result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="Add"/>: both inputs receive ∂r.</summary>
    /// <param name="a">The first input.</param>
    /// <param name="b">The second input.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="aGradient">Accumulates ∂loss/∂a, or null.</param>
    /// <param name="bGradient">Accumulates ∂loss/∂b, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Add))]
    public static void AddPullback(Tensor a, Tensor b, Tensor result, Tensor resultGradient, Tensor? aGradient, Tensor? bGradient)
    {
        if (aGradient is not null)
        {
            AddInto(aGradient, resultGradient);
        }

        if (bGradient is not null)
        {
            AddInto(bGradient, resultGradient);
        }
    }

    /// <summary>
    /// Batch normalisation of an [N, F] input with the batch's statistics (training mode): each feature is shifted to
    /// mean 0 and scaled to variance 1 over the batch, then scaled by <paramref name="gamma"/> and shifted by
    /// <paramref name="beta"/> (ε = 1e-5).
    /// </summary>
    /// <param name="x">The [N, F] input.</param>
    /// <param name="gamma">The [F] scale.</param>
    /// <param name="beta">The [F] shift.</param>
    /// <returns>The normalised tensor.</returns>
    public static Tensor BatchNorm(Tensor x, Tensor gamma, Tensor beta)
    {
        if (x.Rank != 2 || gamma.Rank != 1 || beta.Rank != 1 || x.Dim(1) != gamma.Dim(0) || gamma.Shape != beta.Shape)
        {
            throw new ArgumentException($"BatchNorm: input {x.Shape}, gamma {gamma.Shape} and beta {beta.Shape} do not fit; expected [N, F], [F] and [F].");
        }

        Tensor result = TensorArena.RentOrAllocate(x.Shape);
        Tensor statistics = TensorArena.RentOrAllocate(new Shape(4, x.Dim(1)));
        BatchNormStatistics(x, gamma, beta, statistics, result);
        return result;
    }

    /// <summary>Pullback of <see cref="BatchNorm"/> (through the batch statistics).</summary>
    /// <param name="x">The input.</param>
    /// <param name="gamma">The scale.</param>
    /// <param name="beta">The shift.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    /// <param name="gammaGradient">Accumulates ∂loss/∂gamma, or null.</param>
    /// <param name="betaGradient">Accumulates ∂loss/∂beta, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(BatchNorm))]
    public static void BatchNormPullback(Tensor x, Tensor gamma, Tensor beta, Tensor result, Tensor resultGradient, Tensor? xGradient, Tensor? gammaGradient, Tensor? betaGradient)
    {
        int features = x.Dim(1);
        Tensor statistics = TensorArena.RentOrAllocate(new Shape(4, features));
        Tensor scratch = TensorArena.RentOrAllocate(x.Shape);
        BatchNormStatistics(x, gamma, beta, statistics, scratch);
        Tensor dx = TensorArena.RentOrAllocate(x.Shape);
        Tensor dgamma = TensorArena.RentOrAllocate(gamma.Shape);
        Tensor dbeta = TensorArena.RentOrAllocate(beta.Shape);
        Span<float> stats = statistics.Span;
        Kernels.BatchNorm.Backward<float>(
            x.ReadOnlySpan, resultGradient.ReadOnlySpan, x.Dim(0), features, 1, gamma.ReadOnlySpan,
            stats.Slice(2 * features, features), stats.Slice(3 * features, features), dx.Span, dgamma.Span, dbeta.Span);
        if (xGradient is not null)
        {
            TensorPrimitives.Add(xGradient.ReadOnlySpan, dx.ReadOnlySpan, xGradient.Span);
        }

        if (gammaGradient is not null)
        {
            TensorPrimitives.Add(gammaGradient.ReadOnlySpan, dgamma.ReadOnlySpan, gammaGradient.Span);
        }

        if (betaGradient is not null)
        {
            TensorPrimitives.Add(betaGradient.ReadOnlySpan, dbeta.ReadOnlySpan, betaGradient.Span);
        }
    }

    /// <summary>Runs the training-mode forward; statistics rows: running mean, running variance, batch mean, inverse std.</summary>
    private static void BatchNormStatistics(Tensor x, Tensor gamma, Tensor beta, Tensor statistics, Tensor result)
    {
        int features = x.Dim(1);
        Span<float> stats = statistics.Span;
        stats.Slice(0, features).Clear();
        stats.Slice(features, features).Fill(1f);
        Kernels.BatchNorm.ForwardTraining<float>(
            x.ReadOnlySpan, x.Dim(0), features, 1, gamma.ReadOnlySpan, beta.ReadOnlySpan, 1e-5f, 0f,
            stats.Slice(0, features), stats.Slice(features, features), stats.Slice(2 * features, features), stats.Slice(3 * features, features), result.Span);
    }

    /// <summary>The element-wise (Hadamard) product of two tensors of the same shape, as in an LSTM's gates.</summary>
    /// <param name="a">The first tensor.</param>
    /// <param name="b">The second tensor, same shape.</param>
    /// <returns>a ⊙ b.</returns>
    public static Tensor Multiply(Tensor a, Tensor b)
    {
        a.RequireSameShape("Multiply", b);
        Tensor result = TensorArena.RentOrAllocate(a.Shape);
        TensorPrimitives.Multiply(a.ReadOnlySpan, b.ReadOnlySpan, result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="Multiply"/>: ∂a += ∂r ⊙ b, ∂b += ∂r ⊙ a.</summary>
    /// <param name="a">The first input.</param>
    /// <param name="b">The second input.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="aGradient">Accumulates ∂loss/∂a, or null.</param>
    /// <param name="bGradient">Accumulates ∂loss/∂b, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Multiply))]
    public static void MultiplyPullback(Tensor a, Tensor b, Tensor result, Tensor resultGradient, Tensor? aGradient, Tensor? bGradient)
    {
        if (aGradient is not null)
        {
            if (aGradient.TryBeginOverwrite())
            {
                TensorPrimitives.Multiply(resultGradient.ReadOnlySpan, b.ReadOnlySpan, aGradient.Span);
            }
            else
            {
                TensorPrimitives.MultiplyAdd(resultGradient.ReadOnlySpan, b.ReadOnlySpan, aGradient.ReadOnlySpan, aGradient.Span);
            }
        }

        if (bGradient is not null)
        {
            if (bGradient.TryBeginOverwrite())
            {
                TensorPrimitives.Multiply(resultGradient.ReadOnlySpan, a.ReadOnlySpan, bGradient.Span);
            }
            else
            {
                TensorPrimitives.MultiplyAdd(resultGradient.ReadOnlySpan, a.ReadOnlySpan, bGradient.ReadOnlySpan, bGradient.Span);
            }
        }
    }

    /// <summary>One time step of a [time, batch, features] sequence, as a [batch, features] tensor (a copy).</summary>
    /// <param name="sequence">The sequence.</param>
    /// <param name="step">The time step.</param>
    /// <returns>The step's [batch, features] values.</returns>
    public static Tensor TimeStep(Tensor sequence, int step)
    {
        if (sequence.Rank != 3 || step < 0 || step >= sequence.Dim(0))
        {
            throw new ArgumentException($"TimeStep: cannot take step {step} of a sequence of shape {sequence.Shape}; expected [time, batch, features].");
        }

        int size = sequence.Dim(1) * sequence.Dim(2);
        Tensor result = TensorArena.RentOrAllocate(new Shape(sequence.Dim(1), sequence.Dim(2)));
        sequence.ReadOnlySpan.Slice(step * size, size).CopyTo(result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="TimeStep"/>: the gradient goes back into that step's slice.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <param name="step">The time step.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="sequenceGradient">Accumulates ∂loss/∂sequence, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(TimeStep))]
    public static void TimeStepPullback(Tensor sequence, int step, Tensor result, Tensor resultGradient, Tensor? sequenceGradient)
    {
        if (sequenceGradient is not null)
        {
            int size = sequence.Dim(1) * sequence.Dim(2);
            Span<float> slice = sequenceGradient.Span.Slice(step * size, size);
            TensorPrimitives.Add(slice, resultGradient.ReadOnlySpan, slice);
        }
    }

    /// <summary>Adds a bias vector to every row: <c>x[r, j] + bias[j]</c>.</summary>
    /// <param name="x">The [rows, n] input.</param>
    /// <param name="bias">The [n] bias.</param>
    /// <returns>The sum, shaped like <paramref name="x"/>.</returns>
    public static Tensor AddBias(Tensor x, Tensor bias)
    {
        if (x.Rank != 2 || bias.Rank != 1 || x.Dim(1) != bias.Dim(0))
        {
            throw new ArgumentException($"AddBias: cannot add a bias of shape {bias.Shape} to {x.Shape}; expected [rows, n] and [n].");
        }

        Tensor result = TensorArena.RentOrAllocate(x.Shape);
        Elementwise.AddBias<float>(x.ReadOnlySpan, bias.ReadOnlySpan, result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="AddBias"/>: ∂x += ∂r, ∂bias += column sums of ∂r.</summary>
    /// <param name="x">The input.</param>
    /// <param name="bias">The bias.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    /// <param name="biasGradient">Accumulates ∂loss/∂bias, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(AddBias))]
    public static void AddBiasPullback(Tensor x, Tensor bias, Tensor result, Tensor resultGradient, Tensor? xGradient, Tensor? biasGradient)
    {
        if (xGradient is not null)
        {
            AddInto(xGradient, resultGradient);
        }

        if (biasGradient is not null)
        {
            int columns = bias.Length;
            ReadOnlySpan<float> dy = resultGradient.ReadOnlySpan;
            for (int r = 0; r < dy.Length / columns; r++)
            {
                TensorPrimitives.Add(biasGradient.ReadOnlySpan, dy.Slice(r * columns, columns), biasGradient.Span);
            }
        }
    }

    /// <summary>max(x, 0) element-wise.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The result.</returns>
    public static Tensor Relu(Tensor x)
    {
        Tensor result = TensorArena.RentOrAllocate(x.Shape);
        Activations.Relu<float>(x.ReadOnlySpan, result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="Relu"/>: ∂x += ∂r where x &gt; 0.</summary>
    /// <param name="x">The input.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Relu))]
    public static void ReluPullback(Tensor x, Tensor result, Tensor resultGradient, Tensor? xGradient)
    {
        if (xGradient is null)
        {
            return;
        }

        if (xGradient.TryBeginOverwrite())
        {
            Activations.ReluBackward<float>(x.ReadOnlySpan, resultGradient.ReadOnlySpan, xGradient.Span);
            return;
        }

        // ∂x += x > 0 ? ∂r : 0, in one vectorised pass (no scratch tensor).
        ReadOnlySpan<float> input = x.ReadOnlySpan, dy = resultGradient.ReadOnlySpan;
        Span<float> dx = xGradient.Span;
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            int width = System.Numerics.Vector<float>.Count;
            for (; i <= dx.Length - width; i += width)
            {
                var positive = System.Numerics.Vector.GreaterThan(new System.Numerics.Vector<float>(input.Slice(i)), System.Numerics.Vector<float>.Zero);
                var update = System.Numerics.Vector.ConditionalSelect(positive, new System.Numerics.Vector<float>(dy.Slice(i)), System.Numerics.Vector<float>.Zero);
                (new System.Numerics.Vector<float>(dx.Slice(i)) + update).CopyTo(dx.Slice(i));
            }
        }

        for (; i < dx.Length; i++)
        {
            if (input[i] > 0)
            {
                dx[i] += dy[i];
            }
        }
    }

    /// <summary>The logistic function 1 / (1 + e⁻ˣ) element-wise.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The result.</returns>
    public static Tensor Sigmoid(Tensor x)
    {
        Tensor result = TensorArena.RentOrAllocate(x.Shape);
        Activations.Sigmoid<float>(x.ReadOnlySpan, result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="Sigmoid"/>: ∂x += ∂r · y (1 - y).</summary>
    /// <param name="x">The input.</param>
    /// <param name="result">The forward result y.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Sigmoid))]
    public static void SigmoidPullback(Tensor x, Tensor result, Tensor resultGradient, Tensor? xGradient)
    {
        if (xGradient is null)
        {
            return;
        }

        Tensor target = GradientTarget(xGradient);
        Activations.SigmoidBackward<float>(result.ReadOnlySpan, resultGradient.ReadOnlySpan, target.Span);
        FinishGradient(xGradient, target);
    }

    /// <summary>tanh element-wise.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The result.</returns>
    public static Tensor Tanh(Tensor x)
    {
        Tensor result = TensorArena.RentOrAllocate(x.Shape);
        Activations.Tanh<float>(x.ReadOnlySpan, result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="Tanh"/>: ∂x += ∂r · (1 - y²).</summary>
    /// <param name="x">The input.</param>
    /// <param name="result">The forward result y.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Tanh))]
    public static void TanhPullback(Tensor x, Tensor result, Tensor resultGradient, Tensor? xGradient)
    {
        if (xGradient is null)
        {
            return;
        }

        Tensor target = GradientTarget(xGradient);
        Activations.TanhBackward<float>(result.ReadOnlySpan, resultGradient.ReadOnlySpan, target.Span);
        FinishGradient(xGradient, target);
    }

    /// <summary>Mean softmax cross-entropy of [rows, classes] logits against one integer label per row (numerically stable).</summary>
    /// <param name="logits">The [rows, classes] logits.</param>
    /// <param name="labels">One class index per row.</param>
    /// <returns>The mean loss.</returns>
    public static float SoftmaxCrossEntropy(Tensor logits, ReadOnlySpan<int> labels)
    {
        if (logits.Rank != 2 || logits.Dim(0) != labels.Length)
        {
            throw new ArgumentException($"SoftmaxCrossEntropy: logits of shape {logits.Shape} do not match {labels.Length} labels; expected [rows, classes] with one label per row.");
        }

        Tensor scratch = TensorArena.RentOrAllocate(logits.Shape);
        return Losses.SoftmaxCrossEntropy<float>(logits.ReadOnlySpan, labels, logits.Dim(1), scratch.Span);
    }

    /// <summary>Pullback of <see cref="SoftmaxCrossEntropy"/>: ∂logits += ∂r · (softmax(logits) - onehot(labels)) / rows.</summary>
    /// <param name="logits">The logits.</param>
    /// <param name="labels">The labels.</param>
    /// <param name="result">The forward loss.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="logitsGradient">Accumulates ∂loss/∂logits, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(SoftmaxCrossEntropy))]
    public static void SoftmaxCrossEntropyPullback(Tensor logits, ReadOnlySpan<int> labels, float result, float resultGradient, Tensor? logitsGradient)
    {
        if (logitsGradient is null)
        {
            return;
        }

        if (logitsGradient.TryBeginOverwrite())
        {
            Losses.SoftmaxCrossEntropy<float>(logits.ReadOnlySpan, labels, logits.Dim(1), logitsGradient.Span);
            TensorPrimitives.Multiply(logitsGradient.ReadOnlySpan, resultGradient, logitsGradient.Span);
            return;
        }

        Tensor scratch = TensorArena.RentOrAllocate(logits.Shape);
        Losses.SoftmaxCrossEntropy<float>(logits.ReadOnlySpan, labels, logits.Dim(1), scratch.Span);
        TensorPrimitives.MultiplyAdd(scratch.ReadOnlySpan, resultGradient, logitsGradient.ReadOnlySpan, logitsGradient.Span);
    }

    /// <summary>Mean squared error between two tensors of the same shape.</summary>
    /// <param name="prediction">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>mean((prediction - target)²).</returns>
    public static float MeanSquaredError(Tensor prediction, Tensor target)
    {
        prediction.RequireSameShape("MeanSquaredError", target);
        Tensor scratch = TensorArena.RentOrAllocate(prediction.Shape);
        return Losses.MeanSquaredError<float>(prediction.ReadOnlySpan, target.ReadOnlySpan, scratch.Span);
    }

    /// <summary>Pullback of <see cref="MeanSquaredError"/>: ∂p += ∂r · 2 (p - t) / n, ∂t -= the same.</summary>
    /// <param name="prediction">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <param name="result">The forward loss.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="predictionGradient">Accumulates ∂loss/∂prediction, or null.</param>
    /// <param name="targetGradient">Accumulates ∂loss/∂target, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(MeanSquaredError))]
    public static void MeanSquaredErrorPullback(Tensor prediction, Tensor target, float result, float resultGradient, Tensor? predictionGradient, Tensor? targetGradient)
    {
        Tensor scratch = TensorArena.RentOrAllocate(prediction.Shape);
        Losses.MeanSquaredError<float>(prediction.ReadOnlySpan, target.ReadOnlySpan, scratch.Span);
        if (predictionGradient is not null)
        {
            TensorPrimitives.MultiplyAdd(scratch.ReadOnlySpan, resultGradient, predictionGradient.ReadOnlySpan, predictionGradient.Span);
        }

        if (targetGradient is not null)
        {
            TensorPrimitives.MultiplyAdd(scratch.ReadOnlySpan, -resultGradient, targetGradient.ReadOnlySpan, targetGradient.Span);
        }
    }

    /// <summary>∂ += contribution, or ∂ = contribution when ∂ holds pending zeros.</summary>
    private static void AddInto(Tensor gradient, Tensor contribution)
    {
        if (gradient.TryBeginOverwrite())
        {
            contribution.ReadOnlySpan.CopyTo(gradient.Span);
        }
        else
        {
            TensorPrimitives.Add(gradient.ReadOnlySpan, contribution.ReadOnlySpan, gradient.Span);
        }
    }
}
