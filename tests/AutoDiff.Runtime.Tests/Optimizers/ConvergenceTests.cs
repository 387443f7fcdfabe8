using AutoDiff.Optimizers;
using Xunit;

namespace AutoDiff.Runtime.Tests.Optimizers;

public class ConvergenceTests
{
    public static TheoryData<string> RosenbrockOptimizers => ["sgd-momentum", "nesterov", "adam", "adamw-amsgrad", "rmsprop"];

    /// <summary>
    /// Rosenbrock f(x, y) = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1), from the classic start (−1.2, 1).
    /// ∂f/∂x = −2(1 − x) − 400x(y − x²), ∂f/∂y = 200(y − x²).
    /// </summary>
    [Theory]
    [MemberData(nameof(RosenbrockOptimizers))]
    public void Rosenbrock_ConvergesToTheMinimum(string name)
    {
        ParameterSlot xy = ParameterSlot.Create("xy", 2);
        xy.Value.Span[0] = -1.2f;
        xy.Value.Span[1] = 1f;
        (Optimizer optimizer, int steps) = name switch
        {
            "sgd-momentum" => ((Optimizer)new Sgd([xy], new SgdOptions { LearningRate = 1e-3, Momentum = 0.9 }), 20_000),
            "nesterov" => (new Sgd([xy], new SgdOptions { LearningRate = 1e-3, Momentum = 0.9, Nesterov = true }), 20_000),
            "adam" => (new Adam([xy], new AdamOptions { LearningRate = 2e-2 }), 20_000),
            "adamw-amsgrad" => (new AdamW([xy], new AdamWOptions { LearningRate = 2e-2, WeightDecay = 0, AmsGrad = true }), 20_000),
            _ => (new RmsProp([xy], new RmsPropOptions { LearningRate = 1e-3 }), 20_000),
        };

        for (int step = 0; step < steps; step++)
        {
            float x = xy.Value.Span[0], y = xy.Value.Span[1];
            xy.Gradient.Span[0] = (-2 * (1 - x)) - (400 * x * (y - (x * x)));
            xy.Gradient.Span[1] = 200 * (y - (x * x));
            optimizer.Step();
        }

        float fx = xy.Value.Span[0], fy = xy.Value.Span[1];
        double f = ((1 - fx) * (1 - fx)) + (100 * (fy - (fx * fx)) * (fy - (fx * fx)));
        Assert.True(Math.Abs(fx - 1) < 2e-2 && Math.Abs(fy - 1) < 4e-2 && f < 1e-3, $"{name} ended at ({fx}, {fy}), f = {f}");
    }

    [Fact]
    public void Xor_MlpWithAdam_LearnsAllFourCases()
    {
        var model = new XorMlp(seed: 2);
        var adam = new Adam(model.Parameters, new AdamOptions { LearningRate = 0.05 });
        int[] all = [0, 1, 2, 3];
        float loss = model.LossAndGradient(all);
        float initialLoss = loss;
        for (int step = 0; step < 1000; step++)
        {
            adam.Step();
            loss = model.LossAndGradient(all);
        }

        Assert.True(loss < 0.05f && initialLoss > 0.5f, $"loss went from {initialLoss} to {loss}");
        Span<float> hidden = stackalloc float[XorMlp.Hidden];
        for (int sample = 0; sample < 4; sample++)
        {
            Assert.Equal(XorMlp.Targets[sample], model.Predict(sample, hidden) > 0.5f ? 1f : 0f);
        }
    }

    [Fact]
    public void Xor_MlpWithSgdMomentum_LearnsAllFourCases()
    {
        var model = new XorMlp(seed: 2);
        var sgd = new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.5, Momentum = 0.9 });
        int[] all = [0, 1, 2, 3];
        float loss = 0;
        for (int step = 0; step < 2000; step++)
        {
            loss = model.LossAndGradient(all);
            sgd.Step();
        }

        loss = model.LossAndGradient(all);
        Assert.True(loss < 0.05f, $"final loss {loss}");
    }
}
