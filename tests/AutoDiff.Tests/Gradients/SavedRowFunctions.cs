using AutoDiff;

namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Counted loops whose iterations each record values for the reverse sweep (the old value of a variable they
/// overwrite, the branch an <c>if</c> took, an inner loop's trip count): the generator keeps them in a row per
/// iteration of a window on a tape of their own, while what branches and inner loops record stays on the shared tape.
/// </summary>
public static partial class SavedRowFunctions
{
    /// <summary>
    /// Nested loops starting past zero, both overwriting scalars; the inner one branches, and only one branch
    /// overwrites (so its save stays on the shared tape, between the rows).
    /// </summary>
    [Differentiable]
    public static double NestedSaves(double[] x)
    {
        int n = x.Length;
        double h = 0.3;
        double s = 0;
        for (int r = 1; r < n; r++)
        {
            double g = h;
            h = Math.Sin(h + x[r]);
            for (int c = r + 2; c < n; c++)
            {
                if (h > g)
                {
                    h = h * 0.5 + x[c] * g;
                }

                h = Math.Tanh(h * x[c - 1]) + 0.1 * g;
            }

            s += h * g;
        }

        return s + h;
    }

    /// <summary><see cref="NestedSaves"/> in float.</summary>
    [Differentiable]
    public static float NestedSavesF(float[] x)
    {
        int n = x.Length;
        float h = 0.3f;
        float s = 0;
        for (int r = 1; r < n; r++)
        {
            float g = h;
            h = MathF.Sin(h + x[r]);
            for (int c = r + 2; c < n; c++)
            {
                if (h > g)
                {
                    h = h * 0.5f + x[c] * g;
                }

                h = MathF.Tanh(h * x[c - 1]) + 0.1f * g;
            }

            s += h * g;
        }

        return s + h;
    }

    /// <summary>
    /// A running maximum with a leak, and an inner loop whose bound the iteration changes (its trip count is recorded
    /// each iteration, as an int row).
    /// </summary>
    [Differentiable]
    public static double LeakyMaxWithVaryingInnerLoop(double[] x)
    {
        int n = x.Length;
        if (n == 0)
        {
            return 0;
        }

        double m = x[0];
        double total = 0;
        int limit = 0;
        for (int i = 1; i < n; i++)
        {
            if (x[i] > m)
            {
                m = x[i];
            }
            else
            {
                m = 0.9 * m + 0.1 * x[i];
            }

            limit = (i * 7) % 4;
            double p = m;
            for (int j = 0; j < limit; j++)
            {
                p = p * x[(i + j) % n] + 0.25;
            }

            total += p * p;
        }

        return total + m;
    }

    /// <summary>
    /// A smooth recurrence at the top level of the method that records a double, an int (an inner loop's trip count)
    /// and a bool (the branch taken) per iteration: rows of each type, on the stack or on a tape depending on the length.
    /// </summary>
    [Differentiable]
    public static double SmoothRecurrence(double[] x)
    {
        double h = 0.5;
        double s = 0;
        int k = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (i % 3 == 0)
            {
                h = Math.Sin(h + x[i]);
            }
            else
            {
                h = h * 0.7 + 0.3 * Math.Cos(x[i]);
            }

            k = i % 4;
            for (int j = 0; j < k; j++)
            {
                h = h * 0.9 + 0.01 * x[(i + j) % x.Length];
            }

            s += h * h;
        }

        return s;
    }
}
