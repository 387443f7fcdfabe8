namespace AutoDiff.Samples.ImageClassification;

/// <summary>
/// The seed article's CNN (seed 001): Conv32 3×3 ReLU, MaxPool 2, Conv64 3×3 ReLU, MaxPool 2, Conv64 3×3 ReLU,
/// Flatten, Dense 64 ReLU, Dense 10, softmax cross-entropy. The gradient is generated from <see cref="Loss"/>.
/// </summary>
public sealed partial class SeedCnn : IImageClassifier
{
    /// <summary>Creates the model with Glorot-uniform weights and zero biases (Keras' defaults, as in the seed).</summary>
    /// <param name="seed">The initialisation seed.</param>
    public SeedCnn(int seed)
    {
        C1 = Init.GlorotUniform(new Shape(32, 1, 3, 3), seed);
        C2 = Init.GlorotUniform(new Shape(64, 32, 3, 3), seed + 1);
        C3 = Init.GlorotUniform(new Shape(64, 64, 3, 3), seed + 2);
        D1 = Init.GlorotUniform(new Shape(576, 64), seed + 3);
        D2 = Init.GlorotUniform(new Shape(64, 10), seed + 4);
    }

    /// <summary>Gets the first convolution's filters, [32, 1, 3, 3].</summary>
    [Parameter] public Tensor C1 { get; }

    /// <summary>Gets the first convolution's bias.</summary>
    [Parameter] public Tensor C1b { get; } = Tensor.Zeros(32);

    /// <summary>Gets the second convolution's filters, [64, 32, 3, 3].</summary>
    [Parameter] public Tensor C2 { get; }

    /// <summary>Gets the second convolution's bias.</summary>
    [Parameter] public Tensor C2b { get; } = Tensor.Zeros(64);

    /// <summary>Gets the third convolution's filters, [64, 64, 3, 3].</summary>
    [Parameter] public Tensor C3 { get; }

    /// <summary>Gets the third convolution's bias.</summary>
    [Parameter] public Tensor C3b { get; } = Tensor.Zeros(64);

    /// <summary>Gets the hidden dense layer's weights, [576, 64].</summary>
    [Parameter] public Tensor D1 { get; }

    /// <summary>Gets the hidden dense layer's bias.</summary>
    [Parameter] public Tensor D1b { get; } = Tensor.Zeros(64);

    /// <summary>Gets the output layer's weights, [64, 10].</summary>
    [Parameter] public Tensor D2 { get; }

    /// <summary>Gets the output layer's bias.</summary>
    [Parameter] public Tensor D2b { get; } = Tensor.Zeros(10);

    /// <summary>The mean cross-entropy of a batch of [N, 1, 28, 28] images against their labels.</summary>
    /// <param name="images">The images, pixel values in [0, 1].</param>
    /// <param name="labels">One class per image.</param>
    /// <returns>The loss.</returns>
    /// <remarks>The forward pass is written out here (a [Differentiable] method can call another one only when it
    /// returns a scalar, for now), and again in <see cref="Logits"/> for evaluation.</remarks>
    [Differentiable]
    public float Loss(Tensor images, [NoDerivative] int[] labels)
    {
        Tensor h = TensorOps.MaxPool2D(TensorOps.Relu(TensorOps.Conv2D(images, C1, C1b)), 2);
        h = TensorOps.MaxPool2D(TensorOps.Relu(TensorOps.Conv2D(h, C2, C2b)), 2);
        h = TensorOps.Flatten(TensorOps.Relu(TensorOps.Conv2D(h, C3, C3b)));
        h = TensorOps.Relu(TensorOps.AddBias(TensorOps.MatMul(h, D1), D1b));
        return TensorOps.SoftmaxCrossEntropy(TensorOps.AddBias(TensorOps.MatMul(h, D2), D2b), labels);
    }

