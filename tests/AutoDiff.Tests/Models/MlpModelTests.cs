using Xunit;

namespace AutoDiff.Tests.Models;

/// <summary>A two-layer classifier written the way the seeds write Keras code.</summary>
public sealed partial class TinyClassifier
{
    [Parameter] public Tensor W1 = Tensor.Normal(new Shape(6, 5), 0f, 0.5f, seed: 1);
    [Parameter] public Tensor B1 = Tensor.Normal(new Shape(5), 0f, 0.1f, seed: 2);
    [Parameter] public Tensor W2 = Tensor.Normal(new Shape(5, 3), 0f, 0.5f, seed: 3);
    [Parameter] public Tensor B2 = Tensor.Zeros(3);

    [Differentiable]
    public float Loss(Tensor x, [NoDerivative] int[] labels)
    {
        Tensor h = TensorOps.Tanh(TensorOps.AddBias(TensorOps.MatMul(x, W1), B1));
        return TensorOps.SoftmaxCrossEntropy(TensorOps.AddBias(TensorOps.MatMul(h, W2), B2), labels);
    }
}

/// <summary>A regression model with ReLU and a reassigned hidden state.</summary>
public sealed partial class TinyRegressor
{
    [Parameter] public Tensor W1 = Tensor.Normal(new Shape(4, 8), 0f, 0.6f, seed: 4);
    [Parameter] public Tensor B1 = Tensor.Normal(new Shape(8), 0.1f, 0.1f, seed: 5);
    [Parameter] public Tensor W2 = Tensor.Normal(new Shape(8, 8), 0f, 0.4f, seed: 6);
    [Parameter] public Tensor W3 = Tensor.Normal(new Shape(8, 1), 0f, 0.4f, seed: 7);

    [Differentiable]
    public float Loss(Tensor x, Tensor y)
    {
        Tensor h = TensorOps.Relu(TensorOps.AddBias(TensorOps.MatMul(x, W1), B1));
        h = TensorOps.Sigmoid(TensorOps.MatMul(h, W2));
        return TensorOps.MeanSquaredError(TensorOps.MatMul(h, W3), y);
    }
}

/// <summary>Whole-model gradients against finite differences, and the allocation-free training step.</summary>
public sealed class MlpModelTests
{
    private static Tensor Inputs(int rows, int columns, int seed) => Tensor.Normal(new Shape(rows, columns), 0f, 1f, seed);

    [Fact]
    public void ClassifierGradient_MatchesFiniteDifferences_ForEveryParameter()
    {
        var model = new TinyClassifier();
        Tensor x = Inputs(7, 6, 11);
        int[] labels = { 0, 2, 1, 1, 0, 2, 2 };

        float value = model.LossGradient(x, labels);

        Assert.Equal(model.Loss(x, labels), value, 5);
        foreach (var (parameter, gradient, name) in new[] { (model.W1, model.W1Gradient, "W1"), (model.B1, model.B1Gradient, "B1"), (model.W2, model.W2Gradient, "W2"), (model.B2, model.B2Gradient, "B2") })
        {
            Tensor snapshot = gradient.Clone();
            TensorGradientCheck.Check(() => model.Loss(x, labels), parameter, snapshot, name, 12, 2e-3, 2e-2);
        }
    }

    [Fact]
    public void RegressorGradient_WithReassignedHiddenState_MatchesFiniteDifferences()
    {
        var model = new TinyRegressor();
        Tensor x = Inputs(9, 4, 12);
        Tensor y = Inputs(9, 1, 13);

        model.LossGradient(x, y);

        foreach (var (parameter, gradient, name) in new[] { (model.W1, model.W1Gradient, "W1"), (model.B1, model.B1Gradient, "B1"), (model.W2, model.W2Gradient, "W2"), (model.W3, model.W3Gradient, "W3") })
        {
            Tensor snapshot = gradient.Clone();
            TensorGradientCheck.Check(() => model.Loss(x, y), parameter, snapshot, name, 12, 2e-3, 2e-2);
        }
    }

    [Fact]
    public void TrainingStep_AllocatesNothing_AndRePlansOnceForANewBatchSize()
    {
        var model = new TinyClassifier();
        var optimizer = new AutoDiff.Optimizers.Sgd(model.GetParameters(), new AutoDiff.Optimizers.SgdOptions { LearningRate = 0.1f });
        Tensor big = Inputs(8, 6, 21), small = Inputs(5, 6, 22);
        int[] bigLabels = { 0, 1, 2, 0, 1, 2, 0, 1 }, smallLabels = { 2, 1, 0, 1, 2 };
        for (int warmUp = 0; warmUp < 3; warmUp++)
        {
            model.LossGradient(big, bigLabels);
            optimizer.Step();
        }

        Gradients.AllocationTests.AssertNoAllocationInSteadyState(() => { model.LossGradient(big, bigLabels); optimizer.Step(); }, warmUp: 0, calls: 100);

        model.LossGradient(small, smallLabels); // a new batch size: the workspace re-plans once
        Gradients.AllocationTests.AssertNoAllocationInSteadyState(() => { model.LossGradient(small, smallLabels); optimizer.Step(); }, warmUp: 0, calls: 100);
    }

    [Fact]
    public void Training_ReducesTheLoss()
    {
        var model = new TinyClassifier();
        var optimizer = new AutoDiff.Optimizers.Adam(model.GetParameters(), new AutoDiff.Optimizers.AdamOptions { LearningRate = 0.05f });
        Tensor x = Inputs(12, 6, 31);
        int[] labels = { 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2 };
        float first = model.LossGradient(x, labels);
        for (int step = 0; step < 200; step++)
        {
            model.LossGradient(x, labels);
            optimizer.Step();
        }

        Assert.True(model.Loss(x, labels) < 0.2f * first, $"loss went from {first} to {model.Loss(x, labels)}");
    }
}
