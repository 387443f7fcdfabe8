using AutoDiff;

namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Loops that select a value by a comparison (running maxima and minima): the generator records only the last
/// iteration that took the branch when that is all the reverse sweep needs, and a decision per iteration otherwise.
/// </summary>
public static partial class SelectionFunctions
{
    /// <summary>A running maximum used nonlinearly: only the last element that raised it gets a derivative.</summary>
    [Differentiable]
    public static double SquaredMax(double[] x)
    {
        double m = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            if (x[i] > m)
            {
                m = x[i];
            }
        }

        return m * m + 0.5 * m * x[x.Length - 1];
    }

    /// <summary>A maximum that starts from a parameter and takes ties (the last of equal values wins).</summary>
    [Differentiable]
    public static double LastAtLeast(double[] x, double c)
    {
        double m = c;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] >= m)
            {
                m = x[i];
            }
        }

        return Math.Sin(m) * c;
    }

    /// <summary>A running minimum in float.</summary>
    [Differentiable]
    public static float CubedMinF(float[] x)
    {
        float m = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            if (x[i] < m)
            {
                m = x[i];
            }
        }

        return m * m * m + x[0];
    }

    /// <summary><see cref="CubedMinF"/> in double, its twin.</summary>
    [Differentiable]
    public static double CubedMin(double[] x)
    {
        double m = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            if (x[i] < m)
            {
                m = x[i];
            }
        }

        return m * m * m + x[0];
    }

    /// <summary>Each raise of the maximum also adds to a sum: every taken branch passes a derivative on.</summary>
    [Differentiable]
    public static double MaxAndSumOfRaises(double[] x)
    {
        double m = x[0];
        double s = 0;
        for (int i = 1; i < x.Length; i++)
        {
            if (x[i] > m)
            {
                m = x[i];
                s += x[i] * x[i];
            }
        }

        return m + 0.3 * s;
    }

    /// <summary>The selected value is scaled: not a plain move of the adjoint.</summary>
    [Differentiable]
    public static double ScaledMax(double[] x)
    {
        double m = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            if (x[i] > m)
            {
                m = 2 * x[i];
            }
        }

        return m * m;
    }

    /// <summary>A maximum per group of four, inside an outer loop (not at the top level of the method).</summary>
    [Differentiable]
    public static double SumOfGroupMaxima(double[] x)
    {
        double s = 0;
        for (int r = 0; r < x.Length / 4; r++)
        {
            double m = x[4 * r];
            for (int c = 1; c < 4; c++)
            {
                if (x[4 * r + c] > m)
                {
                    m = x[4 * r + c];
                }
            }

            s += m * m;
        }

        return s;
    }

    /// <summary>
    /// Maxima of groups whose size changes from group to group: the rows each group's loop records change size too, so
    /// they cannot share one place on their tape across the outer loop.
    /// </summary>
    [Differentiable]
    public static double SumOfVaryingGroupMaxima(double[] x)
    {
        double s = 0;
        for (int r = 0; r < x.Length / 4; r++)
        {
            int size = r % 3 + 2;
            int start = r * 5 % (x.Length - 3);
            double m = x[start];
            for (int c = 1; c < size; c++)
            {
                if (x[start + c] > m)
                {
                    m = x[start + c];
                }
            }

            s += m * m;
        }

        return s;
    }
}
