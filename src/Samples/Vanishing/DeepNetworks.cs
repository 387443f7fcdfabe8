namespace AutoDiff.Samples.Vanishing;

/// <summary>A deep network the <c>vanishing</c> sample trains: 20 hidden layers walked by a loop over <c>Tensor[]</c>.</summary>
public interface IDeepNetwork
{
    /// <summary>The loss of a batch, filling every parameter's gradient.</summary>
    /// <param name="x">The [N, 16] inputs.</param>
    /// <param name="labels">The classes.</param>
    /// <returns>The loss.</returns>
    float LossAndGradient(Tensor x, int[] labels);

    /// <summary>The parameters with their gradients.</summary>
    /// <returns>The slots.</returns>
    AutoDiff.Optimizers.ParameterSlot[] GetParameters();
}

/// <summary>Shared initialisation for the deep networks.</summary>
internal static class Layers
{
    public const int Inputs = 16;
    public const int Width = 32;
    public const int Classes = 3;

    public static Tensor[] Weights(int depth, float standardDeviation, int seed) =>
        Enumerable.Range(0, depth).Select(i => Tensor.Normal(new Shape(i == 0 ? Inputs : Width, Width), 0f, standardDeviation * (i == 0 ? MathF.Sqrt((float)Width / Inputs) : 1f), seed + i)).ToArray();

    public static Tensor[] Zeros(int depth) => Enumerable.Range(0, depth).Select(_ => Tensor.Zeros(Width)).ToArray();

    public static Tensor[] Ones(int depth) => Enumerable.Range(0, depth).Select(_ => Tensor.Ones(Width)).ToArray();
}

/// <summary>Sigmoid layers with a naive N(0, 0.1²) initialisation: the textbook vanishing gradient.</summary>
public sealed partial class SigmoidNetwork : IDeepNetwork
{
    /// <summary>Creates the network.</summary>
    /// <param name="depth">Hidden layers.</param>
    /// <param name="seed">Initialisation seed.</param>
    public SigmoidNetwork(int depth, int seed)
    {
        W = Layers.Weights(depth, 0.1f, seed);
        B = Layers.Zeros(depth);
    }

    /// <summary>Gets the layers' weights.</summary>
    [Parameter] public Tensor[] W { get; }

    /// <summary>Gets the layers' biases.</summary>
    [Parameter] public Tensor[] B { get; }

    /// <summary>Gets the output layer.</summary>
    [Parameter] public Tensor Head { get; } = Tensor.Normal(new Shape(Layers.Width, Layers.Classes), 0f, 0.1f, seed: 99);

    /// <summary>Softmax cross-entropy of the network's output.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="labels">The classes.</param>
    /// <returns>The loss.</returns>
    [Differentiable]
    public float Loss(Tensor x, [NoDerivative] int[] labels)
    {
        Tensor h = x;
        for (int i = 0; i < W.Length; i++)
        {
            // The compiler warns here (AD0016: a chain of sigmoids with nothing in between); this sample wants the
            // chain, so Samples.csproj keeps AD0016 a warning rather than an error.
            h = TensorOps.Sigmoid(TensorOps.AddBias(TensorOps.MatMul(h, W[i]), B[i]));
        }

        return TensorOps.SoftmaxCrossEntropy(TensorOps.MatMul(h, Head), labels);
    }

    /// <inheritdoc />
    public float LossAndGradient(Tensor x, int[] labels) => LossGradient(x, labels);
}

/// <summary>ReLU layers with He initialisation N(0, 2/fan-in).</summary>
public sealed partial class ReluHeNetwork : IDeepNetwork
{
    /// <summary>Creates the network.</summary>
    /// <param name="depth">Hidden layers.</param>
    /// <param name="seed">Initialisation seed.</param>
    public ReluHeNetwork(int depth, int seed)
    {
        W = Layers.Weights(depth, MathF.Sqrt(2f / Layers.Width), seed);
        B = Layers.Zeros(depth);
    }

    /// <summary>Gets the layers' weights.</summary>
    [Parameter] public Tensor[] W { get; }

    /// <summary>Gets the layers' biases.</summary>
    [Parameter] public Tensor[] B { get; }

    /// <summary>Gets the output layer.</summary>
    [Parameter] public Tensor Head { get; } = Tensor.Normal(new Shape(Layers.Width, Layers.Classes), 0f, 0.1f, seed: 99);

