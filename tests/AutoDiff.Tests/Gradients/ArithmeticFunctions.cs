using AutoDiff;

namespace AutoDiff.Tests.Gradients;

/// <summary>Scalar arithmetic, locals, branches and casts.</summary>
public static partial class ArithmeticFunctions
{
    [Differentiable]
    public static double Polynomial(double x, double y) => x * x * y - 3 * x / y + y - 2;

    [Differentiable]
    public static float PolynomialF(float x, float y) => x * x * y - 3 * x / y + y - 2;

    [Differentiable]
    public static double UnaryMinus(double x, double y) => -x * -(y - x) + -(-y) - -x / y;

    [Differentiable]
    public static double CompoundAssignments(double x, double y)
    {
        double a = x;
        a += y * x;
        a -= 0.5 * y;
        a *= x;
        a /= 1 + y * y;
        a += a;
        a *= a;
        return a;
    }

    [Differentiable]
    public static float CompoundAssignmentsF(float x, float y)
    {
        float a = x;
        a += y * x;
        a -= 0.5f * y;
        a *= x;
        a /= 1 + y * y;
        a -= -a * y;
        return a;
    }

    [Differentiable]
    public static double IncrementDecrement(double x)
    {
        double a = x;
        a++;
        a *= a;
        a--;
        ++a;
        --a;
        double b = a * x;
        a++;
        --a;
        --a;
        double c = a * x;
        return a + b + c;
    }

    [Differentiable]
    public static float IncrementDecrementF(float x, float y)
    {
        float a = x * y;
        a++;
        float b = a * y;
        a--;
        ++b;
        return a * b;
    }

    [Differentiable]
    public static double Reassignment(double x, double y)
    {
        double t = x * y;
        t = t * t + x;
        t = Math.Sin(t) - y;
        double u = t;
        t = u * x;
        u = u * t;
        x = x * y;
        return t + u + x;
    }

    [Differentiable]
    public static double Ternary(double x, double y)
    {
        double a = x > y ? x * y : x - y;
        double b = a > 0 ? (a < 1 ? a * a : a * 3 - 2) : -a * y;
        return a + (b > 0.5 ? b * x : b);
    }

    [Differentiable]
    public static float TernaryF(float x, float y) => x > 0 ? x * y : (y > 0 ? y * y : -x * y);

    [Differentiable]
    public static double IfElseChain(double x, double y)
    {
        double r;
        if (x < -1)
        {
            r = x * y;
        }
        else if (x < 0)
        {
            r = x * x + y;
        }
        else if (x < 1)
        {
            r = Math.Sin(x) * y;
            r *= x;
        }
        else
        {
            r = y / x;
        }

        return r * y;
    }

    [Differentiable]
    public static double ReturnAnywhere(double x, double y)
    {
        double z = x * y;
        if (z > 1)
        {
            if (x > 0)
            {
                return z * x;
            }

            z = z - x;
        }
        else if (z < -1)
        {
            return -z * y;
        }

        double w = z * z;
        if (w > 0.25)
        {
            return w + x;
        }

        return w * y - x;
    }

    [Differentiable]
    public static float IfElseF(float x, float y)
    {
        float r = 0;
        if (x > y)
        {
            r = x - y;
            if (r > 1)
            {
                return r * r;
            }
        }
        else
        {
            r = y * x;
        }

        return r + x;
    }

    [Differentiable]
    public static double Casts(double x, float y, int n)
    {
        float a = (float)x * y;
        double b = a + (double)n * x;
        int k = (int)(x * 2);
        float c = (float)(b * k);
        return c + b + (double)(float)(y * y) + n;
    }

    [Differentiable]
    public static float CastsF(float x, double y)
    {
        double t = x * y;
        float u = (float)Math.Sin(t);
        int m = (int)(y * 3);
        return u * x + (float)m * x + (float)(t * t);
    }

    [Differentiable]
    public static double IntegerArithmetic(double x, int n)
    {
        int m = n * 2 + 1;
        int q = m / 2 - n % 3;
        double s = x * m;
        s += q;
        s -= x * (m - q);
        return s * x;
    }

    [Differentiable]
    public static double PassThrough(double x, [NoDerivative] double scale, bool square, int n, double y)
    {
        double r = x * scale + y * n;
        if (square)
        {
            r = r * r;
        }

        return r;
    }

    [Differentiable]
    public static double MixedParameters(double x, float y, double[] a, ReadOnlySpan<float> b, Span<double> c)
    {
        double s = x * y;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i] * c[i];
        }

        return s;
    }
}
