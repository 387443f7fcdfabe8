using AutoDiff;

namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Loops that read neighbouring elements (x[i - 1], x[i], x[i + 1]): their adjoints accumulate at fixed offsets from
/// the counter, which the generator carries in locals and, when the loop covers the whole array, writes without
/// clearing the gradient output first.
/// </summary>
public static partial class StencilFunctions
{
    /// <summary>Offsets 0 and +1, covering the whole array: Rosenbrock's shape.</summary>
    [Differentiable]
    public static double NeighbourProducts(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double d = x[i + 1] - x[i] * x[i];
            s += d * d + x[i];
        }

        return s;
    }

    /// <summary>Offsets -1, 0 and +1 from a loop starting at 1: the second difference (a smoothness penalty).</summary>
    [Differentiable]
    public static double SecondDifference(double[] x)
    {
        double s = 0;
        for (int i = 1; i < x.Length - 1; i++)
        {
            double c = x[i - 1] - 2 * x[i] + x[i + 1];
            s += c * c;
        }

        return s;
    }

    /// <summary>Offsets 0 and +2, none at +1.</summary>
    [Differentiable]
    public static double SkipOne(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length - 2; i++)
        {
            s += Math.Sin(x[i]) * x[i + 2];
        }

        return s;
    }

    /// <summary>A loop that misses the first and the last element: the output must still be cleared.</summary>
    [Differentiable]
    public static double InteriorOnly(double[] x)
    {
        double s = 0;
        for (int i = 1; i < x.Length - 2; i++)
        {
            s += x[i] * x[i + 1] * x[i + 1];
        }

        return s;
    }

    /// <summary>The gradient output is added to before the stencil loop.</summary>
    [Differentiable]
    public static double TouchedBefore(double[] x, double c)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += c * x[i];
        }

        for (int i = 0; i < x.Length - 1; i++)
        {
            s += x[i] * x[i + 1];
        }

        return s;
    }

    /// <summary>Two stencil loops over the same array: the first writes the output whole, the second adds to it.</summary>
    [Differentiable]
    public static double TwoStencils(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double d = x[i + 1] - x[i];
            s += d * d;
        }

        for (int i = 1; i < x.Length; i++)
        {
            s += x[i - 1] * Math.Exp(x[i]);
        }

        return s;
    }

    /// <summary>A stencil over a local array computed from the input: the carried adjoint is a local array's.</summary>
    [Differentiable]
    public static double StencilOfLocalArray(double[] x)
    {
        double[] y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i] * x[i] + 1;
        }

        double s = 0;
        for (int i = 0; i < y.Length - 1; i++)
        {
            s += y[i] / y[i + 1];
        }

        return s;
    }

    /// <summary>Float Rosenbrock over a span.</summary>
    [Differentiable]
    public static float RosenbrockF(ReadOnlySpan<float> x)
    {
        float f = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            float a = 1 - x[i];
            float b = x[i + 1] - x[i] * x[i];
            f += a * a + 100 * b * b;
        }

        return f;
    }
}

/// <summary>
/// Reductions whose adjoint carries a constant factor (<c>d_r = 2 * r</c> from <c>r * r</c>): for a power of two the
/// generator applies it to the preaccumulated sums once, after the loop.
/// </summary>
public static partial class ScaleFunctions
{
    /// <summary>Least squares for a line: both preaccumulated sums take the factor 2 after the loop.</summary>
    [Differentiable]
    public static double LeastSquaresLine(double w, double b, [NoDerivative] double[] xs, [NoDerivative] double[] ys)
    {
        double sum = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double r = w * xs[i] + b - ys[i];
            sum += r * r;
        }

        return sum / xs.Length;
    }

    /// <summary>The accumulator of w also receives a term without the factor: nothing moves.</summary>
    [Differentiable]
    public static double SquarePlusLinear(double w, double b, [NoDerivative] double[] xs, [NoDerivative] double[] ys)
    {
        double sum = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double r = w * xs[i] + b - ys[i];
            sum += r * r + w * ys[i];
        }

        return sum;
    }

    /// <summary>A factor that is not a power of two (6 from 3 * r * r) stays in the loop.</summary>
    [Differentiable]
    public static double ThreeSquares(double w, double b, [NoDerivative] double[] xs, [NoDerivative] double[] ys)
    {
        double sum = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double r = w * xs[i] + b - ys[i];
            sum += 3 * r * r;
        }

        return sum;
    }

    /// <summary>Float, with a factor 4 (from 2 * r * r).</summary>
    [Differentiable]
    public static float TwoSquaresF(float w, float b, [NoDerivative] float[] xs, [NoDerivative] float[] ys)
    {
        float sum = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            float r = w * xs[i] + b - ys[i];
            sum += 2 * r * r;
        }

        return sum;
    }
}

