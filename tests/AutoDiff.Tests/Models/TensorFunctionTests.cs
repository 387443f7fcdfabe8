using Xunit;

namespace AutoDiff.Tests.Models;

/// <summary>[Differentiable] functions that return tensors, composed the way users write layers.</summary>
public static partial class TestBlocks
{
    /// <summary>A dense layer with tanh.</summary>
    [Differentiable]
    public static Tensor DenseTanh(Tensor x, Tensor w, Tensor b) => TensorOps.Tanh(TensorOps.AddBias(TensorOps.MatMul(x, w), b));

    /// <summary>A residual block that reassigns its input and copies a tensor: h = x; x = relu(x·w1); return x·w2 + h.</summary>
    [Differentiable]
    public static Tensor Residual(Tensor x, Tensor w1, Tensor w2)
    {
        Tensor skip = x;
        x = TensorOps.Relu(TensorOps.MatMul(x, w1));
        return TensorOps.Add(TensorOps.MatMul(x, w2), skip);
    }

    /// <summary>A block that calls another block twice.</summary>
    [Differentiable]
    public static Tensor TwoResiduals(Tensor x, Tensor w1, Tensor w2, Tensor w3, Tensor w4) => Residual(Residual(x, w1, w2), w3, w4);
}

/// <summary>A model whose Loss calls its own Logits and static blocks.</summary>
public sealed partial class BlockModel
{
    [Parameter] public Tensor W1 = Tensor.Normal(new Shape(5, 6), 0f, 0.5f, seed: 31);
    [Parameter] public Tensor B1 = Tensor.Normal(new Shape(6), 0f, 0.1f, seed: 32);
    [Parameter] public Tensor[] R = { Tensor.Normal(new Shape(6, 6), 0f, 0.4f, seed: 33), Tensor.Normal(new Shape(6, 6), 0f, 0.4f, seed: 34), Tensor.Normal(new Shape(6, 6), 0f, 0.4f, seed: 35), Tensor.Normal(new Shape(6, 6), 0f, 0.4f, seed: 36) };
    [Parameter] public Tensor Head = Tensor.Normal(new Shape(6, 3), 0f, 0.5f, seed: 37);

    /// <summary>The class scores: a dense layer, two residual blocks, a linear head.</summary>
    [Differentiable]
    public Tensor Logits(Tensor x)
    {
        Tensor h = TestBlocks.DenseTanh(x, W1, B1);
        for (int block = 0; block < R.Length; block += 2)
        {
            h = TestBlocks.Residual(h, R[block], R[block + 1]);
        }

        h = TestBlocks.TwoResiduals(h, R[0], R[1], R[2], R[3]);
        return TensorOps.MatMul(h, Head);
    }

    [Differentiable]
    public float Loss(Tensor x, [NoDerivative] int[] labels) => TensorOps.SoftmaxCrossEntropy(Logits(x), labels);
}

public sealed class TensorFunctionTests
{
    [Fact]
    public void ModelCallingTensorFunctions_GradientMatchesFiniteDifferences()
    {
        var model = new BlockModel();
        Tensor x = Tensor.Normal(new Shape(4, 5), 0f, 1f, seed: 38);
        int[] labels = { 0, 2, 1, 2 };

        float value = model.LossGradient(x, labels);

        Assert.Equal(model.Loss(x, labels), value, 5);
        float Loss() => model.Loss(x, labels);
        TensorGradientCheck.Check(Loss, model.W1, model.W1Gradient.Clone(), "W1");
        TensorGradientCheck.Check(Loss, model.B1, model.B1Gradient.Clone(), "B1");
        for (int i = 0; i < model.R.Length; i++)
        {
            TensorGradientCheck.Check(Loss, model.R[i], model.RGradient[i].Clone(), $"R[{i}]");
        }

        TensorGradientCheck.Check(Loss, model.Head, model.HeadGradient.Clone(), "Head");
    }

    [Fact]
    public void RepeatedSteps_OverwriteGradientsAndLeaveTheSharedTapesEmpty()
    {
        var model = new BlockModel();
        Tensor x = Tensor.Normal(new Shape(4, 5), 0f, 1f, seed: 38);
        int[] labels = { 0, 2, 1, 2 };
        model.LossGradient(x, labels);
        float[] first = model.W1Gradient.Span.ToArray();

        model.LossGradient(x, labels);

        Assert.Equal(first, model.W1Gradient.Span.ToArray());
        Assert.Equal(0, AutoDiff.CompilerServices.Tape<Tensor>.Shared.Count);
    }

