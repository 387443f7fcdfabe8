using Xunit;

namespace AutoDiff.Tests.Models;

/// <summary>The seed CNN's shape, scaled down: Conv-ReLU-MaxPool-Conv-ReLU-AvgPool-Flatten-Dense-softmax.</summary>
public sealed partial class TinyCnn
{
    [Parameter] public Tensor C1 = Tensor.Normal(new Shape(4, 1, 3, 3), 0f, 0.4f, seed: 1);
    [Parameter] public Tensor C1b = Tensor.Normal(new Shape(4), 0f, 0.1f, seed: 2);
    [Parameter] public Tensor C2 = Tensor.Normal(new Shape(6, 4, 3, 3), 0f, 0.3f, seed: 3);
    [Parameter] public Tensor C2b = Tensor.Normal(new Shape(6), 0f, 0.1f, seed: 4);
    [Parameter] public Tensor D = Tensor.Normal(new Shape(6, 3), 0f, 0.4f, seed: 5);
    [Parameter] public Tensor Db = Tensor.Zeros(3);

    [Differentiable]
    public float Loss(Tensor images, [NoDerivative] int[] labels)
    {
        Tensor h = TensorOps.MaxPool2D(TensorOps.Relu(TensorOps.Conv2D(images, C1, C1b)), 2);     // [N,4,5,5]
        h = TensorOps.AvgPool2D(TensorOps.Relu(TensorOps.Conv2D(h, C2, C2b, 1, 1)), 5);         // [N,6,1,1]
        return TensorOps.SoftmaxCrossEntropy(TensorOps.AddBias(TensorOps.MatMul(TensorOps.Flatten(h), D), Db), labels);
    }
}

public sealed class CnnModelTests
{
    [Fact]
    public void CnnGradient_MatchesFiniteDifferences_ForEveryParameter()
    {
        var model = new TinyCnn();
        Tensor images = Tensor.Normal(new Shape(3, 1, 12, 12), 0f, 1f, seed: 9);
        int[] labels = { 2, 0, 1 };

        model.LossGradient(images, labels);

        var random = new Random(5);
        foreach (var (parameter, gradient, name) in new[]
        {
            (model.C1, model.C1Gradient.Clone(), "C1"), (model.C1b, model.C1bGradient.Clone(), "C1b"),
            (model.C2, model.C2Gradient.Clone(), "C2"), (model.C2b, model.C2bGradient.Clone(), "C2b"),
            (model.D, model.DGradient.Clone(), "D"), (model.Db, model.DbGradient.Clone(), "Db"),
        })
        {
            Span<float> values = parameter.Span;
            for (int sample = 0; sample < Math.Min(6, values.Length); sample++)
            {
                int i = random.Next(values.Length);
                float original = values[i];
                const float h = 1e-3f;
                values[i] = original + h;
                double plus = model.Loss(images, labels);
                values[i] = original - h;
                double minus = model.Loss(images, labels);
                values[i] = original;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - gradient.Span[i]) <= 2e-3 + 3e-2 * Math.Abs(numeric), $"{name}[{i}]: generated {gradient.Span[i]}, finite differences {numeric}");
            }
        }
    }

    [Fact]
    public void CnnTrainingStep_AllocatesNothing()
    {
        var model = new TinyCnn();
        var optimizer = new AutoDiff.Optimizers.RmsProp(model.GetParameters(), new AutoDiff.Optimizers.RmsPropOptions { LearningRate = 1e-3 });
        Tensor images = Tensor.Normal(new Shape(4, 1, 12, 12), 0f, 1f, seed: 10);
        int[] labels = { 0, 1, 2, 1 };
        for (int warmUp = 0; warmUp < 3; warmUp++)
        {
            model.LossGradient(images, labels);
            optimizer.Step();
        }

        Gradients.AllocationTests.AssertNoAllocationInSteadyState(() => { model.LossGradient(images, labels); optimizer.Step(); }, warmUp: 0, calls: 50);
    }
}
