using AutoDiff;

namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Scratch arrays that every iteration of a loop writes whole before reading them (ADBench GMM's x − μ and
/// Q(x − μ)): the generator keeps each iteration's copy on a tape of its own instead of saving and restoring the array,
/// one window per run of the loop when its trip count is known as it starts, else one per iteration. The adjoint
/// updates of such loops also keep an element that is added to, read and cleared in a local, and index arrays at
/// a common offset plus the counter through slices.
/// </summary>
public static partial class ScratchFunctions
{
    private const int Width = 3;

    /// <summary>A nonlinear recurrence over rows of x: the loop cannot be preaccumulated, and t is its scratch.</summary>
    [Differentiable]
    public static double RecurrenceOverRows(double[] x)
    {
        int rows = x.Length / Width;
        double[] t = new double[Width];
        double h = 0.1;
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < Width; j++)
            {
                t[j] = x[r * Width + j] * h + x[r * Width + j];
            }

            double q = 0;
            for (int j = 0; j < Width; j++)
            {
                q += t[j] * t[j];
            }

            h = Math.Tanh(q + h);
        }

        return h;
    }

    /// <summary>
    /// GMM's shape: a sum over points (preaccumulated) of a log-sum-exp over components, each computing two scratch
    /// arrays, the second updated in place from the first.
    /// </summary>
    [Differentiable]
    public static double MixtureOfRows(double[] x)
    {
        int points = x.Length / Width;
        double[] centred = new double[Width];
        double[] mixed = new double[Width];
        double[] terms = new double[3];
        double s = 0;
        for (int p = 0; p < points; p++)
        {
            for (int c = 0; c < 3; c++)
            {
                for (int j = 0; j < Width; j++)
                {
                    centred[j] = x[p * Width + j] - 0.5 * c;
                    mixed[j] = Math.Sin(x[j]) * centred[j];
                }

                for (int i = 0; i < Width; i++)
                {
                    for (int j = i + 1; j < Width; j++)
                    {
                        mixed[j] += x[i] * centred[i];
                    }
                }

                double q = 0;
                for (int j = 0; j < Width; j++)
                {
                    q += mixed[j] * mixed[j];
                }

                terms[c] = -0.5 * q + x[c] * c;
            }

            s += Math.Log(Math.Exp(terms[0]) + Math.Exp(terms[1]) + Math.Exp(terms[2]));
        }

        return s;
    }

    /// <summary>
    /// The same components inside a loop that carries a nonlinear state, so neither loop is preaccumulated: the inner
    /// loop's windows are pushed once per point and read back in reverse order.
    /// </summary>
    [Differentiable]
    public static double NestedRecurrence(double[] x)
    {
        int points = x.Length / Width;
        double[] centred = new double[Width];
        double s = 0.25;
        for (int p = 0; p < points; p++)
        {
            double total = 0;
            for (int c = 1; c < 3; c++)
            {
                for (int j = 0; j < Width; j++)
                {
                    centred[j] = x[p * Width + j] * s - c;
                }

                for (int j = 0; j < Width; j++)
                {
                    total += centred[j] * centred[j] * c;
                }
            }

            s = Math.Sin(s + 0.1 * total);
        }

        return s;
    }

    /// <summary>A loop stepping by two, with a break: no trip count up front, so one window per iteration.</summary>
    [Differentiable]
    public static double SteppedWithBreak(double[] x)
    {
        double[] t = new double[2];
        double h = 0.3;
        for (int r = 0; r + 1 < x.Length; r += 2)
        {
            for (int j = 0; j < 2; j++)
            {
                t[j] = x[r + j] - h;
            }

            h = Math.Cos(t[0] * t[1] + h);
            if (h < -0.99)
            {
                break;
            }
        }

        return h;
    }

    /// <summary>Offsets plus the counter, counting up and down: both loops index slices.</summary>
    [Differentiable]
    public static double OffsetRows(double[] x)
    {
        int rows = x.Length / Width;
        double s = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < Width; j++)
            {
                s += x[r * Width + j] * x[r * Width + j] * (j + 1);
            }

            for (int j = Width - 1; j >= 0; j--)
            {
                s += Math.Sin(x[r * Width + j]) * s * 0.01;
            }
        }

        return s;
    }

    /// <summary>
    /// Enough arrays (with their adjoints) that inner loops index through span locals; every index is a row offset
    /// plus the counter, counting up or down, so the spans are slices from the row.
    /// </summary>
    [Differentiable]
    public static double ManyArrayRows(double[] x)
    {
        int rows = x.Length / Width;
        double[] a = new double[rows * Width];
        double[] b = new double[rows * Width];
        double[] c = new double[rows * Width];
        double[] e = new double[rows * Width];
        double[] f = new double[rows * Width];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < Width; j++)
            {
                a[r * Width + j] = x[r * Width + j] * 2 - 1;
                b[r * Width + j] = Math.Sin(a[r * Width + j]);
            }

            for (int j = Width - 1; j >= 0; j--)
            {
                c[r * Width + j] = a[r * Width + j] * b[r * Width + j] + x[r * Width + j];
            }
        }

        double s = 0;
        for (int i = 0; i < rows * Width; i++)
        {
            e[i] = c[i] * c[i];
            f[i] = e[i] + b[i];
            s += f[i] * a[i];
        }

        return s;
    }

    /// <summary><see cref="RecurrenceOverRows"/> in float: the window tape holds floats.</summary>
    [Differentiable]
    public static float RecurrenceOverRowsF(float[] x)
    {
        int rows = x.Length / Width;
        float[] t = new float[Width];
        float h = 0.1f;
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < Width; j++)
            {
                t[j] = x[r * Width + j] * h + x[r * Width + j];
            }

            float q = 0;
            for (int j = 0; j < Width; j++)
            {
                q += t[j] * t[j];
            }

            h = MathF.Tanh(q + h);
        }

        return h;
    }

    /// <summary>A counted loop over rows that can stop early: its trip count is not known as it starts.</summary>
    [Differentiable]
    public static double RecurrenceWithBreak(double[] x)
    {
        int rows = x.Length / 2;
        double[] t = new double[2];
        double h = 0.2;
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < 2; j++)
            {
                t[j] = x[r * 2 + j] + h;
            }

            h = Math.Sin(t[0] * t[1] + h);
            if (h > 0.8)
            {
                break;
            }
        }

        return h;
    }

    /// <summary>
    /// A counter stepped through a triangle by the inner loops (as GMM's lIndex), carried across the whole nest, and
    /// the same with the counter also read between rows, which keeps it in the variable.
    /// </summary>
    [Differentiable]
    public static double TriangleCounter(double[] x)
    {
        int n = x.Length;
        double[] l = new double[n * n];
        for (int i = 0; i < n * n; i++)
        {
            l[i] = Math.Sin(i + 1.0);
        }

        double s = 0;
        int c = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                s += l[c] * x[i] * x[j];
                c++;
            }
        }

        int k = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                s += l[k] * Math.Cos(x[j]) * x[i];
                k++;
            }

            s += 0.01 * k * x[i];
        }

        return s;
    }
}
