using Xunit;

namespace AutoDiff.Tests.Models;

/// <summary>
/// A 2-layer LSTM over a sequence, written out with tensor ops (gates as in Hochreiter and Schmidhuber, with a
/// forget gate): per layer and step, i, f, o = σ(x Wₓ + h Wₕ + b), g = tanh(…), c = f ⊙ c + i ⊙ g, h = o ⊙ tanh(c).
/// </summary>
public sealed partial class TwoLayerLstm
{
    public TwoLayerLstm(int inputs, int hidden, int classes)
    {
        Wx = new Tensor[8];
        Wh = new Tensor[8];
        B = new Tensor[8];
        for (int gate = 0; gate < 8; gate++)
        {
            int layer = gate / 4;
            Wx[gate] = Tensor.Normal(new Shape(layer == 0 ? inputs : hidden, hidden), 0f, 0.4f, seed: 10 + gate);
            Wh[gate] = Tensor.Normal(new Shape(hidden, hidden), 0f, 0.4f, seed: 20 + gate);
            B[gate] = Tensor.Normal(new Shape(hidden), 0f, 0.1f, seed: 30 + gate);
        }

        Head = Tensor.Normal(new Shape(hidden, classes), 0f, 0.5f, seed: 40);
    }

    /// <summary>Input weights of the gates i, f, o, g of layer 0 (0–3) and layer 1 (4–7).</summary>
    [Parameter] public Tensor[] Wx;

    /// <summary>Recurrent weights, same order.</summary>
    [Parameter] public Tensor[] Wh;

    /// <summary>Biases, same order.</summary>
    [Parameter] public Tensor[] B;

    [Parameter] public Tensor Head;

    [Differentiable]
    public float Loss(Tensor sequence, Tensor initial, [NoDerivative] int[] labels, [NoDerivative] int steps)
    {
        Tensor h0 = initial;
        Tensor c0 = initial;
        Tensor h1 = initial;
        Tensor c1 = initial;
        for (int t = 0; t < steps; t++)
        {
            Tensor x = TensorOps.TimeStep(sequence, t);
            Tensor i0 = TensorOps.Sigmoid(TensorOps.AddBias(TensorOps.Add(TensorOps.MatMul(x, Wx[0]), TensorOps.MatMul(h0, Wh[0])), B[0]));
            Tensor f0 = TensorOps.Sigmoid(TensorOps.AddBias(TensorOps.Add(TensorOps.MatMul(x, Wx[1]), TensorOps.MatMul(h0, Wh[1])), B[1]));
            Tensor o0 = TensorOps.Sigmoid(TensorOps.AddBias(TensorOps.Add(TensorOps.MatMul(x, Wx[2]), TensorOps.MatMul(h0, Wh[2])), B[2]));
            Tensor g0 = TensorOps.Tanh(TensorOps.AddBias(TensorOps.Add(TensorOps.MatMul(x, Wx[3]), TensorOps.MatMul(h0, Wh[3])), B[3]));
            c0 = TensorOps.Add(TensorOps.Multiply(f0, c0), TensorOps.Multiply(i0, g0));
            h0 = TensorOps.Multiply(o0, TensorOps.Tanh(c0));

            Tensor i1 = TensorOps.Sigmoid(TensorOps.AddBias(TensorOps.Add(TensorOps.MatMul(h0, Wx[4]), TensorOps.MatMul(h1, Wh[4])), B[4]));
            Tensor f1 = TensorOps.Sigmoid(TensorOps.AddBias(TensorOps.Add(TensorOps.MatMul(h0, Wx[5]), TensorOps.MatMul(h1, Wh[5])), B[5]));
            Tensor o1 = TensorOps.Sigmoid(TensorOps.AddBias(TensorOps.Add(TensorOps.MatMul(h0, Wx[6]), TensorOps.MatMul(h1, Wh[6])), B[6]));
            Tensor g1 = TensorOps.Tanh(TensorOps.AddBias(TensorOps.Add(TensorOps.MatMul(h0, Wx[7]), TensorOps.MatMul(h1, Wh[7])), B[7]));
            c1 = TensorOps.Add(TensorOps.Multiply(f1, c1), TensorOps.Multiply(i1, g1));
            h1 = TensorOps.Multiply(o1, TensorOps.Tanh(c1));
        }

        return TensorOps.SoftmaxCrossEntropy(TensorOps.MatMul(h1, Head), labels);
    }
}

public sealed class LstmModelTests
{
    [Fact]
    public void TwoLayerLstmOverFiveSteps_GradientMatchesFiniteDifferences()
    {
        var model = new TwoLayerLstm(inputs: 3, hidden: 4, classes: 3);
        Tensor sequence = Tensor.Normal(new Shape(5, 2, 3), 0f, 1f, seed: 7);
        Tensor initial = Tensor.Zeros(2, 4);
        int[] labels = { 2, 0 };

        float value = model.LossGradient(sequence, initial, labels, 5);

        Assert.Equal(model.Loss(sequence, initial, labels, 5), value, 5);
        var random = new Random(11);
        var checks = new List<(Tensor Parameter, Tensor Gradient, string Name)> { (model.Head, model.HeadGradient.Clone(), "Head") };
        for (int gate = 0; gate < 8; gate++)
        {
            checks.Add((model.Wx[gate], model.WxGradient[gate].Clone(), $"Wx[{gate}]"));
            checks.Add((model.Wh[gate], model.WhGradient[gate].Clone(), $"Wh[{gate}]"));
            checks.Add((model.B[gate], model.BGradient[gate].Clone(), $"B[{gate}]"));
        }

        foreach (var (parameter, gradient, name) in checks)
        {
            Span<float> values = parameter.Span;
            for (int sample = 0; sample < 2; sample++)
            {
                int i = random.Next(values.Length);
                float original = values[i];
                const float h = 1e-3f;
                values[i] = original + h;
                double plus = model.Loss(sequence, initial, labels, 5);
                values[i] = original - h;
                double minus = model.Loss(sequence, initial, labels, 5);
                values[i] = original;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - gradient.Span[i]) <= 2e-3 + 3e-2 * Math.Abs(numeric), $"{name}[{i}]: generated {gradient.Span[i]}, finite differences {numeric}");
            }
        }
    }

    [Fact]
    public void TwoLayerLstmStep_AllocatesNothing()
    {
        var model = new TwoLayerLstm(inputs: 3, hidden: 4, classes: 3);
        var optimizer = new AutoDiff.Optimizers.Adam(model.GetParameters(), new AutoDiff.Optimizers.AdamOptions { LearningRate = 1e-3 });
        Tensor sequence = Tensor.Normal(new Shape(5, 2, 3), 0f, 1f, seed: 7);
        Tensor initial = Tensor.Zeros(2, 4);
        int[] labels = { 2, 0 };
        for (int warmUp = 0; warmUp < 3; warmUp++)
        {
            model.LossGradient(sequence, initial, labels, 5);
            optimizer.Step();
        }

        Gradients.AllocationTests.AssertNoAllocationInSteadyState(() => { model.LossGradient(sequence, initial, labels, 5); optimizer.Step(); }, warmUp: 0, calls: 20);
    }
}
