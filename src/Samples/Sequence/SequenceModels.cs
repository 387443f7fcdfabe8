namespace AutoDiff.Samples.Sequence;

/// <summary>A recurrent classifier over a [time, batch, 1] sequence, with the input gradient for the saliency plot.</summary>
public interface ISequenceClassifier
{
    /// <summary>The model's parameters for the optimizer.</summary>
    AutoDiff.Optimizers.ParameterSlot[] GetParameters();

    /// <summary>The loss and every parameter's gradient; <paramref name="sequenceGradient"/> receives ∂loss/∂sequence.</summary>
    float LossAndGradient(Tensor sequence, Tensor initial, Tensor targets, int steps, Tensor sequenceGradient);

    /// <summary>The logits, one per sequence, from the [batch, hidden] initial state (zeros).</summary>
    Tensor Logits(Tensor sequence, Tensor initial, int steps);
}

/// <summary>
/// A plain (Elman) RNN, h ← tanh(x·Wx + h·Wh + b): the gradient of the loss with respect to early inputs shrinks by
/// the factor ‖Wh‖·tanh′ at every step back, so what the first input says is hard to learn from.
/// </summary>
public sealed partial class TanhRnn : ISequenceClassifier
{
    /// <summary>Creates the network (Glorot-initialised, zero biases).</summary>
    public TanhRnn(int hidden, int seed)
    {
        Wx = Init.GlorotUniform(new Shape(1, hidden), seed);
        Wh = Init.GlorotUniform(new Shape(hidden, hidden), seed + 1);
        B = Init.Zeros(new Shape(hidden));
        Head = Init.GlorotUniform(new Shape(hidden, 1), seed + 2);
        HeadBias = Init.Zeros(new Shape(1));
    }

    /// <summary>Input weights.</summary>
    [Parameter] public Tensor Wx;

    /// <summary>Recurrent weights.</summary>
    [Parameter] public Tensor Wh;

    /// <summary>Bias.</summary>
    [Parameter] public Tensor B;

    /// <summary>Output weights.</summary>
    [Parameter] public Tensor Head;

    /// <summary>Output bias.</summary>
    [Parameter] public Tensor HeadBias;

    /// <inheritdoc />
    [Differentiable]
    public Tensor Logits(Tensor sequence, [NoDerivative] Tensor initial, [NoDerivative] int steps)
    {
        Tensor h = initial;
        for (int t = 0; t < steps; t++)
        {
            h = TensorOps.Tanh(TensorOps.AddBias(TensorOps.Add(TensorOps.MatMul(TensorOps.TimeStep(sequence, t), Wx), TensorOps.MatMul(h, Wh)), B));
        }

        return Layers.Dense(h, Head, HeadBias);
    }

    /// <summary>Binary cross-entropy of the logits against 0/1 targets.</summary>
    [Differentiable]
    public float Loss([RequiresGradient] Tensor sequence, [NoDerivative] Tensor initial, [NoDerivative] Tensor targets, [NoDerivative] int steps) =>
        TensorOps.BinaryCrossEntropyWithLogits(Logits(sequence, initial, steps), targets);

    /// <inheritdoc />
    public float LossAndGradient(Tensor sequence, Tensor initial, Tensor targets, int steps, Tensor sequenceGradient) => LossGradient(sequence, initial, targets, steps, sequenceGradient);
}

/// <summary>
/// A GRU over the same sequence: the update gate lets the state pass through unchanged (h′ ≈ h when u ≈ 1), so the
/// gradient reaches early inputs — the remedy seed 003 names for recurrent networks.
/// </summary>
public sealed partial class GruClassifier : ISequenceClassifier
{
    /// <summary>Creates the network.</summary>
    public GruClassifier(int hidden, int seed)
    {
        Wx = Init.GlorotUniform(new Shape(1, 3 * hidden), seed);
        Wh = Init.GlorotUniform(new Shape(hidden, 3 * hidden), seed + 1);
        // The update gate starts mostly open (σ(3) ≈ 0.95 of the old state kept per step), as an LSTM's forget gate
        // starts at bias 1: with zero biases the state would halve every step and forget the first input.
        Bx = Init.Zeros(new Shape(3 * hidden));
        Bx.Span.Slice(hidden, hidden).Fill(3f);
        Bh = Init.Zeros(new Shape(3 * hidden));
        Head = Init.GlorotUniform(new Shape(hidden, 1), seed + 2);
        HeadBias = Init.Zeros(new Shape(1));
    }

    /// <summary>Input weights of the reset, update and new gates.</summary>
    [Parameter] public Tensor Wx;

    /// <summary>Recurrent weights, same order.</summary>
    [Parameter] public Tensor Wh;

    /// <summary>Input biases.</summary>
    [Parameter] public Tensor Bx;

    /// <summary>Recurrent biases.</summary>
    [Parameter] public Tensor Bh;

    /// <summary>Output weights.</summary>
    [Parameter] public Tensor Head;

    /// <summary>Output bias.</summary>
    [Parameter] public Tensor HeadBias;

    /// <inheritdoc />
    [Differentiable]
    public Tensor Logits(Tensor sequence, [NoDerivative] Tensor initial, [NoDerivative] int steps)
    {
        Tensor h = initial;
        for (int t = 0; t < steps; t++)
        {
            h = Layers.GruCell(TensorOps.TimeStep(sequence, t), h, Wx, Wh, Bx, Bh);
        }

        return Layers.Dense(h, Head, HeadBias);
    }

    /// <summary>Binary cross-entropy of the logits against 0/1 targets.</summary>
    [Differentiable]
    public float Loss([RequiresGradient] Tensor sequence, [NoDerivative] Tensor initial, [NoDerivative] Tensor targets, [NoDerivative] int steps) =>
        TensorOps.BinaryCrossEntropyWithLogits(Logits(sequence, initial, steps), targets);

    /// <inheritdoc />
    public float LossAndGradient(Tensor sequence, Tensor initial, Tensor targets, int steps, Tensor sequenceGradient) => LossGradient(sequence, initial, targets, steps, sequenceGradient);
}
