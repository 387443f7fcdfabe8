using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace AutoDiff.Tests.Generator;

/// <summary>Malformed and unusual code must never make the generator throw or emit code that does not parse.</summary>
public sealed class RobustnessTests
{
    public static TheoryData<string> Corpus() => new()
    {
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { return x * ; } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { return Missing(x); } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(UnknownType x) => 1; }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { double y = x; } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) => x +",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { for (;;) { } } }",
        "using AutoDiff; partial class C { [Differentiable] static double F() => 1.0; }",
        "using AutoDiff; partial class C { [Differentiable] double F(double x) => x; [Differentiable] double F(float x) => x; }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { while (true) { if (x > 1) return x; x *= 2; } } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double[] x) { x = new double[3]; return x[0]; } }",
        "using AutoDiff; partial class C<T> where T : struct { [Differentiable] public static double F(double x) => x * x; }",
        "using AutoDiff; partial struct S { [Differentiable] public double F(double x) => x * x; }",
        "using AutoDiff; partial record R(double A) { [Differentiable] public double F(double x) => A * x; }",
        "using AutoDiff; partial class Outer { partial class Inner { [Differentiable] internal static double F(double x) => x; } }",
        "using AutoDiff; class Plain { [Differentiable] static double F(double x) => x; }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { double x = 2; return x; } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double @double, double @class) => @double * @class; }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { int i = 0; double[] a = { x, x * 2 }; return a[i] + a[1]; } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { var s = $\"{x}\"; return s.Length * x; } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { if (x > 0) { int k = 3; return k * x; } else { int k = 4; return k * x; } } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { for (int i = 0; i < 3; i++) { for (int i2 = 0; i2 < i; i2++) { x = x * 1.5; } } return x; } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) => throw new System.Exception(); }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { if (x > 1) throw new System.ArgumentException(\"big\"); return x; } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { x++; x--; ++x; return -x; } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(System.Span<double> y) { y[0] = y[0] * y[1]; return y[0]; } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { object o = x; return (double)o; } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { double y = x > 0 ? x : -x; y = y is > 1 ? y : 1; return y; } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { System.Func<double, double> f = v => v; return f(x); } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { lock (new object()) { return x; } } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { using var d = new System.IO.MemoryStream(); return x; } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { double y; y = x; y += y * y; return y; } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) => F(x - 1); }",
        "[AutoDiff.Differentiable] partial class Misplaced { }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { double[,] m = new double[2, 2]; m[0, 0] = x; return m[0, 0]; } }",
        "using AutoDiff; partial class C { [Differentiable] static double F(double x) { (double a, double b) = (x, x); return a * b; } }",
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Generator_NeverThrows_AndEmitsOnlyParseableCode(string source)
    {
        var (result, _, driverDiagnostics) = GeneratorHarness.Run(source);

        Assert.Null(result.Exception);
        Assert.DoesNotContain(driverDiagnostics, d => d.Id is "CS8784" or "CS8785");
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "AD0099");
        foreach (GeneratedSourceResult generated in result.GeneratedSources)
        {
            var errors = generated.SyntaxTree.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, generated.HintName + ": " + string.Join("; ", errors));
        }
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void GeneratedCode_AddsNoCompileErrorsOfItsOwn(string source)
    {
        var (result, output, _) = GeneratorHarness.Run(source);

        // Errors located in generated files would mean we emitted broken code for input we accepted.
        var generatedErrors = GeneratorHarness.Errors(output)
            .Where(d => d.Location.SourceTree is { } tree && result.GeneratedSources.Any(g => g.SyntaxTree.FilePath == tree.FilePath))
            .ToList();
        Assert.True(generatedErrors.Count == 0, string.Join("\n", generatedErrors));
    }
}
