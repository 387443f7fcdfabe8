using AutoDiff;

namespace AutoDiff.Tests.Gradients;

/// <summary>Local names the generator must keep apart: sibling scopes, names like its own, keywords.</summary>
public static partial class NamingEdgeCases
{
    [Differentiable]
    public static double SiblingScopes(double[] a, float[] b)
    {
        double s = 0;
        foreach (double v in a)
        {
            s += v * v;
        }

        foreach (float v in b)
        {
            s += v * s;
        }

        for (int i = 0; i < a.Length; i++)
        {
            double t = a[i] * 2;
            s += t;
        }

        for (int i = 0; i < b.Length; i++)
        {
            float t = b[i] * 3;
            s += t * s;
        }

        return s;
    }

    [Differentiable]
    public static double NameCollisions(double x, double dx)
    {
        double result = x * dx;
        double d_result = result * x;
        double _returned = d_result + 1;
        double d_x = _returned * dx;
        return d_x + result;
    }

    [Differentiable]
    public static double KeywordNames(double @double, double @in) => @double * @in + @in;
}

/// <summary>Overloaded [Differentiable] methods (one generated file each).</summary>
public static partial class Overloads
{
    [Differentiable]
    public static double Norm(double x, double y) => Math.Sqrt(x * x + y * y);

    [Differentiable]
    public static float Norm(float x, float y) => MathF.Sqrt(x * x + y * y);

    [Differentiable]
    public static double UsesBoth(double x, float y) => Norm(x, x + 1) + Norm(y, y * 2);
}

/// <summary>Call shapes: default and named arguments, in parameters, one array passed twice, local arrays as arguments.</summary>
public static partial class CallEdgeCases
{
    [Differentiable]
    public static double WithDefault(double x, double k = 2) => x * k * k;

    [Differentiable]
    public static double CallsWithDefault(double x) => WithDefault(x) + WithDefault(x, x);

    [Differentiable]
    public static double NamedArgs(double x, double y) => Scaled(scale: x, x: y * 3) + Scaled(y, x);

    [Differentiable]
    public static double Scaled(double x, double scale) => x * scale * scale;

    [Differentiable]
    public static double InParam(in double x, double y) => x * y;

    [Differentiable]
    public static double CallsInParam(double x) => InParam(x, x * 2);

    [Differentiable]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    [Differentiable]
    public static double SameArrayTwice(double[] x) => Dot(x, x);

    [Differentiable]
    public static double LocalArrayToCallee(double[] x, double c)
    {
        double[] y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = Math.Sin(x[i]) * c;
        }

        return Dot(y, x);
    }

    [Differentiable]
    public static double PowNegativeBase(double x) => Math.Pow(x, 3.0) + Math.Pow(x, 2);

    [Differentiable]
    public static float PowNegativeBaseF(float x) => MathF.Pow(x, 3f);

    [Differentiable]
    public static double DoubleLoopCounter(double x)
    {
        double s = 0;
        for (double t = x; t < 3; t += 1)
        {
            s += t * t;
        }

        return s;
    }

    [Differentiable]
    public static double CallsWithCalleeResultInLoopCondition(double x)
    {
        double y = x;
        int k = 0;
        while (Helpers.Square(y) < 50 && k < 20)
        {
            y = y * 1.5 + 0.1;
            k++;
        }

        return y;
    }

    [Differentiable]
    public static double TernaryWithCalls(double x, double y) => x > y ? Helpers.Square(x - y) : Helpers.Square(y) * x;

    [Differentiable]
    public static double NestedCalls(double x) => Helpers.Square(Helpers.Square(Math.Sin(Helpers.Square(x))));

    [Differentiable]
    public static double CallInIfConditionAndReturn(double x, double y)
    {
        if (Helpers.Square(x) > y)
        {
            return Helpers.Square(x) - y;
        }

        return y * Helpers.Square(y);
    }

    [Differentiable]
    public static double CallResultOverwritesInLoop(double[] a, double x)
    {
        double y = x;
        foreach (double v in a)
        {
            y = Helpers.Square(y) * v + x;
            if (y > 10)
            {
                y = Math.Log(y);
            }
        }

        return y;
    }

    [Differentiable]
    public static float FloatCallsDoubleCallee(float x) => (float)Helpers.Square(x) * x;

    [Differentiable]
    public static double DoubleCallsFloatCallee(double x) => Helpers.SmoothStepF((float)x) * x;

    [Differentiable]
    public static double ActiveIndex(double[] x, double y)
    {
        int j = (int)(Math.Abs(y) * 3) % x.Length;
        return x[j] * y;
    }
}

/// <summary>Containers: nested partial struct and record, receivers other than this, a generic type.</summary>
public static partial class Outer
{
    public partial struct InnerStruct
    {
        public double K;

        [Differentiable]
        public readonly double F(double x) => K * x * x;
    }

    public partial record Rec(double K)
    {
        [Differentiable]
        public double G(double x) => K * Math.Sin(x);
    }
}

public partial class Holder
{
    private readonly Oscillator _osc = new(2.0, new[] { 1.0 });

    [Differentiable]
    public double ViaField(double x) => _osc.Energy(x, x * 2);

    [Differentiable]
    public static double ViaParameter(double x, Oscillator o) => o.Energy(x, 1) * x;
}

public partial class Generic<T>
{
    [Differentiable]
    public double H(double x) => x * x;
}
