using Xunit;

namespace AutoDiff.Tests.Composition;

public static partial class SecondOrderFunctions
{
    [Differentiable(Mode = DifferentiationMode.SecondOrder)]
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

    [Differentiable(Mode = DifferentiationMode.SecondOrder)]
    public static double Mixed(double x, double y)
    {
        double s = Math.Sin(x * y) + Math.Exp(x) / y;
        if (s > 1)
        {
            s = s * s;
        }

        return s + Math.Log(y) * x;
    }

    [Differentiable(Mode = DifferentiationMode.SecondOrder)]
    public static double LogSumExp(double[] z)
    {
        double max = z[0];
        for (int i = 1; i < z.Length; i++)
        {
            max = Math.Max(max, z[i]);
        }

        double sum = 0;
        foreach (double v in z)
        {
            sum += Math.Exp(v - max);
        }

        return max + Math.Log(sum);
    }
}

/// <summary>Hessian-vector products (forward over reverse) and full Hessians against closed forms and finite differences.</summary>
public sealed class SecondOrderTests
{
    [Fact]
    public void Hessian_OfRosenbrock_MatchesClosedForm()
    {
        double[] x = { -0.8, 1.2, 0.5 };
        double[] hessian = new double[9];

        SecondOrderFunctions.RosenbrockHessian(x, hessian);

        // f = Σ (1 - x_i)² + 100 (x_{i+1} - x_i²)²; for n = 3:
        // H00 = 2 - 400 (x1 - x0²) + 800 x0², H01 = -400 x0, H11 = 200 + 2 - 400 (x2 - x1²) + 800 x1², H12 = -400 x1, H22 = 200
        double[,] expected =
        {
            { 2 - 400 * (x[1] - x[0] * x[0]) + 800 * x[0] * x[0], -400 * x[0], 0 },
            { -400 * x[0], 202 - 400 * (x[2] - x[1] * x[1]) + 800 * x[1] * x[1], -400 * x[1] },
            { 0, -400 * x[1], 200 },
        };
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(expected[i, j], hessian[i * 3 + j], 9);
            }
        }
    }

    [Theory]
    [InlineData(0.3, 1.7, 1.0, 0.0)]
    [InlineData(0.9, 2.5, -0.4, 1.3)]
    [InlineData(0.2, 0.6, 0.7, 0.7)]
    public void HessianVectorProduct_OfScalars_MatchesFiniteDifferencesOfTheGradient(double x, double y, double vx, double vy)
    {
        double value = SecondOrderFunctions.MixedHessianVectorProduct(x, y, vx, vy, out double gx, out double gy, out double hx, out double hy);

        const double h = 1e-5;
        SecondOrderFunctions.MixedGradient(x + h * vx, y + h * vy, out double gxPlus, out double gyPlus);
        SecondOrderFunctions.MixedGradient(x - h * vx, y - h * vy, out double gxMinus, out double gyMinus);
        SecondOrderFunctions.MixedGradient(x, y, out double gx0, out double gy0);

        Assert.Equal(SecondOrderFunctions.Mixed(x, y), value, 12);
        Assert.Equal(gx0, gx, 12);
        Assert.Equal(gy0, gy, 12);
        Assert.Equal((gxPlus - gxMinus) / (2 * h), hx, 5);
        Assert.Equal((gyPlus - gyMinus) / (2 * h), hy, 5);
    }

    [Fact]
    public void Hessian_OfLogSumExp_MatchesClosedForm()
    {
        // H = diag(p) - p pᵀ with p = softmax(z)
        double[] z = { 0.5, -1.0, 2.0, 0.0 };
        double[] hessian = new double[16];

        SecondOrderFunctions.LogSumExpHessian(z, hessian);

        double[] e = z.Select(v => Math.Exp(v)).ToArray();
        double[] p = e.Select(v => v / e.Sum()).ToArray();
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                Assert.Equal((i == j ? p[i] : 0) - p[i] * p[j], hessian[i * 4 + j], 10);
            }
        }
    }
}
