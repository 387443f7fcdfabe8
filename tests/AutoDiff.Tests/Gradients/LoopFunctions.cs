using AutoDiff;

namespace AutoDiff.Tests.Gradients;

/// <summary>Loops of every kind, arrays, spans, local arrays and index arithmetic.</summary>
public static partial class LoopFunctions
{
    [Differentiable]
    public static double ForWeightedSquares(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += (i + 1) * x[i] * x[i];
        }

        return s;
    }

    [Differentiable]
    public static double ForeachArray(double[] xs, double a)
    {
        double s = 0;
        foreach (double v in xs)
        {
            s += Math.Sin(a * v);
        }

        return s * a;
    }

    [Differentiable]
    public static double ForeachSpanOverwrite(ReadOnlySpan<double> xs, double c)
    {
        double p = c;
        foreach (double v in xs)
        {
            p = p * v + Math.Cos(p);
        }

        return p;
    }

    [Differentiable]
    public static float ForeachSpanF(ReadOnlySpan<float> xs, float c)
    {
        float p = c;
        foreach (float v in xs)
        {
            p = p * 0.5f * v + MathF.Sin(p);
        }

        return p;
    }

    [Differentiable]
    public static double WhileOverwrite(double x, int n)
    {
        double y = x;
        int k = 0;
        while (k < n)
        {
            y = Math.Sin(y) + x * y;
            k++;
        }

        return y;
    }

    [Differentiable]
    public static double DoWhile(double x, int n)
    {
        double y = 0.5;
        int k = 0;
        do
        {
            y = y * y * 0.5 + x;
            k++;
        }
        while (k < n);

        return y;
    }

    [Differentiable]
    public static float DoWhileF(float x, int n)
    {
        float y = x;
        int k = n;
        do
        {
            y = MathF.Cos(y) * x + y * 0.25f;
            k--;
        }
        while (k > 0);

        return y;
    }

    [Differentiable]
    public static double NestedBreakContinue(double[] a, double t)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (i % 3 == 2)
            {
                continue;
            }

            for (int j = 0; j < a.Length; j++)
            {
                if (j == i)
                {
                    continue;
                }

                if (j > i + 2)
                {
                    break;
                }

                s += a[i] * a[j] * t;
                if (s > 50)
                {
                    break;
                }
            }

            s = s * 0.9;
        }

        return s;
    }

    [Differentiable]
    public static double ReturnInsideNestedLoop(double[] a, double limit)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int j = 0;
            while (j <= i)
            {
                s += a[i] * a[j];
                if (s > limit)
                {
                    return s * limit + a[i];
                }

                j++;
            }
        }

        return -s;
    }

    [Differentiable]
    public static double OverwriteAcrossIterations(double x, int n)
    {
        double y = x;
        for (int i = 0; i < n; i++)
        {
            double prev = y;
            y = y * Math.Cos(prev) + x * 0.1;
            y = y * y * 0.5 + prev * 0.25;
        }

        return y;
    }

    [Differentiable]
    public static double LocalArrayPrefix(double[] x)
    {
        double[] prefix = new double[x.Length];
        double run = 0;
        for (int i = 0; i < x.Length; i++)
        {
            run += x[i];
            prefix[i] = run;
        }

        double s = 0;
        for (int i = 0; i < prefix.Length; i++)
        {
            s += prefix[i] * prefix[i] * (i % 2 == 0 ? 1 : -0.5);
        }

        return s;
    }

    [Differentiable]
    public static double OverwrittenElements(double[] x)
    {
        int n = x.Length;
        double[] buf = new double[n];
        for (int i = 0; i < n; i++)
        {
            buf[i] = x[i];
        }

        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 1; i < n; i++)
            {
                buf[i] = buf[i] * 0.5 + Math.Sin(buf[i - 1]) * buf[i];
            }

            buf[0] = buf[0] * buf[n - 1];
        }

        double s = 0;
        for (int i = 0; i < n; i++)
        {
            s += buf[i];
        }

        return s;
    }

    [Differentiable]
    public static double WritesArrayParameter(double[] x, double a)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = x[i] * a + 1;
        }

        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * x[i];
        }

        return s;
    }

    [Differentiable]
    public static double WritesSpanParameter(Span<double> x)
    {
        for (int i = 1; i < x.Length; i++)
        {
            x[i] = x[i] * x[i - 1];
        }

        return x[x.Length - 1] + x[0];
    }

    [Differentiable]
    public static double IndexArithmetic(double[] x)
    {
        int n = x.Length;
        double s = 0;
        for (int i = 0; i < n; i++)
        {
            s += x[(i * 3 + 1) % n] * x[n - 1 - i] + x[i / 2] * (i - n / 2);
        }

        return s;
    }

    [Differentiable]
    public static float LocalArrayF(float[] x, float a)
    {
        float[] work = new float[x.Length * 2];
        for (int i = 0; i < x.Length; i++)
        {
            work[2 * i] = x[i] * a;
            work[2 * i + 1] = x[i] - a;
        }

        float s = 0;
        for (int i = work.Length - 1; i >= 0; i--)
        {
            s = s * 0.5f + work[i] * work[i];
        }

        return s;
    }

    [Differentiable]
    public static double Horner(double x, double[] coefficients)
    {
        double r = 0;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            r = r * x + coefficients[i];
        }

        return r;
    }

    [Differentiable]
    public static double WhileTrueBreakContinue(double x, int n)
    {
        double y = x;
        int k = 0;
        while (true)
        {
            k++;
            if (k > n)
            {
                break;
            }

            if (k % 2 == 0)
            {
                y = y - 0.1 * x;
                continue;
            }

            y = y * Math.Exp(-0.1 * y) + x;
        }

        return y;
    }

    [Differentiable]
    public static double TriangularNestedLoops(double[] m, double[] v, int rows)
    {
        double s = 0;
        for (int i = 0; i < rows; i++)
        {
            double row = 0;
            for (int j = 0; j <= i; j++)
            {
                row += m[i * rows + j] * v[j];
            }

            s += row * row;
        }

        return s;
    }

    [Differentiable]
    public static float NestedLoopsF(ReadOnlySpan<float> x, float t)
    {
        float s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float acc = t;
            int j = i;
            while (j < x.Length)
            {
                acc = acc * x[j] + 0.1f;
                j += 2;
            }

            s += acc;
        }

        return s;
    }

    [Differentiable]
    public static double ValueDependentTripCount(double x)
    {
        double y = 1;
        int k = 0;
        while (y < 10 && k < 100)
        {
            y = y * 1.5 + x * x;
            k++;
        }

        return y * x;
    }
}
