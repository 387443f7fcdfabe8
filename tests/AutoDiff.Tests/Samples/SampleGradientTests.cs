using AutoDiff.Optimizers;
using AutoDiff.Samples.Regression;
using AutoDiff.Samples.Xor;
using AutoDiff.Training;
using Xunit;

namespace AutoDiff.Tests.Samples;

/// <summary>The samples' generated gradients against central finite differences.</summary>
public sealed class SampleGradientTests
{
    [Fact]
    public void MlpRegressorGradientMatchesFiniteDifferences()
    {
        RegressionData data = RegressionData.Create(64, 0, 10, new TrainingRandom(3));
        var model = new MlpRegressor(data, hidden1: 12, hidden2: 6, new TrainingRandom(4));
        foreach (ParameterSlot bias in model.Parameters.Where(p => p.Name.EndsWith("bias", StringComparison.Ordinal)))
        {
            bias.Value.Span.Fill(0.05f); // non-zero biases, so their gradients are exercised
        }

        int[] batch = [3, 17, 17, 40, 63, 0, 22];
        model.ComputeLossAndGradients(batch);
        float Loss() => (float)(model.Evaluate(DataSplit.Training, batch).LossSum / batch.Length);

        var random = new Random(5);
        foreach (ParameterSlot parameter in model.Parameters)
        {
            Span<float> value = parameter.Value.Span;
            for (int trial = 0; trial < Math.Min(parameter.Length, 12); trial++)
            {
                int i = random.Next(parameter.Length);
                float original = value[i];
                const float h = 1e-3f;
                value[i] = original + h;
                double up = Loss();
                value[i] = original - h;
                double down = Loss();
                value[i] = original;
                double numeric = (up - down) / (2 * h);
                double analytic = parameter.Gradient.Span[i];
                Assert.True(
                    Math.Abs(numeric - analytic) <= 2e-3 + 0.02 * Math.Abs(numeric),
                    $"{parameter.Name}[{i}]: generated {analytic}, finite difference {numeric}");
            }
        }
    }

    [Fact]
    public void XorMlpGradientMatchesFiniteDifferences()
    {
        float[] w1 = [0.3f, -0.7f, 1.1f, 0.4f], b1 = [0.1f, -0.2f], w2 = [0.9f, -1.3f], b2 = [0.05f];
        float[] dw1 = new float[4], db1 = new float[2], dw2 = new float[2], db2 = new float[1];
        XorSample.MlpLossGradient(w1, b1, w2, b2, XorSample.Inputs, XorSample.Labels, dw1, db1, dw2, db2);

        foreach ((float[] value, float[] gradient) in new[] { (w1, dw1), (b1, db1), (w2, dw2), (b2, db2) })
        {
            for (int i = 0; i < value.Length; i++)
            {
                float original = value[i];
                const float h = 1e-3f;
                value[i] = original + h;
                double up = XorSample.MlpLoss(w1, b1, w2, b2, XorSample.Inputs, XorSample.Labels);
                value[i] = original - h;
                double down = XorSample.MlpLoss(w1, b1, w2, b2, XorSample.Inputs, XorSample.Labels);
                value[i] = original;
                Assert.Equal((up - down) / (2 * h), gradient[i], 1e-3);
            }
        }
    }
}