    /// <summary>Softmax cross-entropy of the network's output.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="labels">The classes.</param>
    /// <returns>The loss.</returns>
    [Differentiable]
    public float Loss(Tensor x, [NoDerivative] int[] labels)
    {
        Tensor h = x;
        for (int i = 0; i < W.Length; i++)
        {
            h = TensorOps.Relu(TensorOps.AddBias(TensorOps.MatMul(h, W[i]), B[i]));
        }

        return TensorOps.SoftmaxCrossEntropy(TensorOps.MatMul(h, Head), labels);
    }

    /// <inheritdoc />
    public float LossAndGradient(Tensor x, int[] labels) => LossGradient(x, labels);
}

/// <summary>The sigmoid network with residual connections h ← h + σ(W h + b) (same naive initialisation).</summary>
public sealed partial class ResidualSigmoidNetwork : IDeepNetwork
{
    /// <summary>Creates the network.</summary>
    /// <param name="depth">Hidden layers.</param>
    /// <param name="seed">Initialisation seed.</param>
    public ResidualSigmoidNetwork(int depth, int seed)
    {
        Input = Tensor.Normal(new Shape(Layers.Inputs, Layers.Width), 0f, 0.25f, seed: 98);
        W = Layers.Weights(depth, 0.1f, seed).Select((w, i) => i == 0 ? Tensor.Normal(new Shape(Layers.Width, Layers.Width), 0f, 0.1f, seed) : w).ToArray();
        B = Layers.Zeros(depth);
    }

    /// <summary>Gets the input projection to the residual width.</summary>
    [Parameter] public Tensor Input { get; }

    /// <summary>Gets the layers' weights.</summary>
    [Parameter] public Tensor[] W { get; }

    /// <summary>Gets the layers' biases.</summary>
    [Parameter] public Tensor[] B { get; }

    /// <summary>Gets the output layer.</summary>
    [Parameter] public Tensor Head { get; } = Tensor.Normal(new Shape(Layers.Width, Layers.Classes), 0f, 0.1f, seed: 99);

    /// <summary>Softmax cross-entropy of the network's output.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="labels">The classes.</param>
    /// <returns>The loss.</returns>
    [Differentiable]
    public float Loss(Tensor x, [NoDerivative] int[] labels)
    {
        Tensor h = TensorOps.MatMul(x, Input);
        for (int i = 0; i < W.Length; i++)
        {
            h = TensorOps.Add(h, TensorOps.Sigmoid(TensorOps.AddBias(TensorOps.MatMul(h, W[i]), B[i])));
        }

        return TensorOps.SoftmaxCrossEntropy(TensorOps.MatMul(h, Head), labels);
    }

    /// <inheritdoc />
    public float LossAndGradient(Tensor x, int[] labels) => LossGradient(x, labels);
}

/// <summary>The sigmoid network with batch normalisation before each sigmoid (same naive initialisation).</summary>
public sealed partial class BatchNormSigmoidNetwork : IDeepNetwork
{
    /// <summary>Creates the network.</summary>
    /// <param name="depth">Hidden layers.</param>
    /// <param name="seed">Initialisation seed.</param>
    public BatchNormSigmoidNetwork(int depth, int seed)
    {
        W = Layers.Weights(depth, 0.1f, seed);
        Gamma = Layers.Ones(depth);
        Beta = Layers.Zeros(depth);
    }

    /// <summary>Gets the layers' weights.</summary>
    [Parameter] public Tensor[] W { get; }

    /// <summary>Gets the batch-norm scales.</summary>
    [Parameter] public Tensor[] Gamma { get; }

    /// <summary>Gets the batch-norm shifts.</summary>
    [Parameter] public Tensor[] Beta { get; }

    /// <summary>Gets the output layer.</summary>
    [Parameter] public Tensor Head { get; } = Tensor.Normal(new Shape(Layers.Width, Layers.Classes), 0f, 0.1f, seed: 99);

    /// <summary>Softmax cross-entropy of the network's output.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="labels">The classes.</param>
    /// <returns>The loss.</returns>
    [Differentiable]
    public float Loss(Tensor x, [NoDerivative] int[] labels)
    {
        Tensor h = x;
        for (int i = 0; i < W.Length; i++)
        {
            h = TensorOps.Sigmoid(TensorOps.BatchNorm(TensorOps.MatMul(h, W[i]), Gamma[i], Beta[i]));
        }

        return TensorOps.SoftmaxCrossEntropy(TensorOps.MatMul(h, Head), labels);
    }

    /// <inheritdoc />
    public float LossAndGradient(Tensor x, int[] labels) => LossGradient(x, labels);
}
