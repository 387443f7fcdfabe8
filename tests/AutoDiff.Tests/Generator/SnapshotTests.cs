using System.Runtime.CompilerServices;
using Xunit;

namespace AutoDiff.Tests.Generator;

/// <summary>
/// The generated code is the product: these tests pin it for representative methods. A changed output fails the
/// test and writes <c>Snapshots/Name.received.cs</c>; read it, and if it is right, accept it by running the tests
/// with <c>AUTODIFF_ACCEPT_SNAPSHOTS=1</c> (which rewrites the <c>*.verified.cs</c> files) and commit the diff.
/// </summary>
public sealed class SnapshotTests
{
    private const string Usings = "using System;\nusing AutoDiff;\n\nnamespace Demo;\n\n";

    public static TheoryData<string, string, string> Scenarios() => new()
    {
        { "LinearRegressionMse", "Mse", """
            public static partial class Regression
            {
                [Differentiable]
                public static double Mse(double w, double b, [NoDerivative] double[] xs, [NoDerivative] double[] ys)
                {
                    double sum = 0;
                    for (int i = 0; i < xs.Length; i++)
                    {
                        double error = w * xs[i] + b - ys[i];
                        sum += error * error;
                    }

                    return sum / xs.Length;
                }
            }
            """ },
        { "RosenbrockLoop", "Rosenbrock", """
            public static partial class Functions
            {
                [Differentiable]
                public static double Rosenbrock(ReadOnlySpan<double> x)
                {
                    double f = 0;
                    for (int i = 0; i < x.Length - 1; i++)
                    {
                        double a = 1 - x[i];
                        double b = x[i + 1] - x[i] * x[i];
                        f += a * a + 100 * b * b;
                    }

                    return f;
                }
            }
            """ },
        { "PiecewiseEarlyReturn", "Piecewise", """
            public static partial class Functions
            {
                [Differentiable]
                public static double Piecewise(double x)
                {
                    if (x < 0)
                    {
                        return -x * x;
                    }

                    return Math.Sin(x) * x;
                }
            }
            """ },
        { "WhileLoopWithTape", "Power", """
            public static partial class Functions
            {
                [Differentiable]
                public static double Power(double x, int n)
                {
                    double p = 1;
                    int k = 0;
                    while (k < n)
                    {
                        p = p * x;
                        k++;
                    }

                    return p;
                }
            }
            """ },
        { "ReturnInsideForeach", "SumUntil", """
            public static partial class Functions
            {
                [Differentiable]
                public static double SumUntil(double[] xs, double limit)
                {
                    double s = 0;
                    foreach (double v in xs)
                    {
                        s += v * v;
                        if (s > limit)
                        {
                            return s * limit;
                        }
                    }

                    return s;
                }
            }
            """ },
        { "BreakAndContinue", "Skip", """
            public static partial class Functions
            {
                [Differentiable]
                public static double Skip(ReadOnlySpan<double> x)
                {
                    double s = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        if (x[i] < 0)
                        {
                            continue;
                        }

                        if (s > 10)
                        {
                            break;
                        }

                        s += Math.Exp(x[i]);
                    }

                    return s;
                }
            }
            """ },
        { "DoWhileNewton", "NewtonSqrt", """
            public static partial class Functions
            {
                [Differentiable]
                public static double NewtonSqrt(double a)
                {
                    double x = a;
                    int steps = 0;
                    do
                    {
                        x = 0.5 * (x + a / x);
                        steps++;
                    }
                    while (steps < 20);

                    return x;
                }
            }
            """ },
        { "LocalArrayPrefixSums", "PrefixSum", """
            public static partial class Functions
            {
                [Differentiable]
                public static double PrefixSum(double[] x)
                {
                    double[] prefix = new double[x.Length];
                    double running = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        running += x[i];
                        prefix[i] = running * running;
                    }

                    double total = 0;
                    for (int i = 0; i < prefix.Length; i++)
                    {
                        total += prefix[i];
                    }

                    return total;
                }
            }
            """ },
        { "FloatSoftplus", "Softplus", """
            public static partial class Activations
            {
                [Differentiable]
                public static float Softplus(float x) => MathF.Log(1 + MathF.Exp(x));
            }
            """ },
        { "CallToDifferentiableMethod", "Outer", """
            public static partial class Calls
            {
                [Differentiable]
                public static double SumOfSquares(ReadOnlySpan<double> v)
                {
                    double s = 0;
                    foreach (double e in v)
                    {
                        s += e * e;
                    }

                    return s;
                }

                [Differentiable]
                public static double Outer(double[] v, double scale) => scale * SumOfSquares(v) + Math.Sqrt(scale);
            }
            """ },
        { "InstanceMethodWithFields", "Predict", """
            public sealed partial class Neuron
            {
                private readonly double _bias = 0.5;
                public double Slope { get; set; } = 2;

                [Differentiable]
                public double Predict(double w, double x) => Math.Tanh(w * x * Slope + _bias);
            }
            """ },
        { "PiecewiseMathAndTernary", "Clip", """
            public static partial class Functions
            {
                [Differentiable]
                public static double Clip(double x, double y)
                {
                    double m = Math.Max(x, y);
                    double c = Math.Clamp(x * y, -1.0, 1.0);
                    return m > 0 ? m * c : Math.Abs(c) + Math.Pow(y, 3);
                }
            }
            """ },
        { "NestedLoopsMatrixVector", "Quadratic", """
            public static partial class Functions
            {
                [Differentiable]
                public static double Quadratic([NoDerivative] double[] a, double[] x, int n)
                {
                    double q = 0;
                    for (int i = 0; i < n; i++)
                    {
                        double row = 0;
                        for (int j = 0; j < n; j++)
                        {
                            row += a[i * n + j] * x[j];
                        }

                        q += x[i] * row;
                    }

                    return q;
                }
            }
            """ },
        { "ReductionWithScratchArray", "SoftmaxScore", """
            public static partial class Functions
            {
                // Per sample: scores into a scratch array that each sample overwrites whole, then a log-sum-exp.
                [Differentiable]
                public static double SoftmaxScore(double[] w, [NoDerivative] double[] x, int n, int k)
                {
                    double[] scores = new double[k];
                    double total = 0;
                    for (int i = 0; i < n; i++)
                    {
                        for (int c = 0; c < k; c++)
                        {
                            scores[c] = w[c] * x[i];
                        }

                        double sum = 0;
                        for (int c = 0; c < k; c++)
                        {
                            sum += Math.Exp(scores[c]);
                        }

                        total += Math.Log(sum);
                    }

                    return total;
                }
            }
            """ },
        { "SecondDifferenceStencil", "Smoothness", """
            public static partial class Functions
            {
                // x[i - 1], x[i] and x[i + 1]: the adjoints of the two later elements are carried in locals.
                [Differentiable]
                public static double Smoothness(ReadOnlySpan<double> x)
                {
                    double s = 0;
                    for (int i = 1; i < x.Length - 1; i++)
                    {
                        double c = x[i - 1] - 2 * x[i] + x[i + 1];
                        s += c * c;
                    }

                    return s;
                }
            }
            """ },
        { "ScratchArrayWindows", "Recurrence", """
            public static partial class Functions
            {
                // t is written whole before it is read in each iteration: its copies live on a tape, one row each.
                [Differentiable]
                public static double Recurrence(double[] x, int rows)
                {
                    double[] t = new double[2];
                    double h = 0.1;
                    for (int r = 0; r < rows; r++)
                    {
                        for (int j = 0; j < 2; j++)
                        {
                            t[j] = x[r * 2 + j] * h;
                        }

                        h = Math.Tanh(t[0] * t[1] + h);
                    }

                    return h;
                }
            }
            """ },
        { "LogSumExpLastTaken", "LogSumExp", """
            public static partial class Functions
            {
                // The running maximum's reverse needs only the last element that raised it; the exponentials'
                // gradient goes straight into the output, which nothing clears first.
                [Differentiable]
                public static double LogSumExp(double[] v)
                {
                    double max = v[0];
                    for (int i = 1; i < v.Length; i++)
                    {
                        if (v[i] > max)
                        {
                            max = v[i];
                        }
                    }

                    double sum = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        sum += Math.Exp(v[i] - max);
                    }

                    return Math.Log(sum) + max;
                }
            }
            """ },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void GeneratedCode_MatchesVerifiedSnapshot(string scenario, string method, string source)
    {
        var (result, output, _) = GeneratorHarness.Run(Usings + source);

        Assert.Empty(GeneratorHarness.Errors(output));
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        string generated = GeneratorHarness.GeneratedSource(result, method).Replace("\r\n", "\n");
        Snapshot.Verify(scenario, generated);
    }
}

/// <summary>A minimal snapshot helper: compares text with a committed <c>Snapshots/Name.verified.cs</c>.</summary>
internal static class Snapshot
{
    public static void Verify(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(callerPath)!)!, "Snapshots");
        string verified = Path.Combine(directory, name + ".verified.cs");
        string received = Path.Combine(directory, name + ".received.cs");
        if (Environment.GetEnvironmentVariable("AUTODIFF_ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        Assert.True(File.Exists(verified), $"No snapshot {verified}. Review the output and accept it with AUTODIFF_ACCEPT_SNAPSHOTS=1.");
        string expected = File.ReadAllText(verified).Replace("\r\n", "\n");
        if (expected != actual)
        {
            File.WriteAllText(received, actual);
            Assert.Fail($"Generated code for {name} differs from {verified}; see {received}. Accept with AUTODIFF_ACCEPT_SNAPSHOTS=1 if the change is intended.");
        }
        else
        {
            File.Delete(received);
        }
    }
}
