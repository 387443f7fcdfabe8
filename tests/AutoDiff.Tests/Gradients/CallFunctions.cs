using AutoDiff;

namespace AutoDiff.Tests.Gradients;

/// <summary>Calls between [Differentiable] methods: static, private, in another partial type, with arrays.</summary>
public static partial class CallFunctions
{
    [Differentiable]
    public static double CallsStaticHelpers(double x, double y) => Helpers.Square(x * y) + Cube(x) - Helpers.Square(Cube(y));

    [Differentiable]
    private static double Cube(double x) => x * x * x;

    [Differentiable]
    public static double CallsWithArrayArgument(double[] x, double s) => Helpers.WeightedSum(x, s) * s + Helpers.SpanNorm2(x);

    [Differentiable]
    public static double CallsInLoop(double[] x, double a)
    {
        double y = a;
        for (int i = 0; i < x.Length; i++)
        {
            y = Helpers.Square(y) * 0.25 + Helpers.Softplus(x[i] * y);
        }

        return y;
    }

    /// <summary>Only constants reach Scaled's [NoDerivative] parameter (a differentiable value there is error AD0015).</summary>
    [Differentiable]
    internal static double CallsNoDerivativeHelper(double x, double y) => Helpers.Scaled(x * y, 3) + y;

    [Differentiable]
    public static float CallsFloat(float x, float y) => Helpers.SmoothStepF(x) * y + Helpers.SmoothStepF(x * y);
}

/// <summary>Another partial type holding the callees.</summary>
public static partial class Helpers
{
    [Differentiable]
    public static double Square(double x) => x * x;

    [Differentiable]
    internal static double WeightedSum(double[] x, double s)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i] * Math.Cos(s * i);
        }

        return sum;
    }

    [Differentiable]
    public static double SpanNorm2(ReadOnlySpan<double> x)
    {
        double sum = 0;
        foreach (double v in x)
        {
            sum += v * v;
        }

        return sum;
    }

    [Differentiable]
    public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

    [Differentiable]
    public static float SmoothStepF(float x) => x * x * (3 - 2 * x);

    [Differentiable]
    public static double Scaled(double x, [NoDerivative] double scale) => x * scale * scale;
}

/// <summary>Instance [Differentiable] methods reading fields (constants for differentiation).</summary>
public partial class Oscillator
{
    private readonly double _stiffness;
    private readonly double[] _weights;
    private const double Mass = 1.5;

    public Oscillator(double stiffness, double[] weights)
    {
        _stiffness = stiffness;
        _weights = weights;
    }

    [Differentiable]
    public double Energy(double x, double v) => 0.5 * _stiffness * x * x + 0.5 * Mass * v * v;

    [Differentiable]
    public double WeightedLoss(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = x[i] - _weights[i % _weights.Length];
            s += d * d * _stiffness;
        }

        return s;
    }

    [Differentiable]
    private double Damped(double x) => Math.Exp(-_stiffness * x * x) * x;

    [Differentiable]
    public double CallsInstanceAndStatic(double x, double v) => Damped(x) * Energy(x, v) + Helpers.Square(v) + WeightedLoss(_weights) * x;
}

/// <summary>A float instance type.</summary>
public partial class FloatScaler
{
    private readonly float _factor = 0.75f;

    [Differentiable]
    public float Scale(float x, ReadOnlySpan<float> w)
    {
        float s = 0;
        foreach (float v in w)
        {
            s += MathF.Tanh(v * x * _factor);
        }

        return s + Inner(x);
    }

    [Differentiable]
    internal float Inner(float x) => MathF.Exp(-x * x * _factor);
}
