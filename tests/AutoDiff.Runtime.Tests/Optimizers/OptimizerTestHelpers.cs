using AutoDiff.Optimizers;
using Xunit;

namespace AutoDiff.Runtime.Tests.Optimizers;

/// <summary>
/// Runs an optimizer on one 19-element tensor holding two independent "lanes": even elements follow trajectory A,
/// odd elements trajectory B. 19 elements cover both the 8-wide vector body and the scalar tail of every kernel.
/// </summary>
internal static class OptimizerTestHelpers
{
    public const int Length = 19;

    public static void AssertTrajectories(
        Func<IReadOnlyList<ParameterSlot>, Optimizer> createOptimizer,
        (double Theta0, double[] Gradients, double[] Expected) laneA,
        (double Theta0, double[] Gradients, double[] Expected) laneB,
        double relativeTolerance = 2e-6)
    {
        ParameterSlot slot = ParameterSlot.Create("w", Length);
        Span<float> value = slot.Value.Span;
        for (int i = 0; i < Length; i++)
        {
            value[i] = (float)(i % 2 == 0 ? laneA.Theta0 : laneB.Theta0);
        }

        Optimizer optimizer = createOptimizer([slot]);
        for (int step = 0; step < laneA.Gradients.Length; step++)
        {
            Span<float> gradient = slot.Gradient.Span;
            for (int i = 0; i < Length; i++)
            {
                gradient[i] = (float)(i % 2 == 0 ? laneA.Gradients[step] : laneB.Gradients[step]);
            }

            optimizer.Step();
            for (int i = 0; i < Length; i++)
            {
                double expected = i % 2 == 0 ? laneA.Expected[step] : laneB.Expected[step];
                AssertClose(expected, slot.Value.Span[i], relativeTolerance, $"step {step + 1}, element {i}");
            }
        }

        Assert.Equal(laneA.Gradients.Length, optimizer.StepCount);
    }

    public static void AssertClose(double expected, double actual, double relativeTolerance, string where = "")
    {
        double tolerance = relativeTolerance * Math.Max(1e-3, Math.Abs(expected));
        Assert.True(
            Math.Abs(expected - actual) <= tolerance,
            $"{where}: expected {expected:R}, got {actual:R} (difference {Math.Abs(expected - actual):E3}, tolerance {tolerance:E3})");
    }
}
