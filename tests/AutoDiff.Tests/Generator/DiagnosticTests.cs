using Microsoft.CodeAnalysis;
using Xunit;

namespace AutoDiff.Tests.Generator;

/// <summary>One test per diagnostic: its id, its severity, and that it points at the offending code (marked [| |]).</summary>
public sealed class DiagnosticTests
{
    private const string Usings = "using System;\nusing System.Linq;\nusing System.Threading.Tasks;\nusing AutoDiff;\n\nnamespace Demo;\n\n";

    [Theory]
    [InlineData("AD0001", DiagnosticSeverity.Error, """
        public static class NotPartial
        {
            [Differentiable]
            public static double [|F|](double x) => x * x;
        }
        """)]
    [InlineData("AD0002", DiagnosticSeverity.Error, """
        public static partial class C
        {
            [Differentiable]
            public static [|int|] F(double x) => (int)x;
        }
        """)]
    [InlineData("AD0003", DiagnosticSeverity.Error, """
        public static partial class C
        {
            [Differentiable]
            public static double F(ref double [|x|]) => x * x;
        }
        """)]
    [InlineData("AD0004", DiagnosticSeverity.Error, """
        public static partial class C
        {
            [Differentiable]
            public static double F(double x)
            {
                [|try|] { return x * x; } catch (Exception) { return 0; }
            }
        }
        """)]
    [InlineData("AD0005", DiagnosticSeverity.Error, """
        public static partial class C
        {
            [Differentiable]
            public static double F(double x)
            {
                [|goto done;|]
                done:
                return x;
            }
        }
        """)]
    [InlineData("AD0006", DiagnosticSeverity.Error, """
        public static partial class C
        {
            [Differentiable]
            public static double F(double[] xs)
            {
                return xs.Sum([|v => v * v|]);
            }
        }
        """)]
    [InlineData("AD0007", DiagnosticSeverity.Error, """
        public static partial class C
        {
            [Differentiable]
            public static double F(double x)
            {
                [|unsafe|] { double* p = &x; return *p; }
            }
        }
        """)]
    [InlineData("AD0008", DiagnosticSeverity.Error, """
        public static partial class C
        {
            [Differentiable]
            public static async Task<double> [|F|](double x) { await Task.Yield(); return x; }
        }
        """)]
    [InlineData("AD0009", DiagnosticSeverity.Error, """
        public static partial class C
        {
            public static double Opaque(double v) => v * 2;

            [Differentiable]
            public static double F(double x) => [|Opaque(x)|] + 1;
        }
        """)]
    [InlineData("AD0010", DiagnosticSeverity.Error, """
        public static partial class C
        {
            [Differentiable]
            public static double F(double x, int k)
            {
                [|switch (k) { case 0: return x; default: return 2 * x; }|]
            }
        }
        """)]
    [InlineData("AD0011", DiagnosticSeverity.Warning, """
        public static partial class C
        {
            [Differentiable]
            public static double F(double x, double [|unused|]) => x * x;
        }
        """)]
    [InlineData("AD0012", DiagnosticSeverity.Error, """
        public static partial class C
        {
            [Differentiable]
            public static double [|F|]<T>(double x) => x * x;
        }
        """)]
    [InlineData("AD0013", DiagnosticSeverity.Error, """
        public abstract partial class C
        {
            [Differentiable]
            public abstract double [|F|](double x);
        }
        """)]
    [InlineData("AD0014", DiagnosticSeverity.Error, """
        public static class Lib
        {
            public static double SoftClip(double x, double limit) => limit * Math.Tanh(x / limit);
        }

        public static class Derivatives
        {
            [[|DerivativeOf(typeof(Lib), nameof(Lib.SoftClip))|]]
            public static double SoftClipGradient(double x, double limit, out double dx) { dx = 0; return 0; }
        }
        """)]
    [InlineData("AD0015", DiagnosticSeverity.Error, """
        public static partial class C
        {
            [Differentiable]
            public static double Scaled(double x, [NoDerivative] double scale) => x * scale * scale;

            [Differentiable]
            public static double Caller(double x, double y) => [|Scaled(x, y * 2)|] + y;
        }
        """)]
    [InlineData("AD0016", DiagnosticSeverity.Warning, """
        public sealed partial class Deep
        {
            [Parameter] public Tensor[] W = new Tensor[0];

            [Differentiable]
            public float Loss(Tensor x, [NoDerivative] int[] labels)
            {
                Tensor h = x;
                for (int i = 0; i < W.Length; i++)
                {
                    h = [|TensorOps.Sigmoid(TensorOps.MatMul(h, W[i]))|];
                }

                return TensorOps.SoftmaxCrossEntropy(h, labels);
            }
        }
        """)]
    public void Diagnostic_IsReportedWithSeverityAtTheMarkedCode(string id, DiagnosticSeverity severity, string marked)
    {
        string source = Usings + marked;
        int start = source.IndexOf("[|", StringComparison.Ordinal);
        int end = source.IndexOf("|]", StringComparison.Ordinal) - 2;
        source = source.Replace("[|", string.Empty).Replace("|]", string.Empty);

        var (result, _, driverDiagnostics) = GeneratorHarness.Run(source);

        Assert.Null(result.Exception);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(start, diagnostic.Location.SourceSpan.Start);
        Assert.Equal(end, diagnostic.Location.SourceSpan.End);
        Assert.DoesNotContain(driverDiagnostics, d => d.Id == "CS8785");
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.GetMessage()));
    }

    [Theory]
    [InlineData("h = TensorOps.Add(h, TensorOps.Sigmoid(TensorOps.MatMul(h, W[i])));")]
    [InlineData("h = TensorOps.Sigmoid(TensorOps.BatchNorm(TensorOps.MatMul(h, W[i]), G[i], G[i]));")]
    [InlineData("h = TensorOps.Relu(TensorOps.MatMul(h, W[i]));")]
    [InlineData("h = Layers.Residual(h, TensorOps.Tanh(TensorOps.MatMul(h, W[i])));")]
    [InlineData("h = Layers.GruCell(x, TensorOps.Tanh(h), W[i], W[i], G[i], G[i]);")]
    public void SaturatingChainWarning_IsNotReported_WithResidualsNormalisationOrRelu(string layer)
    {
        var (result, _, _) = GeneratorHarness.Run(Usings + $$"""
            public sealed partial class Deep
            {
                [Parameter] public Tensor[] W = new Tensor[0];
                [Parameter] public Tensor[] G = new Tensor[0];

                [Differentiable]
                public float Loss(Tensor x, [NoDerivative] int[] labels)
                {
                    Tensor h = x;
                    for (int i = 0; i < W.Length; i++)
                    {
                        {{layer}}
                    }

                    return TensorOps.SoftmaxCrossEntropy(h, labels);
                }
            }
            """);

        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "AD0016");
    }

    [Fact]
    public void SaturatingChainWarning_CountsStraightLineChains()
    {
        string Network(int sigmoids) => Usings + "public sealed partial class Net { [Parameter] public Tensor W = Tensor.Zeros(2, 2);\n" +
            "[Differentiable] public float Loss(Tensor x, [NoDerivative] int[] labels) { Tensor h = x;\n" +
            string.Concat(Enumerable.Repeat("h = TensorOps.Tanh(TensorOps.MatMul(h, W));\n", sigmoids)) +
            "return TensorOps.SoftmaxCrossEntropy(h, labels); } }";

        Assert.DoesNotContain(GeneratorHarness.Run(Network(3)).Result.Diagnostics, d => d.Id == "AD0016");
        Assert.Contains(GeneratorHarness.Run(Network(4)).Result.Diagnostics, d => d.Id == "AD0016");
    }

    [Fact]
    public void UnknownDerivative_IsNotReported_WhenTheCallIsOnConstantsOnly()
    {
        var (result, output, _) = GeneratorHarness.Run(Usings + """
            public static partial class C
            {
                public static double Scale(int n) => n * 0.5;

                [Differentiable]
                public static double F(double x, [NoDerivative] int n) => x * Scale(n);
            }
            """);

        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Errors(output));
    }

    [Fact]
    public void UnsupportedMethod_StillGetsAGradientStub_SoCallersCompile()
    {
        var (result, output, _) = GeneratorHarness.Run(Usings + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    try { return x; } finally { }
                }

                public static double UseIt() => FGradient(1.0, out double dx) + dx;
            }
            """);

        Assert.Contains(result.Diagnostics, d => d.Id == "AD0004");
        Assert.DoesNotContain(GeneratorHarness.Errors(output), d => !d.Id.StartsWith("AD", StringComparison.Ordinal));
        Assert.Contains("NotSupportedException", GeneratorHarness.GeneratedSource(result, "F"), StringComparison.Ordinal);
    }
}
