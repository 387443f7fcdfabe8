using AutoDiff;

namespace AutoDiff.Tests.Functions;

public static partial class Basic
{
    [Differentiable]
    public static double Mse(double w, double b, [NoDerivative] double[] xs, [NoDerivative] double[] ys)
    {
        double sum = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double error = w * xs[i] + b - ys[i];
            sum += error * error;
        }

        return sum / xs.Length;
    }

    [Differentiable]
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

    [Differentiable]
    public static double Piecewise(double x)
    {
        if (x < 0)
        {
            return -x * x;
        }

        return Math.Sin(x) * x;
    }

    [Differentiable]
    public static double PowerLoop(double x, int n)
    {
        double p = 1;
        int k = 0;
        while (k < n)
        {
            p = p * x;
            k++;
        }

        return p;
    }

    [Differentiable]
    public static double EarlyExit(double[] xs, double limit)
    {
        double s = 0;
        foreach (double v in xs)
        {
            s += v * v;
            if (s > limit)
            {
                return s * limit;
            }
        }

        return s;
    }

    [Differentiable]
    public static float Softplus(float x) => MathF.Log(1 + MathF.Exp(x));

    [Differentiable]
    public static double CallsOther(double x, double y) => Mse(x, y, new[] { 1.0, 2.0 }, new[] { 3.0, 5.0 }) + Piecewise(x * y);
}
