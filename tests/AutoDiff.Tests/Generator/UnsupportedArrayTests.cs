using Microsoft.CodeAnalysis;
using Xunit;

namespace AutoDiff.Tests.Generator;

/// <summary>
/// Array shapes the reverse sweep cannot follow yet must be compile errors, never silently wrong gradients
/// (each case was a wrong gradient or a crash found by the finite-difference suite).
/// </summary>
public sealed class UnsupportedArrayTests
{
    private const string Usings = "using System;\nusing AutoDiff;\n\nnamespace Demo;\n\n";

    [Theory]
    [InlineData("alias", "double[] y = x; return y[0] * y[1];")]
    [InlineData("conditional array", "double[] y = x[0] > 0 ? x : new double[2]; return y[0];")]
    [InlineData("swapped buffers", "double[] a = new double[2]; double[] b = new double[2]; a[0] = x[0]; double[] t = a; a = b; b = t; return b[0];")]
    [InlineData("array in a loop", "double s = 0; for (int i = 0; i < 2; i++) { double[] t = new double[2]; t[0] = x[i]; s += t[0] * t[0]; } return s;")]
    [InlineData("slice passed on", "return Sum(x.AsSpan(1, 1));")]
    [InlineData("stackalloc", "Span<double> t = stackalloc double[2]; t[0] = x[0]; return t[0] * t[0];")]
    public void ArrayConstructs_TheReverseSweepCannotFollow_AreCompileErrors(string name, string body)
    {
        var (result, _, _) = GeneratorHarness.Run(Usings + $$"""
            public static partial class C
            {
                [Differentiable]
                public static double Sum(ReadOnlySpan<double> v) => v[0];

                [Differentiable]
                public static double F(double[] x)
                {
                    {{body}}
                }
            }
            """);

        Assert.True(result.Diagnostics.Any(d => d.Id == "AD0010" && d.Severity == DiagnosticSeverity.Error), name + ": " + string.Join("; ", result.Diagnostics));
    }

    [Theory]
    [InlineData("x[i] = x[i] * c;")]
    [InlineData("x[i] *= c;")]
    [InlineData("x[i]++;")]
    public void CallToACalleeThatWritesIntoItsArrayArgument_IsAnErrorAtTheCall(string write)
    {
        // The callee's own gradient is right; a caller would lose the derivative of what the callee writes.
        string source = Usings + $$"""
            public static partial class C
            {
                [Differentiable]
                public static double ScaleInPlace(Span<double> x, double c)
                {
                    double s = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        {{write}}
                        s += x[i];
                    }

                    return s;
                }

                [Differentiable]
                public static double Caller(double[] x, double c)
                {
                    double[] y = new double[x.Length];
                    for (int i = 0; i < x.Length; i++)
                    {
                        y[i] = x[i];
                    }

                    double s = ScaleInPlace(y, c);
                    return s + y[0];
                }
            }
            """;
        var (result, _, _) = GeneratorHarness.Run(source);

        Diagnostic error = Assert.Single(result.Diagnostics, d => d.Id == "AD0010");
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("writes into its array parameter 'x'", error.GetMessage(), StringComparison.Ordinal);
        int start = source.IndexOf("ScaleInPlace(y, c)", StringComparison.Ordinal);
        Assert.Equal(start, error.Location.SourceSpan.Start);
        Assert.Equal(start + "ScaleInPlace(y, c)".Length, error.Location.SourceSpan.End);
    }

    [Fact]
    public void AliasOfDataArray_IsAllowed()
    {
        var (result, output, _) = GeneratorHarness.Run(Usings + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double w, [NoDerivative] double[] data)
                {
                    double[] rows = data;
                    return w * rows[0];
                }
            }
            """);

        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(GeneratorHarness.Errors(output));
    }

    [Theory]
    [InlineData("written through the alias", "same[j] += i;")]
    [InlineData("written through the original", "order[j] += i;")]
    public void AliasOfAnArrayWhoseElementsAreWritten_IsAnErrorAtTheAlias(string name, string write)
    {
        // Found by a test of the alias-aware hoisting: the reverse sweep read order[i] as the loop left it, because
        // the tape follows writes by variable and the writes went through `same`.
        string source = Usings + $$"""
            public static partial class C
            {
                [Differentiable]
                public static double F([NoDerivative] double[] seed, double c)
                {
                    int[] order = new int[seed.Length];
                    int[] same = order;
                    double s = 0;
                    for (int i = 0; i < seed.Length; i++)
                    {
                        for (int j = 0; j < seed.Length; j++)
                        {
                            {{write}}
                            s += c * (seed[j] + order[i]);
                        }
                    }

                    return s;
                }
            }
            """;
        var (result, _, _) = GeneratorHarness.Run(source);

        Diagnostic error = Assert.Single(result.Diagnostics, d => d.Id == "AD0010");
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("two array variables that refer to the same array", error.GetMessage(), StringComparison.Ordinal);
        int start = source.IndexOf("int[] same = order;", StringComparison.Ordinal);
        Assert.True(error.Location.SourceSpan.Start >= start && error.Location.SourceSpan.End <= start + "int[] same = order;".Length,
            name + ": " + error.Location.SourceSpan);
    }
}
