using Xunit;

namespace AutoDiff.Tests.Composition;

public static partial class ForwardFunctions
{
    [Differentiable(Mode = DifferentiationMode.Forward)]
    public static double Polynomial(double x, double y) => 3 * x * x * y - y / x + Math.Exp(x * y);

    [Differentiable(Mode = DifferentiationMode.Forward)]
    public static double Rosenbrock(ReadOnlySpan<double> x)
    {
        double f = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = 1 - x[i];
            double b = x[i + 1] - x[i] * x[i];
            f += a * a + 100 * b * b;
        }

        return f;
    }

    [Differentiable(Mode = DifferentiationMode.Forward)]
    public static double Branchy(double[] xs, double limit)
    {
        double s = 0;
        foreach (double v in xs)
        {
            if (v < 0)
            {
                continue;
            }

            s += Math.Sin(v) * limit;
            if (s > 3 * limit)
            {
                return Math.Max(s, limit * limit);
            }
        }

        return s;
    }

    [Differentiable(Mode = DifferentiationMode.Forward)]
    public static float Softsign(float x, float scale) => scale * x / (1 + MathF.Abs(x));

    [Differentiable(Mode = DifferentiationMode.Forward)]
    public static double CallsOthers(double[] v, double t) => t * Rosenbrock(v) + Polynomial(t, v[0]);
}

/// <summary>Forward mode (JVP) against finite differences and against reverse mode.</summary>
public sealed class ForwardModeTests
{
    private static double Central(Func<double, double> f, double h = 1e-4) =>
        (-f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h);

    [Theory]
    [InlineData(0.7, 1.3, 1.0, 0.0)]
    [InlineData(0.7, 1.3, 0.0, 1.0)]
    [InlineData(-1.2, 0.4, 0.6, -0.8)]
    public void Jvp_OfScalarFunction_MatchesFiniteDifferencesAndReverseMode(double x, double y, double vx, double vy)
    {
        double value = ForwardFunctions.PolynomialJvp(x, y, vx, vy, out double jvp);
        ForwardFunctions.PolynomialGradient(x, y, out double dx, out double dy);

        Assert.Equal(ForwardFunctions.Polynomial(x, y), value, 12);
        Assert.Equal(Central(h => ForwardFunctions.Polynomial(x + h * vx, y + h * vy)), jvp, 6);
        Assert.Equal(dx * vx + dy * vy, jvp, 10);
    }

    [Fact]
    public void Jvp_OfLoopOverSpan_EqualsGradientDotDirection()
    {
        var random = new Random(7);
        double[] x = Enumerable.Range(0, 9).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] v = Enumerable.Range(0, 9).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] gradient = new double[9];

        ForwardFunctions.RosenbrockJvp(x, v, out double jvp);
        ForwardFunctions.RosenbrockGradient(x, gradient);

        double expected = gradient.Zip(v, (g, d) => g * d).Sum();
        Assert.Equal(expected, jvp, 8);
        Assert.Equal(Central(h => ForwardFunctions.Rosenbrock(x.Zip(v, (a, d) => a + h * d).ToArray())), jvp, 5);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.2)]
    [InlineData(2.0)]
    public void Jvp_ThroughContinueAndEarlyReturn_MatchesReverseMode(double limit)
    {
        double[] xs = { 0.3, -0.2, 1.1, 0.9, -1.0, 1.4, 0.8 };
        double[] direction = { 0.5, 1, -0.25, 0.75, 2, -1, 0.1 };
        double[] gradient = new double[xs.Length];

        ForwardFunctions.BranchyJvp(xs, limit, direction, 0.3, out double jvp);
        ForwardFunctions.BranchyGradient(xs, limit, gradient, out double dlimit);

        Assert.Equal(gradient.Zip(direction, (g, d) => g * d).Sum() + dlimit * 0.3, jvp, 10);
    }

    [Fact]
    public void Jvp_InFloat_MatchesClosedForm()
    {
        float x = -0.6f, scale = 1.5f;
        ForwardFunctions.SoftsignJvp(x, scale, 1f, 0f, out float dx);
        ForwardFunctions.SoftsignJvp(x, scale, 0f, 1f, out float dscale);

        // d/dx [s x / (1 + |x|)] = s / (1 + |x|)²; d/ds = x / (1 + |x|)
        Assert.Equal(scale / ((1 + 0.6f) * (1 + 0.6f)), dx, 5);
        Assert.Equal(x / (1 + 0.6f), dscale, 5);
    }

    [Fact]
    public void Jvp_ThroughCallsToOtherDifferentiableMethods_MatchesFiniteDifferences()
    {
        double[] v = { 0.4, -0.3, 0.8 };
        double[] dv = { 1, 0.5, -2 };
        double t = 0.9, dt = -0.7;

        ForwardFunctions.CallsOthersJvp(v, t, dv, dt, out double jvp);

        double fd = Central(h => ForwardFunctions.CallsOthers(v.Zip(dv, (a, d) => a + h * d).ToArray(), t + h * dt));
        Assert.Equal(fd, jvp, 6);
    }
}
