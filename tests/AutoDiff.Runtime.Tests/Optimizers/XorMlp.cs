using AutoDiff.Optimizers;

namespace AutoDiff.Runtime.Tests.Optimizers;

/// <summary>
/// A 2-4-1 perceptron for XOR with a hand-written gradient: h = tanh(W1·x + b1), p = σ(w2·h + b2), and the mean
/// binary cross-entropy L = −mean(y·log p + (1 − y)·log(1 − p)) over the samples of a batch.
/// </summary>
/// <remarks>
/// Backward pass (per sample, then divided by the batch size): ∂L/∂z = p − y; ∂w2 = ∂z·h; ∂b2 = ∂z;
/// ∂a = ∂z·w2 ⊙ (1 − h²); ∂W1 = ∂a·xᵀ; ∂b1 = ∂a.
/// </remarks>
internal sealed class XorMlp
{
    public const int Hidden = 4;
    public static readonly float[][] Inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
    public static readonly float[] Targets = [0, 1, 1, 0];

    public XorMlp(int seed)
    {
        W1 = ParameterSlot.Create("hidden.weight", Hidden, 2);
        B1 = ParameterSlot.Create("hidden.bias", Hidden);
        W2 = ParameterSlot.Create("output.weight", 1, Hidden);
        B2 = ParameterSlot.Create("output.bias", 1);
        var random = new Random(seed);
        foreach (ParameterSlot slot in new[] { W1, W2 })
        {
            Span<float> values = slot.Value.Span;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)((random.NextDouble() * 2) - 1);
            }
        }

        Parameters = [W1, B1, W2, B2];
    }

    public ParameterSlot W1 { get; }

    public ParameterSlot B1 { get; }

    public ParameterSlot W2 { get; }

    public ParameterSlot B2 { get; }

    public IReadOnlyList<ParameterSlot> Parameters { get; }

    public float Predict(int sample, Span<float> hidden)
    {
        ReadOnlySpan<float> w1 = W1.Value.Span, b1 = B1.Value.Span, w2 = W2.Value.Span;
        float[] x = Inputs[sample];
        float z = B2.Value.Span[0];
        for (int j = 0; j < Hidden; j++)
        {
            hidden[j] = MathF.Tanh((w1[(j * 2) + 0] * x[0]) + (w1[(j * 2) + 1] * x[1]) + b1[j]);
            z += w2[j] * hidden[j];
        }

        return 1f / (1f + MathF.Exp(-z));
    }

    /// <summary>Writes the mean gradient over <paramref name="samples"/> and returns the mean loss.</summary>
    public float LossAndGradient(ReadOnlySpan<int> samples)
    {
        Span<float> gw1 = W1.Gradient.Span, gb1 = B1.Gradient.Span, gw2 = W2.Gradient.Span, gb2 = B2.Gradient.Span;
        gw1.Clear();
        gb1.Clear();
        gw2.Clear();
        gb2.Clear();
        Span<float> h = stackalloc float[Hidden];
        ReadOnlySpan<float> w2 = W2.Value.Span;
        float scale = 1f / samples.Length, loss = 0;
        foreach (int sample in samples)
        {
            float p = Predict(sample, h), y = Targets[sample];
            loss -= (y * MathF.Log(p)) + ((1 - y) * MathF.Log(1 - p));
            float dz = (p - y) * scale;
            gb2[0] += dz;
            for (int j = 0; j < Hidden; j++)
            {
                gw2[j] += dz * h[j];
                float da = dz * w2[j] * (1 - (h[j] * h[j]));
                gb1[j] += da;
                gw1[(j * 2) + 0] += da * Inputs[sample][0];
                gw1[(j * 2) + 1] += da * Inputs[sample][1];
            }
        }

        return loss * scale;
    }
}
