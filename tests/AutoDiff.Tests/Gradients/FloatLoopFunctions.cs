using AutoDiff;

namespace AutoDiff.Tests.Gradients;

/// <summary>Float copies of loop functions in <see cref="LoopFunctions"/>: the double versions are their twins.</summary>
public static partial class FloatLoopFunctions
{
    [Differentiable]
    public static float ForeachArray(float[] xs, float a)
    {
        float s = 0;
        foreach (float v in xs)
        {
            s += MathF.Sin(a * v);
        }

        return s * a;
    }

    [Differentiable]
    public static float WhileOverwrite(float x, int n)
    {
        float y = x;
        int k = 0;
        while (k < n)
        {
            y = MathF.Sin(y) + x * y;
            k++;
        }

        return y;
    }

    [Differentiable]
    public static float NestedBreakContinue(float[] a, float t)
    {
        float s = 0;
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

            s = s * 0.9f;
        }

        return s;
    }

    [Differentiable]
    public static float ReturnInsideNestedLoop(float[] a, float limit)
    {
        float s = 0;
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
    public static float OverwrittenElements(float[] x)
    {
        int n = x.Length;
        float[] buf = new float[n];
        for (int i = 0; i < n; i++)
        {
            buf[i] = x[i];
        }

        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 1; i < n; i++)
            {
                buf[i] = buf[i] * 0.5f + MathF.Sin(buf[i - 1]) * buf[i];
            }

            buf[0] = buf[0] * buf[n - 1];
        }

        float s = 0;
        for (int i = 0; i < n; i++)
        {
            s += buf[i];
        }

        return s;
    }

    [Differentiable]
    public static float IndexArithmetic(Span<float> x)
    {
        int n = x.Length;
        float s = 0;
        for (int i = 0; i < n; i++)
        {
            s += x[(i * 3 + 1) % n] * x[n - 1 - i] + x[i / 2] * (i - n / 2);
        }

        return s;
    }

    [Differentiable]
    public static float DoWhileWithBreakContinueAndReturn(float x, int n)
    {
        float y = x;
        int k = 0;
        do
        {
            k++;
            if (k % 3 == 0)
            {
                y = y + x * 0.5f;
                continue;
            }

            y = MathF.Sin(y) * 1.5f + x;
            if (k > 7)
            {
                return y * y;
            }

            if (y > 100)
            {
                break;
            }
        }
        while (k < n);

        return y;
    }
}
