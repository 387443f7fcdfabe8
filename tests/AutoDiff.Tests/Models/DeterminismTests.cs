using AutoDiff.Kernels;
using Xunit;

namespace AutoDiff.Tests.Models;

/// <summary>A CNN and an MLP big enough for the kernels to split work across threads.</summary>
public sealed partial class ThreadedCnn
{
    [Parameter] public Tensor C1 = Tensor.Normal(new Shape(16, 1, 3, 3), 0f, 0.4f, seed: 91);
    [Parameter] public Tensor C1b = Tensor.Zeros(16);
    [Parameter] public Tensor C2 = Tensor.Normal(new Shape(16, 16, 3, 3), 0f, 0.1f, seed: 92);
    [Parameter] public Tensor C2b = Tensor.Zeros(16);
    [Parameter] public Tensor W1 = Tensor.Normal(new Shape(16 * 9 * 9, 512), 0f, 0.02f, seed: 93);
    [Parameter] public Tensor B1 = Tensor.Zeros(512);
    [Parameter] public Tensor W2 = Tensor.Normal(new Shape(512, 10), 0f, 0.05f, seed: 94);
    [Parameter] public Tensor B2 = Tensor.Zeros(10);

    [Differentiable]
    public float Loss(Tensor images, [NoDerivative] int[] labels)
    {
        Tensor h = TensorOps.MaxPool2D(TensorOps.Relu(TensorOps.Conv2D(images, C1, C1b)), 2);
        h = TensorOps.Flatten(TensorOps.Relu(TensorOps.Conv2D(h, C2, C2b)));
        h = TensorOps.Relu(Layers.Dense(h, W1, B1));
        return TensorOps.SoftmaxCrossEntropy(Layers.Dense(h, W2, B2), labels);
    }
}

/// <summary>
/// Training is reproducible for a fixed thread count and seed: the kernels split work the same way every time and
/// never race on a sum (KernelSettings is process-wide, so these tests do not run beside each other).
/// </summary>
[Collection(nameof(DeterminismTests))]
public sealed class DeterminismTests
{
    private static float[][] Train(int threads)
    {
        int saved = KernelSettings.MaxThreads;
        KernelSettings.MaxThreads = threads;
        try
        {
            var model = new ThreadedCnn();
            var optimizer = new AutoDiff.Optimizers.Sgd(model.GetParameters(), new AutoDiff.Optimizers.SgdOptions { LearningRate = 0.05, Momentum = 0.9 });
            Tensor images = Tensor.Normal(new Shape(64, 1, 24, 24), 0f, 1f, seed: 95);
            int[] labels = Enumerable.Range(0, 64).Select(i => (i * 7) % 10).ToArray();
            for (int step = 0; step < 3; step++)
            {
                model.LossGradient(images, labels);
                optimizer.Step();
            }

            return new[] { model.C1, model.C1b, model.C2, model.C2b, model.W1, model.B1, model.W2, model.B2 }.Select(t => t.Span.ToArray()).ToArray();
        }
        finally
        {
            KernelSettings.MaxThreads = saved;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void SameThreadCountAndSeed_GiveBitIdenticalParameters(int threads)
    {
        float[][] first = Train(threads);
        float[][] second = Train(threads);
        for (int i = 0; i < first.Length; i++)
        {
            Assert.Equal(first[i], second[i]);
        }
    }

    [Fact]
    public void DifferentThreadCounts_AgreeToRounding()
    {
        float[][] one = Train(1);
        float[][] two = Train(2);
        for (int i = 0; i < one.Length; i++)
        {
            for (int j = 0; j < one[i].Length; j++)
            {
                Assert.True(Math.Abs(one[i][j] - two[i][j]) <= 1e-4f + 1e-3f * Math.Abs(one[i][j]), $"parameter {i}[{j}]: {one[i][j]} with 1 thread, {two[i][j]} with 2");
            }
        }
    }
}