    /// <summary>The class scores of a batch of images, [N, 10].</summary>
    /// <param name="images">The images.</param>
    /// <returns>The logits.</returns>
    public Tensor Logits(Tensor images)
    {
        Tensor h = TensorOps.MaxPool2D(TensorOps.Relu(TensorOps.Conv2D(images, C1, C1b)), 2);   // [N, 32, 13, 13]
        h = TensorOps.MaxPool2D(TensorOps.Relu(TensorOps.Conv2D(h, C2, C2b)), 2);              // [N, 64, 5, 5]
        h = TensorOps.Flatten(TensorOps.Relu(TensorOps.Conv2D(h, C3, C3b)));                   // [N, 576]
        h = TensorOps.Relu(TensorOps.AddBias(TensorOps.MatMul(h, D1), D1b));                   // [N, 64]
        return TensorOps.AddBias(TensorOps.MatMul(h, D2), D2b);                                // [N, 10]
    }

    /// <inheritdoc />
    public float LossAndGradient(Tensor images, int[] labels) => LossGradient(images, labels);

}

/// <summary>The MLP alternative (<c>--model mlp</c>): 784 → 256 → 128 → 10 with ReLU.</summary>
public sealed partial class FashionMlp : IImageClassifier
{
    /// <summary>Creates the model with He-normal weights.</summary>
    /// <param name="seed">The initialisation seed.</param>
    public FashionMlp(int seed)
    {
        W1 = Init.HeNormal(new Shape(784, 256), seed);
        W2 = Init.HeNormal(new Shape(256, 128), seed + 1);
        W3 = Init.HeNormal(new Shape(128, 10), seed + 2);
    }

    /// <summary>Gets the first layer's weights.</summary>
    [Parameter] public Tensor W1 { get; }

    /// <summary>Gets the first layer's bias.</summary>
    [Parameter] public Tensor B1 { get; } = Tensor.Zeros(256);

    /// <summary>Gets the second layer's weights.</summary>
    [Parameter] public Tensor W2 { get; }

    /// <summary>Gets the second layer's bias.</summary>
    [Parameter] public Tensor B2 { get; } = Tensor.Zeros(128);

    /// <summary>Gets the output layer's weights.</summary>
    [Parameter] public Tensor W3 { get; }

    /// <summary>Gets the output layer's bias.</summary>
    [Parameter] public Tensor B3 { get; } = Tensor.Zeros(10);

    /// <summary>The mean cross-entropy of a batch.</summary>
    /// <param name="images">The images, [N, 1, 28, 28] or [N, 784].</param>
    /// <param name="labels">One class per image.</param>
    /// <returns>The loss.</returns>
    [Differentiable]
    public float Loss(Tensor images, [NoDerivative] int[] labels)
    {
        Tensor h = TensorOps.Relu(TensorOps.AddBias(TensorOps.MatMul(TensorOps.Flatten(images), W1), B1));
        h = TensorOps.Relu(TensorOps.AddBias(TensorOps.MatMul(h, W2), B2));
        return TensorOps.SoftmaxCrossEntropy(TensorOps.AddBias(TensorOps.MatMul(h, W3), B3), labels);
    }

    /// <summary>The class scores of a batch, [N, 10].</summary>
    /// <param name="images">The images.</param>
    /// <returns>The logits.</returns>
    public Tensor Logits(Tensor images)
    {
        Tensor h = TensorOps.Relu(TensorOps.AddBias(TensorOps.MatMul(TensorOps.Flatten(images), W1), B1));
        h = TensorOps.Relu(TensorOps.AddBias(TensorOps.MatMul(h, W2), B2));
        return TensorOps.AddBias(TensorOps.MatMul(h, W3), B3);
    }

    /// <inheritdoc />
    public float LossAndGradient(Tensor images, int[] labels) => LossGradient(images, labels);
}

/// <summary>What the training loop needs from a model.</summary>
public interface IImageClassifier
{
    /// <summary>The loss of a batch, filling every parameter's gradient (the generated <c>LossGradient</c>).</summary>
    /// <param name="images">The images.</param>
    /// <param name="labels">The labels.</param>
    /// <returns>The loss.</returns>
    float LossAndGradient(Tensor images, int[] labels);

    /// <summary>The class scores of a batch.</summary>
    /// <param name="images">The images.</param>
    /// <returns>The logits.</returns>
    Tensor Logits(Tensor images);

    /// <summary>The parameters and their gradients.</summary>
    /// <returns>One slot per parameter.</returns>
    AutoDiff.Optimizers.ParameterSlot[] GetParameters();
}