/// <summary>
/// Calls to array functions inside loops: the gradient buffer the call needs is borrowed once outside the loop when
/// its length cannot change, and per iteration when it can.
/// </summary>
public static partial class PooledBufferFunctions
{
    [Differentiable]
    public static double SumOfSquares(double[] v)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            s += v[i] * v[i] * (i + 1);
        }

        return s;
    }

    /// <summary>The argument's length is fixed: one buffer for all iterations.</summary>
    [Differentiable]
    public static double CallInLoop(double[] x)
    {
        double[] y = new double[x.Length];
        double s = 0;
        for (int t = 0; t < 3; t++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = Math.Sin(x[i] * (t + 1));
            }

            s += SumOfSquares(y) * (t + 1);
        }

        return s;
    }

    /// <summary>Two nested loops around calls on two arrays: both buffers move out of both loops.</summary>
    [Differentiable]
    public static double CallsInNestedLoops(double[] x, double[] z)
    {
        double s = 0;
        double[] y = new double[x.Length];
        for (int a = 0; a < 2; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = x[i] * (a + b + 1);
                }

                s += SumOfSquares(y) + SumOfSquares(z) * b;
            }
        }

        return s;
    }
}

/// <summary>Loop-invariant elements read while arrays are written: kept in locals only where no write can change them.</summary>
public static partial class InvariantReadFunctions
{
    /// <summary>A local array updated in place, reading its own element i while j passes over i: must be read each time.</summary>
    [Differentiable]
    public static double SelfUpdate(double[] x)
    {
        double[] t = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            t[i] = x[i];
        }

        for (int i = 0; i < x.Length; i++)
        {
            for (int j = 0; j < x.Length; j++)
            {
                t[j] += t[i] * x[j] * 0.25;
            }
        }

        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += t[i] * t[i];
        }

        return s;
    }

    /// <summary>A local array written while a parameter's element i is read: the element is kept in a local.</summary>
    [Differentiable]
    public static double LowerTriangle(double[] x)
    {
        double[] y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            for (int j = i; j < x.Length; j++)
            {
                y[j] += x[i] * Math.Cos(j);
            }
        }

        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += y[i] * y[i] * x[i];
        }

        return s;
    }
}

/// <summary>Offsets too far apart to carry (x[i] and x[i + 6]): the plain accumulations stay.</summary>
public static partial class WideStencilFunctions
{
    [Differentiable]
    public static double FarNeighbours(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length - 6; i++)
        {
            s += x[i] * x[i + 6];
        }

        return s;
    }
}

/// <summary>Writes at an index with parentheses next to a read the loop does not move.</summary>
public static partial class ParenthesizedIndexFunctions
{
    /// <summary>a[k] is read while a[(j + 1) % n] is written: the read must see the writes.</summary>
    [Differentiable]
    public static double RotatingWrite(double[] x)
    {
        int n = x.Length;
        double[] a = new double[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = x[i];
        }

        double s = 0;
        for (int k = 0; k < n; k++)
        {
            for (int j = 0; j < n; j++)
            {
                a[(j + 1) % n] = a[(j + 1) % n] * 0.5 + x[j] * 0.25;
                s += a[k] * x[j];
            }
        }

        return s;
    }
}

/// <summary>A local array created in either branch: its adjoint is borrowed where it is created and given back once.</summary>
public static partial class BranchArrayFunctions
{
    [Differentiable]
    public static double EitherLength(double[] x)
    {
        double[] t;
        if (x.Length > 3)
        {
            t = new double[2];
        }
        else
        {
            t = new double[3];
        }

        for (int i = 0; i < t.Length; i++)
        {
            t[i] = x[i % x.Length] * (i + 1);
        }

        double s = 0;
        for (int i = 0; i < t.Length; i++)
        {
            s += t[i] * t[i];
        }

        return s;
    }
}
