using AutoDiff.CompilerServices;
using Xunit;

namespace AutoDiff.Tests.Models;

/// <summary>A GRU over a sequence, then a dense head: the runtime's layers called from a user's model.</summary>
public sealed partial class GruClassifier
{
    [Parameter] public Tensor Wx = Tensor.Normal(new Shape(3, 12), 0f, 0.5f, seed: 51);
    [Parameter] public Tensor Wh = Tensor.Normal(new Shape(4, 12), 0f, 0.5f, seed: 52);
    [Parameter] public Tensor Bx = Tensor.Normal(new Shape(12), 0f, 0.1f, seed: 53);
    [Parameter] public Tensor Bh = Tensor.Normal(new Shape(12), 0f, 0.1f, seed: 54);
    [Parameter] public Tensor Head = Tensor.Normal(new Shape(4, 3), 0f, 0.5f, seed: 55);
    [Parameter] public Tensor HeadBias = Tensor.Zeros(3);

    [Differentiable]
    public float Loss(Tensor sequence, Tensor initial, [NoDerivative] int[] labels, [NoDerivative] int steps)
    {
        Tensor h = initial;
        for (int t = 0; t < steps; t++)
        {
            h = Layers.GruCell(TensorOps.TimeStep(sequence, t), h, Wx, Wh, Bx, Bh);
        }

        return TensorOps.SoftmaxCrossEntropy(Layers.Dense(h, Head, HeadBias), labels);
    }
}

/// <summary>An LSTM over a sequence with the runtime's fused LSTM cell.</summary>
public sealed partial class LstmClassifier
{
    [Parameter] public Tensor Wx = Tensor.Normal(new Shape(3, 16), 0f, 0.5f, seed: 61);
    [Parameter] public Tensor Wh = Tensor.Normal(new Shape(4, 16), 0f, 0.5f, seed: 62);
    [Parameter] public Tensor B = Tensor.Normal(new Shape(16), 0f, 0.1f, seed: 63);
    [Parameter] public Tensor Head = Tensor.Normal(new Shape(4, 3), 0f, 0.5f, seed: 64);

    [Differentiable]
    public float Loss(Tensor sequence, Tensor initialState, [NoDerivative] int[] labels, [NoDerivative] int steps)
    {
        Tensor state = initialState;
        for (int t = 0; t < steps; t++)
        {
            state = Layers.LstmCell(TensorOps.TimeStep(sequence, t), state, Wx, Wh, B);
        }

        return TensorOps.SoftmaxCrossEntropy(TensorOps.MatMul(TensorOps.Columns(state, 0, 4), Head), labels);
    }
}

/// <summary>Dense, batch norm and dropout switched by a training flag.</summary>
public sealed partial class NormalisedMlp
{
    [Parameter] public Tensor W1 = Tensor.Normal(new Shape(5, 6), 0f, 0.5f, seed: 71);
    [Parameter] public Tensor B1 = Tensor.Zeros(6);
    [Parameter] public Tensor Gamma = Tensor.Normal(new Shape(6), 1f, 0.2f, seed: 72);
    [Parameter] public Tensor Beta = Tensor.Normal(new Shape(6), 0f, 0.2f, seed: 73);
    [Parameter] public Tensor W2 = Tensor.Normal(new Shape(6, 3), 0f, 0.5f, seed: 74);
    [Parameter] public Tensor B2 = Tensor.Zeros(3);

    public Tensor RunningMean = Tensor.Normal(new Shape(6), 0f, 0.3f, seed: 75);
    public Tensor RunningVariance = Tensor.Normal(new Shape(6), 1.5f, 0.2f, seed: 76);

    public bool Training = true;

    public ulong Step = 7;

    [Differentiable]
    public float Loss(Tensor x, [NoDerivative] int[] labels)
    {
        Tensor h = TensorOps.Tanh(Layers.BatchNorm(Layers.Dense(x, W1, B1), Gamma, Beta, RunningMean, RunningVariance, Training, 0.1f));
        h = Layers.Dropout(h, 0.3f, Training, Step);
        return TensorOps.SoftmaxCrossEntropy(Layers.Dense(h, W2, B2), labels);
    }
}

