using AutoDiff;

namespace AutoDiff.Tests.Gradients;

/// <summary>Array initializers with differentiable elements, jagged pass-through data, self-referencing element updates,
/// constant arguments to Log/Min/Max, a ternary choosing between arrays, locals reassigned from calls, parameters
/// overwritten in loops, loops of calls to early-returning callees, loop conditions reading elements.</summary>
public static partial class MiscFunctions
{
    [Differentiable]
    public static double ArrayInitializer(double x, double y)
    {
        double[] v = { x * y, Math.Sin(x), y };
        double[] w = new[] { y, x, 1.0 };
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            s += v[i] * w[i];
        }

        return s;
    }

    [Differentiable]
    public static double JaggedPassThrough(double x, double[][] m)
    {
        double s = 0;
        for (int i = 0; i < m.Length; i++)
        {
            for (int j = 0; j < m[i].Length; j++)
            {
                s += m[i][j] * Math.Sin(x * j);
            }
        }

        return s;
    }

    [Differentiable]
    public static double SelfCompound(double[] x)
    {
        double[] y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i];
            y[i] += y[i] * x[i];
            y[i] *= y[i];
        }

        double s = 0;
        foreach (double v in y)
        {
            s += v;
        }

        return s;
    }

    [Differentiable]
    public static double LogConstants(double x, double y) => Math.Log(x, 2) + Math.Log(3, y) + Math.Min(x, 1) + Math.Max(2, y);

    [Differentiable]
    public static double TernaryArrayChoice(double[] a, double[] b, double c)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += (c > 0 ? a[i] : b[i]) * c;
        }

        return s;
    }

    [Differentiable]
    public static double LocalReassignedFromCall(double x)
    {
        double y = Helpers.Square(x);
        y = Helpers.Square(y) + y;
        y = Helpers.Softplus(y - x);
        return y;
    }

    [Differentiable]
    public static double ArrayRewrittenEveryRound(double[] x, double c)
    {
        double[] y = new double[x.Length];
        for (int r = 0; r < 3; r++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = r == 0 ? x[i] : y[i] * c + x[i];
            }
        }

        double s = 0;
        for (int i = 0; i < y.Length; i++)
        {
            s += y[i] * y[i];
        }

        return s;
    }

    /// <summary>A scalar parameter and the array parameter's elements overwritten in every iteration.</summary>
    [Differentiable]
    public static double ParameterOverwrittenInLoop(double x, double[] a)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            x *= 0.9 + a[i] * 0.1;
            s += x * a[i];
            a[i] = x;
        }

        return s + x;
    }

    /// <summary>Calls, in a loop, a function from another file and namespace whose loop returns early.</summary>
    [Differentiable]
    public static double LoopOfCallsToAnEarlyReturningCallee(double[] x, double c)
    {
        double s = 0;
        for (int i = 0; i < 3; i++)
        {
            s += AutoDiff.Tests.Functions.Basic.EarlyExit(x, c + i) * c;
        }

        return s;
    }

    [Differentiable]
    public static double WhileConditionReadsAnElement(double[] x, double limit)
    {
        int i = 0;
        double s = 0;
        while (i < x.Length && x[i] < limit)
        {
            s += x[i] * limit;
            i++;
        }

        return s;
    }
}