    [Fact]
    public void TensorFunctionPullback_GivesInputGradients()
    {
        // The generated pair used directly: ∂(sum of Residual(x)·c)/∂x against finite differences.
        Tensor x = Tensor.Normal(new Shape(3, 4), 0f, 1f, seed: 40);
        Tensor w1 = Tensor.Normal(new Shape(4, 4), 0f, 0.5f, seed: 41);
        Tensor w2 = Tensor.Normal(new Shape(4, 4), 0f, 0.5f, seed: 42);
        Tensor c = Tensor.Normal(new Shape(3, 4), 0f, 1f, seed: 43);
        float Objective()
        {
            Tensor y = TestBlocks.Residual(x, w1, w2);
            float sum = 0;
            for (int i = 0; i < y.Span.Length; i++)
            {
                sum += y.Span[i] * c.Span[i];
            }

            return sum;
        }

        Tensor result = TestBlocks.ResidualForward(x, w1, w2);
        Tensor dx = Tensor.Zeros(3, 4);
        Tensor dw1 = Tensor.Zeros(4, 4);
        TestBlocks.ResidualReverse(x, w1, w2, result, c, dx, dw1, null);

        TensorGradientCheck.Check(Objective, x, dx, "x");
        TensorGradientCheck.Check(Objective, w1, dw1, "w1");
        Assert.Equal(0, AutoDiff.CompilerServices.Tape<Tensor>.Shared.Count);
    }
}

public sealed class TensorFunctionAllocationTests
{
    [Fact]
    public void StepThroughTensorFunctions_AllocatesNothing()
    {
        var model = new BlockModel();
        var optimizer = new AutoDiff.Optimizers.Adam(model.GetParameters(), new AutoDiff.Optimizers.AdamOptions { LearningRate = 1e-3 });
        Tensor x = Tensor.Normal(new Shape(4, 5), 0f, 1f, seed: 38);
        int[] labels = { 0, 2, 1, 2 };
        for (int warmUp = 0; warmUp < 3; warmUp++)
        {
            model.LossGradient(x, labels);
            optimizer.Step();
        }

        Gradients.AllocationTests.AssertNoAllocationInSteadyState(() => { model.LossGradient(x, labels); optimizer.Step(); }, warmUp: 0, calls: 20);
    }
}

/// <summary>A classifier whose input gradient is requested (saliency maps, adversarial examples).</summary>
public sealed partial class SaliencyModel
{
    [Parameter] public Tensor W1 = Tensor.Normal(new Shape(5, 6), 0f, 0.5f, seed: 81);
    [Parameter] public Tensor B1 = Tensor.Normal(new Shape(6), 0f, 0.1f, seed: 82);
    [Parameter] public Tensor W2 = Tensor.Normal(new Shape(6, 3), 0f, 0.5f, seed: 83);

    [Differentiable]
    public float Loss([RequiresGradient] Tensor x, [NoDerivative] int[] labels)
    {
        Tensor h = TensorOps.Tanh(Layers.Dense(x, W1, B1));
        return TensorOps.SoftmaxCrossEntropy(TensorOps.Add(TensorOps.MatMul(h, W2), TensorOps.MatMul(TensorOps.Tanh(Layers.Dense(x, W1, B1)), W2)), labels);
    }

    /// <summary>The input is reassigned before use: its gradient still reaches the caller's tensor.</summary>
    [Differentiable]
    public float Shifted([RequiresGradient] Tensor x, [NoDerivative] int[] labels)
    {
        Tensor skip = x;
        x = TensorOps.Sigmoid(x);
        x = TensorOps.Add(x, skip);
        return TensorOps.SoftmaxCrossEntropy(TensorOps.MatMul(TensorOps.Tanh(Layers.Dense(x, W1, B1)), W2), labels);
    }
}

