using AutoDiff.CompilerServices;
using Xunit;

namespace AutoDiff.Runtime.Tests.Models;

/// <summary>
/// Gradients that hold pending zeros: reading them gives zeros, and every pullback that overwrites such a gradient
/// instead of clearing and adding gives exactly what it adds to a gradient that already holds values.
/// </summary>
public sealed class PendingZeroTests
{
    private static Tensor Random(int seed, params int[] dims) => Tensor.Normal(new Shape(dims), 0f, 1f, seed);

    [Fact]
    public void PendingZeros_ReadAsZeros_ThroughSpansIndexersAndViews()
    {
        var arena = new TensorArena();
        using (arena.Enter())
        {
            Tensor t = arena.Rent(new Shape(2, 3));
            t.Span.Fill(7f);
        }

        using (arena.Enter())
        {
            Tensor t = arena.RentZeroed(new Shape(2, 3));
            Assert.True(t.IsPendingZero);
            Assert.Equal(0f, t[1, 2]);
            Assert.False(t.IsPendingZero);
        }

        using (arena.Enter())
        {
            Tensor t = arena.RentZeroed(new Shape(2, 3));
            Tensor view = t.Reshape(3, 2);
            Assert.All(view.ToArray(), v => Assert.Equal(0f, v));
        }

        using (arena.Enter())
        {
            arena.Rent(new Shape(2, 3)).Fill(7f);
        }

        using (arena.Enter())
        {
            Tensor t = arena.RentZeroed(new Shape(2, 3));
            Assert.True(t.TryBeginOverwrite());
            Assert.False(t.TryBeginOverwrite());
            Assert.Equal(7f, t[0, 0]); // the caller promised to overwrite: nothing was cleared
        }
    }

    /// <summary>Runs a pullback twice: into pending zeros, and into gradients holding g0; the second must be g0 + the first.</summary>
    private static void AssertOverwriteEqualsAccumulate(Action<Tensor?[]> pullback, params Shape[] gradientShapes)
    {
        var arena = new TensorArena();
        float[][] written;
        using (arena.Enter())
        {
            Tensor?[] pending = gradientShapes.Select(s => (Tensor?)arena.RentZeroed(s)).ToArray();
            pullback(pending);
            written = pending.Select(g => g!.ToArray()).ToArray();
        }

        Tensor?[] initial = gradientShapes.Select((s, i) => (Tensor?)Tensor.Normal(s, 0f, 1f, 100 + i)).ToArray();
        float[][] before = initial.Select(g => g!.ToArray()).ToArray();
        pullback(initial);
        for (int i = 0; i < gradientShapes.Length; i++)
        {
            float[] after = initial[i]!.ToArray();
            Assert.True(written[i].Any(v => v != 0f), $"gradient {i} stayed zero: the test does not exercise it");
            for (int j = 0; j < after.Length; j++)
            {
                Assert.True(Math.Abs(before[i][j] + written[i][j] - after[j]) <= 1e-4f * (1 + Math.Abs(after[j])), $"gradient {i}[{j}]: {before[i][j]} + {written[i][j]} ≠ {after[j]}");
            }
        }
    }

    [Fact]
    public void MatMulPullback_OverwriteEqualsAccumulate()
    {
        Tensor a = Random(1, 5, 4), b = Random(2, 4, 3), dr = Random(3, 5, 3);
        AssertOverwriteEqualsAccumulate(g => TensorOps.MatMulPullback(a, b, TensorOps.MatMul(a, b), dr, g[0], g[1]), a.Shape, b.Shape);
    }

    [Fact]
    public void ElementwisePullbacks_OverwriteEqualsAccumulate()
    {
        Tensor x = Random(4, 6, 5), y = Random(5, 6, 5), dr = Random(6, 6, 5), bias = Random(7, 5);
        AssertOverwriteEqualsAccumulate(g => TensorOps.AddPullback(x, y, TensorOps.Add(x, y), dr, g[0], g[1]), x.Shape, y.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.MultiplyPullback(x, y, TensorOps.Multiply(x, y), dr, g[0], g[1]), x.Shape, y.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.AddBiasPullback(x, bias, TensorOps.AddBias(x, bias), dr, g[0], g[1]), x.Shape, bias.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.ReluPullback(x, TensorOps.Relu(x), dr, g[0]), x.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.SigmoidPullback(x, TensorOps.Sigmoid(x), dr, g[0]), x.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.TanhPullback(x, TensorOps.Tanh(x), dr, g[0]), x.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.SubtractPullback(x, y, TensorOps.Subtract(x, y), dr, g[0], g[1]), x.Shape, y.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.LeakyReluPullback(x, 0.1f, TensorOps.LeakyRelu(x, 0.1f), dr, g[0]), x.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.EluPullback(x, 1f, TensorOps.Elu(x, 1f), dr, g[0]), x.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.GeluPullback(x, TensorOps.Gelu(x), dr, g[0]), x.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.SoftmaxPullback(x, TensorOps.Softmax(x), dr, g[0]), x.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.LogSoftmaxPullback(x, TensorOps.LogSoftmax(x), dr, g[0]), x.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.SumPullback(x, TensorOps.Sum(x), 0.5f, g[0]), x.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.MeanPullback(x, TensorOps.Mean(x), 0.5f, g[0]), x.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.BinaryCrossEntropyWithLogitsPullback(x, y, TensorOps.BinaryCrossEntropyWithLogits(x, y), 0.5f, g[0]), x.Shape);
    }

    [Fact]
    public void LossAndShapePullbacks_OverwriteEqualsAccumulate()
    {
        Tensor logits = Random(8, 4, 3);
        int[] labels = { 2, 0, 1, 1 };
        AssertOverwriteEqualsAccumulate(g => TensorOps.SoftmaxCrossEntropyPullback(logits, labels, TensorOps.SoftmaxCrossEntropy(logits, labels), 0.7f, g[0]), logits.Shape);
        Tensor images = Random(9, 2, 3, 4, 4), dflat = Random(10, 2, 48);
        AssertOverwriteEqualsAccumulate(g => TensorOps.FlattenPullback(images, TensorOps.Flatten(images), dflat, g[0]), images.Shape);
        Tensor dpool = Random(11, 2, 3, 2, 2);
        AssertOverwriteEqualsAccumulate(g => TensorOps.AvgPool2DPullback(images, 2, TensorOps.AvgPool2D(images, 2), dpool, g[0]), images.Shape);
        AssertOverwriteEqualsAccumulate(g => TensorOps.MaxPool2DPullback(images, 2, TensorOps.MaxPool2D(images, 2), dpool, g[0]), images.Shape);
    }

    [Fact]
    public void Conv2DPullback_OverwriteEqualsAccumulate()
    {
        Tensor x = Random(12, 2, 3, 7, 6), w = Random(13, 4, 3, 3, 3), b = Random(14, 4);
        Tensor result = TensorOps.Conv2D(x, w, b, 1, 1);
        Tensor dr = Tensor.Normal(result.Shape, 0f, 1f, 15);
        AssertOverwriteEqualsAccumulate(g => TensorOps.Conv2DPullback(x, w, b, 1, 1, result, dr, g[0], g[1], g[2]), x.Shape, w.Shape, b.Shape);
    }
}
