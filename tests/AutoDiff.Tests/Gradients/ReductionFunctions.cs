using AutoDiff;

namespace AutoDiff.Tests.Gradients;

/// <summary>Loops that accumulate (the generator preaccumulates plain reductions): running values read inside the loop,
/// conditional and plain-form updates, products, early exits, reductions into elements.</summary>
public static partial class ReductionFunctions
{
    [Differentiable]
    public static double RunningSumReadInLoop(double[] x)
    {
        double s = 0, q = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i];
            q += s * x[i];
        }

        return q + s;
    }

    [Differentiable]
    public static double ReductionInCondition(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length && s < 5; i++)
        {
            s += x[i] * x[i];
        }

        return s;
    }

    [Differentiable]
    public static double ConditionalReduction(double[] x, double c)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] > 0)
            {
                s += x[i] * c;
            }
            else
            {
                s -= c * c;
            }
        }

        return s * c;
    }

    [Differentiable]
    public static double ReductionWithChangingFactor(double[] x, double c)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * c;
            c = c * 0.9 + x[i];
        }

        return s + c;
    }

    [Differentiable]
    public static double PlainFormReductions(double[] x, double w)
    {
        double s = 0, t = 1;
        for (int i = 0; i < x.Length; i++)
        {
            s = s + x[i] * w;
            t = x[i] + t;
        }

        return s * t;
    }

    [Differentiable]
    public static double ProductReduction(double[] x)
    {
        double p = 1;
        for (int i = 0; i < x.Length; i++)
        {
            p *= x[i];
        }

        return p;
    }

    [Differentiable]
    public static double ReductionWithEarlyReturn(double[] x, double limit)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * x[i];
            if (s > limit)
            {
                return s * limit;
            }
        }

        return s;
    }

    [Differentiable]
    public static double ReductionOfCalls(double[] x, double c)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += Square(x[i] * c) + Math.Exp(-c);
        }

        return s;
    }

    [Differentiable]
    public static double Square(double v) => v * v;

    [Differentiable]
    public static double ReductionAndElementWrite(double[] x)
    {
        double[] y = new double[x.Length];
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i];
            y[i] = s * x[i];
        }

        double r = 0;
        for (int i = 0; i < y.Length; i++)
        {
            r += y[i] * y[i];
        }

        return r;
    }

    [Differentiable]
    public static double ReductionReadBeforeUpdate(double[] x)
    {
        double s = 0, q = 0;
        for (int i = 0; i < x.Length; i++)
        {
            q += s * x[i];
            s += x[i];
        }

        return q;
    }

    [Differentiable]
    public static double TwoReductionsSameVariableDifferentLoops(double[] x, double c)
    {
        double s = c;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * c;
        }

        double m = s;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * m;
        }

        return s;
    }

    [Differentiable]
    public static double ReductionWithContinue(double[] x, double c)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (i % 2 == 1)
            {
                continue;
            }

            s += x[i] * c;
        }

        return s * s;
    }

    [Differentiable]
    public static double ReductionUsingLoopLocalsAndParameterOverwrite(double[] x, double c)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double u = x[i] * c;
            u = u * u;
            s += u;
            s -= x[i];
        }

        c = s * c;
        return c;
    }

    [Differentiable]
    public static double WhileReduction(double[] x)
    {
        double s = 0;
        int i = 0;
        while (i < x.Length)
        {
            s += Math.Sin(x[i]);
            i += 1;
        }

        return s;
    }

    [Differentiable]
    public static double ReductionDividedAndAssignedInIf(double[] x, double c)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i];
            if (i == 2)
            {
                s = s * c;
            }
        }

        return s;
    }

    [Differentiable]
    public static double ReductionIntoElement(double[] x, double c)
    {
        double[] acc = new double[2];
        for (int i = 0; i < x.Length; i++)
        {
            acc[i % 2] += x[i] * c;
        }

        return acc[0] * acc[1];
    }

    [Differentiable]
    public static double ReductionIntoParameterElement(double[] x, double c)
    {
        for (int i = 1; i < x.Length; i++)
        {
            x[0] += x[i] * c;
        }

        return x.Length == 0 ? c : x[0] * x[0];
    }

    [Differentiable]
    public static double RunningMax(double[] x)
    {
        double m = -1e9;
        for (int i = 0; i < x.Length; i++)
        {
            m = Math.Max(m, x[i] * x[i]);
        }

        return m;
    }

    [Differentiable]
    public static double TernaryReduction(double[] x, double c)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] > 0 ? x[i] * c : -x[i];
        }

        return s;
    }

    [Differentiable]
    public static double DecayedMax(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s = Math.Max(s, x[i]) * 0.9;
        }

        return s;
    }

    /// <summary>
    /// A per-iteration scratch array that each iteration overwrites whole before reading, updated in place after
    /// that, inside a reduction with nested loops: preaccumulated (each iteration's reverse runs at once).
    /// </summary>
    [Differentiable]
    public static double ScratchPerIteration(double[] x)
    {
        int m = 3;
        double[] h = new double[m];
        double s = 0;
        for (int i = 0; i + m <= x.Length; i++)
        {
            for (int j = 0; j < m; j++)
            {
                h[j] = Math.Sin(x[i + j]) * x[i];
            }

            for (int j = 0; j < m - 1; j++)
            {
                h[j + 1] += h[j] * x[i + j];
            }

            double t = 0;
            for (int j = 0; j < m; j++)
            {
                t += h[j] * h[j];
            }

            s += Math.Log(1 + t);
        }

        return s * x[0];
    }

    /// <summary>The same shape, but each iteration reads the array before writing it: values carry across iterations.</summary>
    [Differentiable]
    public static double ScratchCarriedAcrossIterations(double[] x)
    {
        int m = 3;
        double[] h = new double[m];
        double s = 0;
        for (int i = 0; i + m <= x.Length; i++)
        {
            for (int j = 0; j < m; j++)
            {
                h[j] = 0.5 * h[j] + Math.Sin(x[i + j]);
            }

            double t = 0;
            for (int j = 0; j < m; j++)
            {
                t += h[j] * h[j];
            }

            s += t;
        }

        return s;
    }

    /// <summary>Each iteration overwrites all but the last element, which the previous iteration left behind.</summary>
    [Differentiable]
    public static double ScratchPartlyOverwritten(double[] x)
    {
        int m = 3;
        double[] h = new double[m];
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            for (int j = 0; j < m - 1; j++)
            {
                h[j] = x[i] * (j + 1);
            }

            double t = 0;
            for (int j = 0; j < m; j++)
            {
                t += h[j] * h[j];
            }

            h[m - 1] = Math.Cos(x[i]);
            s += t;
        }

        return s;
    }

    /// <summary>
    /// An inner loop that steps a counter and reads <c>x[i + 1]</c>, which is past the end exactly when the inner
    /// loop is empty (i = n − 1): the generated code may keep the element and the counter in locals only around a loop
    /// that runs.
    /// </summary>
    [Differentiable]
    public static double CounterAndElementAroundEmptyInnerLoop(double[] x)
    {
        double s = 0;
        int counter = 0;
        for (int i = 0; i < x.Length; i++)
        {
            for (int j = i + 1; j < x.Length; j++)
            {
                s += x[j] * x[i + 1] * (counter % 3 + 1);
                counter++;
            }
        }

        return s * counter;
    }

    /// <summary>The last value <see cref="Record"/> saw: a side effect the gradient must reproduce exactly.</summary>
    public static long LastRecorded;

    /// <summary>A call kept for its side effect (no derivative: its argument is an integer).</summary>
    public static void Record(long value) => LastRecorded = value;

    /// <summary>
    /// A would-be scratch array that a side-effect call reads after the loop: the loop must not be preaccumulated with
    /// the array treated as the iteration's own (its reverse would leave it holding an earlier iteration's values).
    /// </summary>
    [Differentiable]
    public static double ScratchReadBySideEffectAfterLoop(double[] x)
    {
        int m = 2;
        double[] h = new double[m];
        double s = 0;
        for (int i = 0; i + m <= x.Length; i++)
        {
            // Two passes per i, each overwriting h whole: the reverse of this loop restores h from a saved copy.
            for (int c = 0; c < 2; c++)
            {
                for (int j = 0; j < m; j++)
                {
                    h[j] = x[i + j] * (x[i] + c);
                }

                double t = 0;
                for (int j = 0; j < m; j++)
                {
                    t += h[j] * h[j];
                }

                s += t;
            }
        }

        Record((long)(h[0] * 1e6));
        return s;
    }

    /// <summary>A norm: the loop's preaccumulated gradient goes straight into the output, scaled in place.</summary>
    [Differentiable]
    public static double Norm(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * x[i];
        }

        return Math.Sqrt(s + 1e-3);
    }

    /// <summary>
    /// The same sum, with x also read after the loop: the reverse sweep adds to the output before it reaches the loop's
    /// contributions, so they must not be scaled in place.
    /// </summary>
    [Differentiable]
    public static double LogSumPlusFirst(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += Math.Exp(x[i]);
        }

        return Math.Log(s) + (x.Length > 0 ? x[0] * x[0] : 0);
    }

    /// <summary>Two reductions over the same input: only one of them can own its output.</summary>
    [Differentiable]
    public static double TwoReductionsOfOneInput(double[] x)
    {
        double a = 0;
        for (int i = 0; i < x.Length; i++)
        {
            a += Math.Exp(x[i]);
        }

        double b = 0;
        for (int i = 0; i < x.Length; i++)
        {
            b += x[i] * x[i];
        }

        return Math.Log(a + 1) * Math.Sqrt(b + 1);
    }

    /// <summary>A reduction read before it: x's earlier contribution reaches the output after the loop's, in the reverse sweep.</summary>
    [Differentiable]
    public static float ScaledMeanF(float[] x)
    {
        float first = x.Length > 0 ? x[0] : 0;
        float s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * first;
        }

        return s / (x.Length + 1) + MathF.Sin(first);
    }

    /// <summary>
    /// A reduction whose sum is returned as is (its contributions go straight into the output, in the forward sweep)
    /// after one that is not: the first loop's contributions must not be scaled together with the second's.
    /// </summary>
    [Differentiable]
    public static double ReturnedReductionAfterAnother(double[] x)
    {
        double a = 0;
        for (int i = 0; i < x.Length; i++)
        {
            a += Math.Exp(x[i]);
        }

        double b = Math.Log(a + 1);
        for (int i = 0; i < x.Length; i++)
        {
            b += x[i] * x[i];
        }

        return b;
    }

    /// <summary>
    /// Two updates of the sum per iteration: <c>(s + a) - b</c> and <c>s + (a - b)</c> round differently, and the
    /// gradient method must return exactly what this returns.
    /// </summary>
    [Differentiable]
    public static double TwoUpdatesPerIteration(double[] x)
    {
        double s = 0.1;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * 1.7;
            s -= 0.3 * x[i] * x[i];
        }

        return s;
    }

    [Differentiable]
    public static double TemporaryReusedAfterReduction(double[] x, double c)
    {
        double s = 0;
        double t = c;
        for (int i = 0; i < x.Length; i++)
        {
            t = Math.Sin(x[i]) * c;
            t = t * t;
            s += t;
        }

        t = Math.Cos(c);
        return s * t;
    }

    /// <summary>
    /// Products and quotients with exp, tanh and sqrt whose results both a partial and their own derivative need
    /// (computed once in the reverse sweep), inside a recurrence, whose forward sweep keeps nothing.
    /// </summary>
    [Differentiable]
    public static double SharedFactorResults(double[] x, double c)
    {
        double h = 0.1;
        for (int i = 0; i < x.Length; i++)
        {
            double t = x[i] * c + h;
            h = 0.5 * t * Math.Tanh(t + c) + x[i] / Math.Sqrt(1 + t * t) + Math.Exp(-t) / (2 + c * c);
        }

        return h;
    }

    /// <summary>
    /// Loop variables assigned tanh, exp and sqrt of values that do not mention them, whose old values the reverse
    /// sweep restores: each derivative reuses the variable itself (1 - v², e, 0.5 / r) before the restore.
    /// </summary>
    [Differentiable]
    public static double ResultsKeptInTheirVariables(double[] x, double c)
    {
        double v = 0.2, e = 1, r = 1, s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double a = x[i] * c + 0.5 * v - 0.1 * e;
            v = Math.Tanh(a);
            e = Math.Exp(0.3 * a - 0.2 * r);
            r = Math.Sqrt(1 + v * v + e);
            s += v * e / r;
        }

        return s + v * r;
    }

    /// <summary>A gate with two differentiable parameters and an integer one.</summary>
    [Differentiable]
    public static double Gate(double z, double scale, int shift) => scale / (1 + Math.Exp(shift - z));

    /// <summary><see cref="Gate"/> in float.</summary>
    [Differentiable]
    public static float GateF(float z, float scale, int shift) => scale / (1 + MathF.Exp(shift - z));

    /// <summary>
    /// A recurrence through a differentiable call: the forward sweep calls the gate's gradient and records its partials,
    /// which the reverse sweep reads back instead of calling it again.
    /// </summary>
    [Differentiable]
    public static double GatedRecurrence(double[] x, double c)
    {
        double h = 0.3, s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double g = Gate(x[i] * c + h, 1.5 + 0.1 * h, i % 2);
            h = g * h + (1 - g) * x[i];
            s += h * h;
        }

        return s;
    }

    /// <summary><see cref="GatedRecurrence"/> in float.</summary>
    [Differentiable]
    public static float GatedRecurrenceF(float[] x, float c)
    {
        float h = 0.3f, s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float g = GateF(x[i] * c + h, 1.5f + 0.1f * h, i % 2);
            h = g * h + (1 - g) * x[i];
            s += h * h;
        }

        return s;
    }
}