public sealed class InputGradientTests
{
    [Fact]
    public void RequiresGradient_InputGradientMatchesFiniteDifferences()
    {
        var model = new SaliencyModel();
        Tensor x = Tensor.Normal(new Shape(3, 5), 0f, 1f, seed: 84);
        int[] labels = { 2, 0, 1 };
        Tensor dx = Tensor.Ones(3, 5); // overwritten, not accumulated

        float value = model.LossGradient(x, labels, dx);

        Assert.Equal(model.Loss(x, labels), value, 5);
        TensorGradientCheck.Check(() => model.Loss(x, labels), x, dx, "x", samples: 0);
    }

    [Fact]
    public void RequiresGradient_ReassignedInput_GradientMatchesFiniteDifferences()
    {
        var model = new SaliencyModel();
        Tensor x = Tensor.Normal(new Shape(3, 5), 0f, 1f, seed: 85);
        int[] labels = { 1, 1, 0 };
        Tensor dx = Tensor.Ones(3, 5);

        model.ShiftedGradient(x, labels, dx);

        TensorGradientCheck.Check(() => model.Shifted(x, labels), x, dx, "x", samples: 0);
    }

    [Fact]
    public void RequiresGradient_WrongShape_IsRefusedNamingBothShapes()
    {
        var model = new SaliencyModel();
        Tensor x = Tensor.Normal(new Shape(3, 5), 0f, 1f, seed: 84);
        var error = Assert.Throws<ArgumentException>(() => model.LossGradient(x, new[] { 0, 1, 2 }, Tensor.Zeros(5, 3)));
        Assert.Contains("[5, 3]", error.Message);
        Assert.Contains("[3, 5]", error.Message);
    }
}

/// <summary>A helper that loops over a stack of layers passed as arrays, called by a model with its [Parameter] arrays.</summary>
public static partial class StackBlocks
{
    [Differentiable]
    public static Tensor ReluStack(Tensor x, Tensor[] weights, Tensor[] biases, [NoDerivative] Tensor[] scales)
    {
        Tensor h = x;
        for (int layer = 0; layer < weights.Length; layer++)
        {
            h = TensorOps.Multiply(TensorOps.Relu(Layers.Dense(h, weights[layer], biases[layer])), scales[layer]);
        }

        return h;
    }
}

public sealed partial class StackModel
{
    [Parameter] public Tensor[] W = { Tensor.Normal(new Shape(4, 5), 0f, 0.6f, seed: 101), Tensor.Normal(new Shape(5, 5), 0f, 0.6f, seed: 102), Tensor.Normal(new Shape(5, 3), 0f, 0.6f, seed: 103) };
    [Parameter] public Tensor[] B = { Tensor.Normal(new Shape(5), 0f, 0.1f, seed: 104), Tensor.Normal(new Shape(5), 0f, 0.1f, seed: 105), Tensor.Normal(new Shape(3), 0f, 0.1f, seed: 106) };
    public Tensor[] Scales = { Tensor.Full(new Shape(3, 5), 1.5f), Tensor.Full(new Shape(3, 5), 0.5f), Tensor.Full(new Shape(3, 3), 2f) };

    [Differentiable]
    public float Loss([RequiresGradient] Tensor x, [NoDerivative] int[] labels) => TensorOps.SoftmaxCrossEntropy(StackBlocks.ReluStack(x, W, B, Scales), labels);
}

public sealed class TensorArrayParameterTests
{
    [Fact]
    public void HelperOverTensorArrays_GradientsMatchFiniteDifferences()
    {
        var model = new StackModel();
        Tensor x = Tensor.Normal(new Shape(3, 4), 0f, 1f, seed: 107);
        int[] labels = { 0, 2, 1 };
        Tensor dx = Tensor.Zeros(3, 4);

        model.LossGradient(x, labels, dx);

        var checks = new List<(Tensor Parameter, Tensor Gradient, string Name)> { (x, dx.Clone(), "x") };
        for (int i = 0; i < 3; i++)
        {
            checks.Add((model.W[i], model.WGradient[i].Clone(), $"W[{i}]"));
            checks.Add((model.B[i], model.BGradient[i].Clone(), $"B[{i}]"));
        }

        foreach (var (parameter, gradient, name) in checks)
        {
            TensorGradientCheck.Check(() => model.Loss(x, labels), parameter, gradient, name, 6);
        }
    }
}
