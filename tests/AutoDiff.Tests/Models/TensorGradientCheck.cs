using Xunit;

namespace AutoDiff.Tests.Models;

/// <summary>A tensor gradient against central finite differences (float32 models: h = 1e-2, loose tolerances).</summary>
internal static class TensorGradientCheck
{
    /// <summary>
    /// Checks <paramref name="samples"/> random entries of <paramref name="gradient"/> (all entries when
    /// <paramref name="samples"/> is 0) against central differences (loss(p + h) − loss(p − h)) / 2h, perturbing
    /// <paramref name="parameter"/> in place and restoring it. An entry whose differences at h = 1e-2 and h = 2.5e-3
    /// disagree sits next to a kink of ReLU or max-pooling, where finite differences say nothing: it is skipped, and
    /// at most a third of the entries may be.
    /// </summary>
    public static void Check(Func<float> loss, Tensor parameter, Tensor gradient, string name, int samples = 10, double absolute = 3e-3, double relative = 3e-2)
    {
        var random = new Random(name.Length * 104729 + name[0]);
        Span<float> values = parameter.Span;
        int count = samples == 0 ? values.Length : Math.Min(samples, values.Length);
        int skipped = 0;
        for (int sample = 0; sample < count; sample++)
        {
            int i = samples == 0 ? sample : random.Next(values.Length);
            double coarse = Central(loss, parameter, i, 1e-2f);
            double fine = Central(loss, parameter, i, 2.5e-3f);
            if (Math.Abs(coarse - fine) > absolute + relative * Math.Abs(fine))
            {
                skipped++;
                continue;
            }

            double analytic = gradient.Span[i];
            Assert.True(Math.Abs(fine - analytic) <= absolute + relative * Math.Abs(fine), $"{name}[{i}]: generated {analytic}, finite differences {fine}");
        }

        Assert.True(skipped * 3 <= count, $"{name}: {skipped} of {count} entries sit at kinks; finite differences cannot check this gradient");
    }

    private static double Central(Func<float> loss, Tensor parameter, int i, float h)
    {
        Span<float> values = parameter.Span;
        float original = values[i];
        values[i] = original + h;
        double plus = loss();
        values[i] = original - h;
        double minus = loss();
        values[i] = original;
        return (plus - minus) / (2 * h);
    }
}