/// <summary>Every layer's pullback against finite differences, directly and inside models.</summary>
public sealed class LayerTests
{
    private static void Check(Func<float> loss, Tensor parameter, Tensor gradient, string name, int samples = 10) =>
        TensorGradientCheck.Check(loss, parameter, gradient, name, samples);

    /// <summary>⟨layer(inputs), c⟩ for a fixed random c: its gradient is the layer's pullback of c.</summary>
    private static float Project(Tensor y, Tensor c)
    {
        float sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            sum += y.Span[i] * c.Span[i];
        }

        return sum;
    }

    private static Tensor Random(int seed, params int[] dims) => Tensor.Normal(dims.Length == 1 ? new Shape(dims[0]) : new Shape(dims[0], dims[1]), 0f, 0.7f, seed);

    [Fact]
    public void Dense_PullbackMatchesFiniteDifferences()
    {
        Tensor x = Random(1, 4, 5), w = Random(2, 5, 3), b = Random(3, 3), c = Random(4, 4, 3);
        Tensor result = Layers.DenseForward(x, w, b);
        Tensor dx = Tensor.Zeros(4, 5), dw = Tensor.Zeros(5, 3), db = Tensor.Zeros(3);
        Layers.DenseReverse(x, w, b, result, c, dx, dw, db);

        float Objective() => Project(Layers.Dense(x, w, b), c);
        Check(Objective, x, dx, "x");
        Check(Objective, w, dw, "w");
        Check(Objective, b, db, "b");
        Assert.Equal(0, Tape<Tensor>.Shared.Count);
    }

    [Fact]
    public void LstmCell_PullbackMatchesFiniteDifferences()
    {
        Tensor x = Random(11, 2, 3), state = Random(12, 2, 8), wx = Random(13, 3, 16), wh = Random(14, 4, 16), b = Random(15, 16), c = Random(16, 2, 8);
        Tensor result = Layers.LstmCellForward(x, state, wx, wh, b);
        Tensor dx = Tensor.Zeros(2, 3), dstate = Tensor.Zeros(2, 8), dwx = Tensor.Zeros(3, 16), dwh = Tensor.Zeros(4, 16), db = Tensor.Zeros(16);
        Layers.LstmCellReverse(x, state, wx, wh, b, result, c, dx, dstate, dwx, dwh, db);

        float Objective() => Project(Layers.LstmCell(x, state, wx, wh, b), c);
        Check(Objective, x, dx, "x");
        Check(Objective, state, dstate, "state", 16);
        Check(Objective, wx, dwx, "wx", 16);
        Check(Objective, wh, dwh, "wh", 16);
        Check(Objective, b, db, "b", 16);
        Assert.Equal(0, Tape<Tensor>.Shared.Count);
    }

    [Fact]
    public void LstmCell_MatchesTheGateEquations()
    {
        // One unit, one input, hand-computed: z = x·wx + h·wh + b per gate.
        Tensor x = Tensor.FromArray(new[] { 0.5f }, 1, 1);
        Tensor state = Tensor.FromArray(new[] { 0.2f, -0.4f }, 1, 2);
        Tensor wx = Tensor.FromArray(new[] { 0.1f, 0.2f, 0.3f, 0.4f }, 1, 4);
        Tensor wh = Tensor.FromArray(new[] { -0.5f, 0.6f, -0.7f, 0.8f }, 1, 4);
        Tensor b = Tensor.FromArray(new[] { 0.0f, 1.0f, -0.1f, 0.05f }, 4);

        Tensor next = Layers.LstmCell(x, state, wx, wh, b);

        static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
        double Z(int gate) => 0.5 * wx.Span[gate] + 0.2 * wh.Span[gate] + b.Span[gate];
        double c = Sigmoid(Z(1)) * -0.4 + Sigmoid(Z(0)) * Math.Tanh(Z(3));
        double h = Sigmoid(Z(2)) * Math.Tanh(c);
        Assert.Equal(h, next.Span[0], 5);
        Assert.Equal(c, next.Span[1], 5);
    }

    [Fact]
    public void GruCell_PullbackMatchesFiniteDifferences()
    {
        Tensor x = Random(21, 2, 3), h = Random(22, 2, 4), wx = Random(23, 3, 12), wh = Random(24, 4, 12), bx = Random(25, 12), bh = Random(26, 12), c = Random(27, 2, 4);
        Tensor result = Layers.GruCellForward(x, h, wx, wh, bx, bh);
        Tensor dx = Tensor.Zeros(2, 3), dh = Tensor.Zeros(2, 4), dwx = Tensor.Zeros(3, 12), dwh = Tensor.Zeros(4, 12), dbx = Tensor.Zeros(12), dbh = Tensor.Zeros(12);
        Layers.GruCellReverse(x, h, wx, wh, bx, bh, result, c, dx, dh, dwx, dwh, dbx, dbh);

        float Objective() => Project(Layers.GruCell(x, h, wx, wh, bx, bh), c);
        Check(Objective, x, dx, "x");
        Check(Objective, h, dh, "h");
        Check(Objective, wx, dwx, "wx", 16);
        Check(Objective, wh, dwh, "wh", 16);
        Check(Objective, bx, dbx, "bx");
        Check(Objective, bh, dbh, "bh");
        Assert.Equal(0, Tape<Tensor>.Shared.Count);
    }

    [Fact]
    public void GruCell_MatchesPyTorchsEquations()
    {
        Tensor x = Tensor.FromArray(new[] { 0.5f }, 1, 1);
        Tensor h = Tensor.FromArray(new[] { -0.3f }, 1, 1);
        Tensor wx = Tensor.FromArray(new[] { 0.1f, 0.2f, 0.3f }, 1, 3);
        Tensor wh = Tensor.FromArray(new[] { -0.5f, 0.6f, -0.7f }, 1, 3);
        Tensor bx = Tensor.FromArray(new[] { 0.01f, 0.02f, 0.03f }, 3);
        Tensor bh = Tensor.FromArray(new[] { 0.04f, -0.05f, 0.06f }, 3);

        Tensor next = Layers.GruCell(x, h, wx, wh, bx, bh);

        static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
        double r = Sigmoid(0.5 * 0.1 + 0.01 + -0.3 * -0.5 + 0.04);
        double u = Sigmoid(0.5 * 0.2 + 0.02 + -0.3 * 0.6 - 0.05);
        double n = Math.Tanh(0.5 * 0.3 + 0.03 + r * (-0.3 * -0.7 + 0.06));
        Assert.Equal((1 - u) * n + u * -0.3, next.Span[0], 5);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BatchNorm_PullbackMatchesFiniteDifferencesInBothModes(bool training)
    {
        Tensor x = Random(31, 5, 4), gamma = Random(32, 4), beta = Random(33, 4), c = Random(34, 5, 4);
        Tensor mean = Tensor.Zeros(4), variance = Tensor.Ones(4);
        Tensor result = Layers.BatchNormForward(x, gamma, beta, mean, variance, training, 0.1f);
        Tensor dx = Tensor.Zeros(5, 4), dgamma = Tensor.Zeros(4), dbeta = Tensor.Zeros(4);
        Layers.BatchNormReverse(x, gamma, beta, mean, variance, training, 0.1f, result, c, dx, dgamma, dbeta);

        float Objective() => Project(Layers.BatchNorm(x, gamma, beta, mean, variance, training, 0.1f), c);
        Check(Objective, x, dx, "x", 20);
        Check(Objective, gamma, dgamma, "gamma");
        Check(Objective, beta, dbeta, "beta");
    }

    [Fact]
    public void BatchNorm_TrainingUpdatesRunningStatisticsAndInferenceUsesThem()
    {
        float[] column = { 1f, 2f, 3f, 6f };
        Tensor x = Tensor.FromArray(column, 4, 1);
        Tensor gamma = Tensor.Ones(1), beta = Tensor.Zeros(1), mean = Tensor.Zeros(1), variance = Tensor.Ones(1);

        Layers.BatchNorm(x, gamma, beta, mean, variance, training: true, momentum: 0.5f);

        // Batch mean 3, unbiased variance (4 + 1 + 0 + 9) / 3; running = 0.5 · old + 0.5 · batch.
        Assert.Equal(1.5f, mean.Span[0], 5);
        Assert.Equal(0.5f + 0.5f * 14f / 3f, variance.Span[0], 4);
        Tensor y = Layers.BatchNorm(x, gamma, beta, mean, variance, training: false, momentum: 0.5f);
        Assert.Equal((6f - 1.5f) / MathF.Sqrt(variance.Span[0] + 1e-5f), y.Span[3], 4);
    }

    [Fact]
    public void Dropout_DropsAtTheRateScalesTheRestAndIsTheIdentityInInference()
    {
        Tensor x = Tensor.Ones(100, 100);
        Tensor dropped = Layers.Dropout(x, 0.3f, training: true, seed: 5);
        int zeros = 0;
        foreach (float v in dropped.Span)
        {
            Assert.True(v == 0f || Math.Abs(v - 1f / 0.7f) < 1e-5f);
            zeros += v == 0f ? 1 : 0;
        }

        Assert.InRange(zeros, 2700, 3300);
        Assert.Equal(dropped.Span.ToArray(), Layers.Dropout(x, 0.3f, training: true, seed: 5).Span.ToArray());
        Assert.NotEqual(dropped.Span.ToArray(), Layers.Dropout(x, 0.3f, training: true, seed: 6).Span.ToArray());
        Assert.Same(x, Layers.Dropout(x, 0.3f, training: false, seed: 5));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Dropout_PullbackMatchesFiniteDifferences(bool training)
    {
        Tensor x = Random(41, 6, 5), c = Random(42, 6, 5);
        Tensor result = Layers.DropoutForward(x, 0.4f, training, 9);
        Tensor dx = Tensor.Zeros(6, 5);
        Layers.DropoutReverse(x, 0.4f, training, 9, result, c, dx);

        Check(() => Project(Layers.Dropout(x, 0.4f, training, 9), c), x, dx, "x", 20);
    }

    [Fact]
    public void GruModelOverFiveSteps_GradientMatchesFiniteDifferences()
    {
        var model = new GruClassifier();
        Tensor sequence = Tensor.Normal(new Shape(5, 2, 3), 0f, 1f, seed: 56);
        Tensor initial = Tensor.Zeros(2, 4);
        int[] labels = { 1, 2 };

        float value = model.LossGradient(sequence, initial, labels, 5);

        Assert.Equal(model.Loss(sequence, initial, labels, 5), value, 5);
        float Loss() => model.Loss(sequence, initial, labels, 5);
        Check(Loss, model.Wx, model.WxGradient.Clone(), "Wx", 16);
        Check(Loss, model.Wh, model.WhGradient.Clone(), "Wh", 16);
        Check(Loss, model.Bx, model.BxGradient.Clone(), "Bx");
        Check(Loss, model.Bh, model.BhGradient.Clone(), "Bh");
        Check(Loss, model.Head, model.HeadGradient.Clone(), "Head");
        Check(Loss, model.HeadBias, model.HeadBiasGradient.Clone(), "HeadBias");
        Assert.Equal(0, Tape<Tensor>.Shared.Count);
    }

    [Fact]
    public void LstmModelOverFiveSteps_GradientMatchesFiniteDifferences()
    {
        var model = new LstmClassifier();
        Tensor sequence = Tensor.Normal(new Shape(5, 2, 3), 0f, 1f, seed: 65);
        Tensor initial = Tensor.Zeros(2, 8);
        int[] labels = { 0, 2 };

        model.LossGradient(sequence, initial, labels, 5);

        float Loss() => model.Loss(sequence, initial, labels, 5);
        Check(Loss, model.Wx, model.WxGradient.Clone(), "Wx", 16);
        Check(Loss, model.Wh, model.WhGradient.Clone(), "Wh", 16);
        Check(Loss, model.B, model.BGradient.Clone(), "B", 16);
        Check(Loss, model.Head, model.HeadGradient.Clone(), "Head");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NormalisedMlp_GradientMatchesFiniteDifferencesInBothModes(bool training)
    {
        var model = new NormalisedMlp { Training = training };
        Tensor x = Tensor.Normal(new Shape(6, 5), 0f, 1f, seed: 77);
        int[] labels = { 0, 1, 2, 0, 1, 2 };

        model.LossGradient(x, labels);

        float Loss() => model.Loss(x, labels);
        Check(Loss, model.W1, model.W1Gradient.Clone(), "W1");
        Check(Loss, model.B1, model.B1Gradient.Clone(), "B1");
        Check(Loss, model.Gamma, model.GammaGradient.Clone(), "Gamma");
        Check(Loss, model.Beta, model.BetaGradient.Clone(), "Beta");
        Check(Loss, model.W2, model.W2Gradient.Clone(), "W2");
    }

    [Fact]
    public void TrainingStepsThroughRuntimeLayers_AllocateNothing()
    {
        var gru = new GruClassifier();
        var mlp = new NormalisedMlp();
        var gruOptimizer = new AutoDiff.Optimizers.Adam(gru.GetParameters(), new AutoDiff.Optimizers.AdamOptions { LearningRate = 1e-3 });
        var mlpOptimizer = new AutoDiff.Optimizers.Adam(mlp.GetParameters(), new AutoDiff.Optimizers.AdamOptions { LearningRate = 1e-3 });
        Tensor sequence = Tensor.Normal(new Shape(5, 2, 3), 0f, 1f, seed: 56);
        Tensor initial = Tensor.Zeros(2, 4);
        Tensor x = Tensor.Normal(new Shape(6, 5), 0f, 1f, seed: 77);
        int[] sequenceLabels = { 1, 2 };
        int[] labels = { 0, 1, 2, 0, 1, 2 };
        void Step()
        {
            gru.LossGradient(sequence, initial, sequenceLabels, 5);
            gruOptimizer.Step();
            mlp.Step++;
            mlp.LossGradient(x, labels);
            mlpOptimizer.Step();
        }

        for (int warmUp = 0; warmUp < 3; warmUp++)
        {
            Step();
        }

        Gradients.AllocationTests.AssertNoAllocationInSteadyState(() => { Step(); }, warmUp: 0, calls: 20);
    }
}

/// <summary>Every other activation and loss, in one model (smooth ones only, so finite differences apply everywhere).</summary>
public sealed partial class ActivationZoo
{
    [Parameter] public Tensor W1 = Tensor.Normal(new Shape(4, 6), 0f, 0.6f, seed: 111);
    [Parameter] public Tensor W2 = Tensor.Normal(new Shape(6, 6), 0f, 0.6f, seed: 112);
    [Parameter] public Tensor W3 = Tensor.Normal(new Shape(6, 3), 0f, 0.6f, seed: 113);
    [Parameter] public Tensor W4 = Tensor.Normal(new Shape(3, 3), 0f, 0.6f, seed: 114);

    [Differentiable]
    public float Loss(Tensor x, [NoDerivative] Tensor targets)
    {
        Tensor h = TensorOps.Gelu(TensorOps.MatMul(x, W1));
        h = TensorOps.Elu(TensorOps.MatMul(h, W2), 1f);
        h = TensorOps.LeakyRelu(TensorOps.MatMul(h, W3), 0.1f);
        Tensor p = TensorOps.Softmax(h);
        Tensor q = TensorOps.LogSoftmax(TensorOps.MatMul(p, W4));
        return TensorOps.BinaryCrossEntropyWithLogits(TensorOps.Add(q, p), targets) + 0.1f * TensorOps.Mean(TensorOps.Multiply(h, h)) + 0.01f * TensorOps.Sum(q);
    }
}

public sealed class ActivationZooTests
{
    [Fact]
    public void ActivationsAndLosses_GradientMatchesFiniteDifferences()
    {
        var model = new ActivationZoo();
        Tensor x = Tensor.Normal(new Shape(5, 4), 0f, 1f, seed: 115);
        Tensor targets = Tensor.Uniform(new Shape(5, 3), 0f, 1f, seed: 116);

        float value = model.LossGradient(x, targets);

        Assert.Equal(model.Loss(x, targets), value, 5);
        float Loss() => model.Loss(x, targets);
        TensorGradientCheck.Check(Loss, model.W1, model.W1Gradient.Clone(), "W1", 12);
        TensorGradientCheck.Check(Loss, model.W2, model.W2Gradient.Clone(), "W2", 12);
        TensorGradientCheck.Check(Loss, model.W3, model.W3Gradient.Clone(), "W3", 12);
        TensorGradientCheck.Check(Loss, model.W4, model.W4Gradient.Clone(), "W4", 9);
    }
}

/// <summary>The image layers and a residual connection, written as Layers calls.</summary>
public sealed partial class LayeredCnn
{
    [Parameter] public Tensor C1 = Tensor.Normal(new Shape(4, 1, 3, 3), 0f, 0.4f, seed: 121);
    [Parameter] public Tensor C1b = Tensor.Normal(new Shape(4), 0f, 0.1f, seed: 122);
    [Parameter] public Tensor C2 = Tensor.Normal(new Shape(4, 4, 3, 3), 0f, 0.3f, seed: 123);
    [Parameter] public Tensor C2b = Tensor.Normal(new Shape(4), 0f, 0.1f, seed: 124);
    [Parameter] public Tensor D = Tensor.Normal(new Shape(4, 3), 0f, 0.4f, seed: 125);
    [Parameter] public Tensor Db = Tensor.Zeros(3);

    [Differentiable]
    public float Loss(Tensor images, [NoDerivative] int[] labels)
    {
        Tensor h = Layers.MaxPool2D(TensorOps.Tanh(Layers.Conv2D(images, C1, C1b, 1, 0)), 2);          // [N,4,5,5]
        h = Layers.Residual(h, TensorOps.Tanh(Layers.Conv2D(h, C2, C2b, 1, 1)));                         // [N,4,5,5]
        h = Layers.Flatten(Layers.AvgPool2D(h, 5));                                                      // [N,4]
        return TensorOps.SoftmaxCrossEntropy(Layers.Dense(h, D, Db), labels);
    }
}

public sealed class LayeredCnnTests
{
    [Fact]
    public void ImageLayers_GradientMatchesFiniteDifferences()
    {
        var model = new LayeredCnn();
        Tensor images = Tensor.Normal(new Shape(3, 1, 12, 12), 0f, 1f, seed: 126);
        int[] labels = { 2, 0, 1 };

        model.LossGradient(images, labels);

        float Loss() => model.Loss(images, labels);
        TensorGradientCheck.Check(Loss, model.C1, model.C1Gradient.Clone(), "C1", 12);
        TensorGradientCheck.Check(Loss, model.C1b, model.C1bGradient.Clone(), "C1b");
        TensorGradientCheck.Check(Loss, model.C2, model.C2Gradient.Clone(), "C2", 12);
        TensorGradientCheck.Check(Loss, model.C2b, model.C2bGradient.Clone(), "C2b");
        TensorGradientCheck.Check(Loss, model.D, model.DGradient.Clone(), "D");
    }
}
