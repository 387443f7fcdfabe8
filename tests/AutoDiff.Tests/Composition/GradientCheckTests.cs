using Xunit;

namespace AutoDiff.Tests.Composition;

public static partial class CheckedFunctions
{
    [Differentiable]
    public static double Energy(ReadOnlySpan<double> x)
    {
        double e = 0;
        for (int i = 0; i < x.Length; i++)
        {
            e += Math.Cos(x[i]) * (i + 1) + x[i] * x[(i + 1) % x.Length];
        }

        return e;
    }

    [Differentiable]
    public static float Smooth(ReadOnlySpan<float> x) => MathF.Tanh(x[0] * x[1]) + x[2] * x[2];

    /// <summary>A hand-written gradient with a deliberate mistake in element 2 (a missing factor 3).</summary>
    public static double WrongGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        double value = EnergyGradient(x, gradient);
        gradient[2] += Math.Sin(x[2]) * 3; // drops the -3 sin(x2) term: wrong
        return value;
    }
}

public sealed class GradientCheckTests
{
    private static readonly double[] Point = { 0.3, -1.2, 0.8, 2.0, -0.4 };

    [Fact]
    public void GeneratedGradient_PassesTheCheck()
    {
        GradientCheckResult result = GradientCheck.Check(CheckedFunctions.Energy, CheckedFunctions.EnergyGradient, Point);

        Assert.True(result.Passed, result.ToString());
        result.ThrowIfFailed();
    }

    [Fact]
    public void WrongGradient_FailsAndNamesTheWorstElement()
    {
        GradientCheckResult result = GradientCheck.Check(CheckedFunctions.Energy, CheckedFunctions.WrongGradient, Point);

        Assert.False(result.Passed);
        Assert.Equal(1, result.FailedElements);
        Assert.Equal(2, result.WorstIndex);
        Assert.Equal(-3 * Math.Sin(0.8) + Point[3] + Point[1], result.Numeric, 6);
        Assert.Contains("[2]", result.ToString(), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(result.ThrowIfFailed);
    }

    [Fact]
    public void FloatGradient_PassesWithFloatTolerances()
    {
        float[] x = { 0.4f, -0.7f, 1.1f };

        GradientCheckResult result = GradientCheck.Check(CheckedFunctions.Smooth, CheckedFunctions.SmoothGradient, x);

        Assert.True(result.Passed, result.ToString());
    }
}
