namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Shapes where the generator saves less than one value per write: arrays saved whole per iteration (a triangle
/// accumulated into a local array, read only afterwards), loop bounds recomputed instead of recorded, and integer
/// counters undone instead of recorded. Each has a variant that must fall back to element saves.
/// </summary>
public static partial class SaveElisionFunctions
{
    /// <summary>GMM's Q·v: per outer step, v[j] = diag·x then v[j] += L[i,j]·x[i] over a triangle; read after.</summary>
    [Differentiable]
    public static double TriangleAccumulation(double[] x)
    {
        int n = x.Length;
        double[] v = new double[n];
        double total = 0;
        for (int step = 0; step < 3; step++)
        {
            for (int j = 0; j < n; j++)
            {
                v[j] = (step + 1) * x[j];
            }

            int l = step;
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    v[j] += Math.Sin(x[(l + i) % n]) * x[i];
                    l++;
                }
            }

            double norm = 0;
            for (int j = 0; j < n; j++)
            {
                norm += v[j] * v[j];
            }

            total += Math.Log(1 + norm);
        }

        return total;
    }

    /// <summary>Only some elements are rewritten per step, so the previous step's values survive into the next.</summary>
    [Differentiable]
    public static double PartialRewriteCarriesOver(double[] x)
    {
        int n = x.Length;
        double[] v = new double[n];
        double total = 0;
        for (int step = 0; step < 4; step++)
        {
            for (int j = step % 2; j < n; j += 2)
            {
                v[j] = v[j] * 0.5 + x[j] * x[(j + step) % n];
            }

            for (int j = 0; j < n; j++)
            {
                v[j] += 0.25 * x[j];
            }

            for (int j = 0; j < n; j++)
            {
                total += v[j] * v[j] * (step + 1);
            }
        }

        return total;
    }

    /// <summary>The array is read before it is written in each step: the reverse needs the old values (no whole save).</summary>
    [Differentiable]
    public static double ReadBeforeWrite(double[] x)
    {
        int n = x.Length;
        double[] v = new double[n];
        double total = 0;
        for (int step = 0; step < 3; step++)
        {
            for (int j = 0; j < n; j++)
            {
                total += v[j] * x[j];
            }

            for (int j = 0; j < n; j++)
            {
                v[j] = Math.Tanh(v[j] + x[(j + step) % n]);
            }
        }

        return total;
    }

    /// <summary>Nested loops with bounds from parameters, a top-level local and the outer index; a counter undone.</summary>
    [Differentiable]
    public static double TriangularBoundsAndCounter(double[] x)
    {
        int n = x.Length;
        int half = n / 2;
        double s = 0;
        int counter = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j <= half + i && j < n; j++)
            {
                counter += 2;
                s += x[j] * x[i] * counter;
            }

            for (int j = n - 1; j > i; j--)
            {
                counter--;
                s += Math.Cos(x[j] - x[i]) / (1 + counter * counter);
            }
        }

        return s;
    }
}
