using AutoDiff;

namespace AutoDiff.Tests.Gradients;

/// <summary>More element-level and control-flow shapes: compound assignment on elements, foreach over writable spans
/// and local arrays, returns inside nested foreach and do-while, static fields, recursion.</summary>
public static partial class MoreLoopFunctions
{
    private static readonly double[] Table = { 0.5, -1.25, 2.0, 0.75 };
    private const double Decay = 0.8;

    [Differentiable]
    public static double ElementCompoundAssignments(double[] x, double a)
    {
        double[] buf = new double[x.Length + 1];
        for (int i = 0; i < x.Length; i++)
        {
            buf[i] += x[i] * a;
            buf[i + 1] -= x[i];
            buf[i] *= buf[i] + a;
            buf[i] /= 1 + x[i] * x[i];
            buf[i]++;
            buf[i + 1]--;
        }

        double s = 0;
        for (int i = 0; i < buf.Length; i++)
        {
            s += buf[i] * buf[i];
        }

        return s;
    }

    [Differentiable]
    public static double ForeachWritableSpan(Span<double> x, double c)
    {
        double s = c;
        foreach (double v in x)
        {
            s = s * Decay + v * v * c;
        }

        return s;
    }

    [Differentiable]
    public static double ForeachLocalArray(double[] x)
    {
        double[] squares = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            squares[i] = x[i] * x[i] - x[(i + 1) % x.Length];
        }

        double s = 0;
        foreach (double q in squares)
        {
            s += Math.Tanh(q);
        }

        return s;
    }

    [Differentiable]
    public static double ReturnInsideNestedForeach(double[] a, ReadOnlySpan<double> b, double limit)
    {
        double s = 0;
        foreach (double u in a)
        {
            foreach (double v in b)
            {
                s += u * v;
                if (s > limit)
                {
                    return s * u;
                }

                if (s < -limit)
                {
                    break;
                }
            }
        }

        return s * limit;
    }

    [Differentiable]
    public static double DoWhileWithBreakContinueAndReturn(double x, int n)
    {
        double y = x;
        int k = 0;
        do
        {
            k++;
            if (k % 3 == 0)
            {
                y = y + x * 0.5;
                continue;
            }

            y = Math.Sin(y) * 1.5 + x;
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

    [Differentiable]
    public static double StaticFieldsAndConstants(double x, double y)
    {
        const double Half = 0.5;
        double s = 0;
        for (int i = 0; i < Table.Length; i++)
        {
            s = s * Decay + Table[i] * Math.Sin(x * i + y) * Half;
        }

        return s;
    }

    [Differentiable]
    public static double MultipleDeclaratorsAndUnbracedStatements(double x, double y)
    {
        double a = x * y, b = x - y, c;
        if (a > b) c = a * b;
        else c = a + b;
        for (int i = 0; i < 3; i++) c = c * 0.5 + a;
        return c;
    }

    [Differentiable]
    public static double FloatAccumulatorInDoubleFunction(double[] x)
    {
        float acc = 0;
        for (int i = 0; i < x.Length; i++)
        {
            acc += (float)x[i] * (float)x[i];
        }

        return acc * 2.0 + x.Length;
    }

    [Differentiable]
    public static double NoDerivativeFloatArrayInDoubleFunction(double x, [NoDerivative] float[] w)
    {
        double s = 0;
        for (int i = 0; i < w.Length; i++)
        {
            s += w[i] * Math.Sin(x * w[i]);
        }

        return s;
    }

    [Differentiable]
    public static double BreakOutOfForeach(double[] x, double stop)
    {
        double s = 0;
        int count = 0;
        foreach (double v in x)
        {
            if (count >= 3)
            {
                break;
            }

            s += v * stop;
            count++;
        }

        return s * s;
    }

    [Differentiable]
    public static double Recursive(double x, int n) => n <= 0 ? x : Math.Sin(Recursive(x, n - 1)) + x;

    /// <summary>Recursion with a taped loop at every level: each level's gradient rents tapes while outer levels hold theirs.</summary>
    [Differentiable]
    public static double RecursiveWithTapedLoop(double[] x, int depth)
    {
        double y = depth * 0.1;
        for (int i = 0; i < x.Length; i++)
        {
            double prev = y;
            y = Math.Sin(y * x[i]) + prev * 0.5;
            if (depth > 0 && i == x.Length / 2)
            {
                y = y + RecursiveWithTapedLoop(x, depth - 1) * 0.25;
            }
        }

        return y * y;
    }

    [Differentiable]
    public static double SkipInsideBody(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * (i + 1);
            if (x[i] > 0.5)
            {
                i++;
            }
        }

        return s;
    }

    [Differentiable]
    public static double TwoInductionVariables(double[] x)
    {
        double s = 0;
        for (int i = 0, j = x.Length - 1; i < j; i++, j--)
        {
            s += x[i] * x[j];
        }

        return s;
    }

    [Differentiable]
    public static double ElementArgumentsToCallees(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += Helpers.Square(x[i]) * Helpers.Softplus(x[(i + 1) % x.Length]);
        }

        return s;
    }

    /// <summary>A return three loops deep: for, while, foreach over a span.</summary>
    [Differentiable]
    public static double ReturnThreeLoopsDeep(ReadOnlySpan<double> x, double limit)
    {
        double s = 0;
        for (int round = 0; round < 3; round++)
        {
            int k = 0;
            while (k < 2)
            {
                foreach (double v in x)
                {
                    s = s * 0.75 + v * v - 0.25 * -v;
                    if (s > limit)
                    {
                        return -s * limit;
                    }
                }

                k++;
            }
        }

        return s;
    }

    [Differentiable]
    public static double UnaryMinusOnCallsAndElements(double[] x, double c)
    {
        double s = -Helpers.Square(c);
        for (int i = 0; i < x.Length; i++)
        {
            s -= -x[i] * -Helpers.Softplus(-x[i] * c);
        }

        return -s;
    }
}
