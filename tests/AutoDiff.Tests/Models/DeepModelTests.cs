using Xunit;

namespace AutoDiff.Tests.Models;

/// <summary>A deep residual MLP whose layers are a [Parameter] Tensor[] walked by a loop.</summary>
public sealed partial class DeepResidualMlp
{
    public DeepResidualMlp(int depth, int width)
    {
        W = new Tensor[depth];
        B = new Tensor[depth];
        for (int i = 0; i < depth; i++)
        {
            W[i] = Tensor.Normal(new Shape(width, width), 0f, 0.3f, seed: 100 + i);
            B[i] = Tensor.Normal(new Shape(width), 0f, 0.1f, seed: 200 + i);
        }
    }

    [Parameter] public Tensor[] W;
    [Parameter] public Tensor[] B;
    [Parameter] public Tensor Head = Tensor.Normal(new Shape(4, 3), 0f, 0.5f, seed: 7);

    [Differentiable]
    public float Loss(Tensor x, [NoDerivative] int[] labels)
    {
        Tensor h = x;
        for (int i = 0; i < W.Length; i++)
        {
            h = TensorOps.Add(h, TensorOps.Tanh(TensorOps.AddBias(TensorOps.MatMul(h, W[i]), B[i])));
        }

        return TensorOps.SoftmaxCrossEntropy(TensorOps.MatMul(h, Head), labels);
    }
}

public sealed class DeepModelTests
{
    [Fact]
    public void LayersInALoop_GradientMatchesFiniteDifferences()
    {
        var model = new DeepResidualMlp(depth: 5, width: 4);
        Tensor x = Tensor.Normal(new Shape(6, 4), 0f, 1f, seed: 3);
        int[] labels = { 0, 1, 2, 2, 1, 0 };

        model.LossGradient(x, labels);

        var checks = new List<(Tensor Parameter, Tensor Gradient, string Name)> { (model.Head, model.HeadGradient.Clone(), "Head") };
        for (int i = 0; i < 5; i++)
        {
            checks.Add((model.W[i], model.WGradient[i].Clone(), $"W[{i}]"));
            checks.Add((model.B[i], model.BGradient[i].Clone(), $"B[{i}]"));
        }

        var random = new Random(1);
        foreach (var (parameter, gradient, name) in checks)
        {
            Span<float> values = parameter.Span;
            for (int sample = 0; sample < 3; sample++)
            {
                int i = random.Next(values.Length);
                float original = values[i];
                const float h = 1e-3f;
                values[i] = original + h;
                double plus = model.Loss(x, labels);
                values[i] = original - h;
                double minus = model.Loss(x, labels);
                values[i] = original;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - gradient.Span[i]) <= 2e-3 + 3e-2 * Math.Abs(numeric), $"{name}[{i}]: generated {gradient.Span[i]}, finite differences {numeric}");
            }
        }

        Assert.Equal(11, model.GetParameters().Length);
    }

    [Fact]
    public void LayersInALoop_TrainingStepAllocatesNothing()
    {
        var model = new DeepResidualMlp(depth: 8, width: 4);
        var optimizer = new AutoDiff.Optimizers.Adam(model.GetParameters(), new AutoDiff.Optimizers.AdamOptions { LearningRate = 1e-3 });
        Tensor x = Tensor.Normal(new Shape(6, 4), 0f, 1f, seed: 3);
        int[] labels = { 0, 1, 2, 2, 1, 0 };
        for (int warmUp = 0; warmUp < 3; warmUp++)
        {
            model.LossGradient(x, labels);
            optimizer.Step();
        }

        Gradients.AllocationTests.AssertNoAllocationInSteadyState(() => { model.LossGradient(x, labels); optimizer.Step(); }, warmUp: 0, calls: 50);
    }
}
