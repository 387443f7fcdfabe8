namespace AutoDiff.Benchmarks.Models;

/// <summary>The benchmark MLP 784-128-64-10 (ReLU, softmax cross-entropy), gradient generated from <see cref="Loss"/>.</summary>
public sealed partial class BenchMlp
{
    [Parameter] public Tensor W1 = Tensor.Normal(new Shape(784, 128), 0f, 0.05f, seed: 1);
    [Parameter] public Tensor B1 = Tensor.Zeros(128);
    [Parameter] public Tensor W2 = Tensor.Normal(new Shape(128, 64), 0f, 0.1f, seed: 2);
    [Parameter] public Tensor B2 = Tensor.Zeros(64);
    [Parameter] public Tensor W3 = Tensor.Normal(new Shape(64, 10), 0f, 0.1f, seed: 3);
    [Parameter] public Tensor B3 = Tensor.Zeros(10);

    [Differentiable]
    public float Loss(Tensor x, [NoDerivative] int[] labels)
    {
        Tensor h = TensorOps.Relu(TensorOps.AddBias(TensorOps.MatMul(x, W1), B1));
        h = TensorOps.Relu(TensorOps.AddBias(TensorOps.MatMul(h, W2), B2));
        return TensorOps.SoftmaxCrossEntropy(TensorOps.AddBias(TensorOps.MatMul(h, W3), B3), labels);
    }
}

/// <summary>
/// The seed CNN: Conv32 3×3 ReLU, MaxPool 2, Conv64 3×3 ReLU, MaxPool 2, Conv64 3×3 ReLU, Flatten, Dense 64 ReLU,
/// Dense 10, softmax cross-entropy (the same Loss as src/Samples/FashionMnist/FashionMnistModels.cs).
/// </summary>
public sealed partial class BenchCnn
{
    [Parameter] public Tensor C1 = Tensor.Normal(new Shape(32, 1, 3, 3), 0f, MathF.Sqrt(2f / 9), seed: 11);
    [Parameter] public Tensor C1b = Tensor.Zeros(32);
    [Parameter] public Tensor C2 = Tensor.Normal(new Shape(64, 32, 3, 3), 0f, MathF.Sqrt(2f / 288), seed: 12);
    [Parameter] public Tensor C2b = Tensor.Zeros(64);
    [Parameter] public Tensor C3 = Tensor.Normal(new Shape(64, 64, 3, 3), 0f, MathF.Sqrt(2f / 576), seed: 13);
    [Parameter] public Tensor C3b = Tensor.Zeros(64);
    [Parameter] public Tensor D1 = Tensor.Normal(new Shape(576, 64), 0f, MathF.Sqrt(2f / 576), seed: 14);
    [Parameter] public Tensor D1b = Tensor.Zeros(64);
    [Parameter] public Tensor D2 = Tensor.Normal(new Shape(64, 10), 0f, MathF.Sqrt(2f / 64), seed: 15);
    [Parameter] public Tensor D2b = Tensor.Zeros(10);

    [Differentiable]
    public float Loss(Tensor images, [NoDerivative] int[] labels)
    {
        Tensor h = TensorOps.MaxPool2D(TensorOps.Relu(TensorOps.Conv2D(images, C1, C1b)), 2);
        h = TensorOps.MaxPool2D(TensorOps.Relu(TensorOps.Conv2D(h, C2, C2b)), 2);
        h = TensorOps.Flatten(TensorOps.Relu(TensorOps.Conv2D(h, C3, C3b)));
        h = TensorOps.Relu(TensorOps.AddBias(TensorOps.MatMul(h, D1), D1b));
        return TensorOps.SoftmaxCrossEntropy(TensorOps.AddBias(TensorOps.MatMul(h, D2), D2b), labels);
    }
}
