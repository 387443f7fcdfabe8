using Microsoft.CodeAnalysis;
using Xunit;

namespace AutoDiff.Tests.Generator;

/// <summary>Derivatives registered with [DerivativeOf]: found, preferred, checked, and suggested ready to paste.</summary>
public sealed class RegistrationTests
{
    private const string Usings = "using System;\nusing AutoDiff;\n\nnamespace Demo;\n\n";

    private const string Library = """
        public static class Lib
        {
            public static double SoftClip(double x, double limit) => limit * Math.Tanh(x / limit);
        }
        """;

    [Fact]
    public void MissingDerivative_SuggestsARegistrationThatCompilesWhenPasted()
    {
        string user = """
            public static partial class Model
            {
                [Differentiable]
                public static double Loss(double x) => Lib.SoftClip(x, 2.0) * x;
            }
            """;
        var (first, _, _) = GeneratorHarness.Run(Usings + Library + user);
        Diagnostic missing = Assert.Single(first.Diagnostics, d => d.Id == "AD0009");
        string message = missing.GetMessage();
        Assert.Contains("Lib.SoftClip(double, double)", message, StringComparison.Ordinal);
        string signature = message.Substring(message.IndexOf("[global::AutoDiff.DerivativeOf", StringComparison.Ordinal));

        // Paste the suggestion with a body, as a user would: the error goes away and everything compiles.
        string registration = "public static class Pasted { " + signature + " { dx = 1; dlimit = 0; return Lib.SoftClip(x, limit); } }";
        var (second, output, _) = GeneratorHarness.Run(Usings + Library + user + "\n" + registration);

        Assert.DoesNotContain(second.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(GeneratorHarness.Errors(output));
        Assert.Contains("global::Demo.Pasted.SoftClipGradient(", GeneratorHarness.GeneratedSource(second, "Loss"), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingTensorDerivative_SuggestsAPullbackThatCompilesWhenPasted()
    {
        string library = """
            public static class TensorLib
            {
                public static Tensor Square(Tensor x) => TensorOps.Multiply(x, x);
            }

            public sealed partial class Net
            {
                [Parameter] public Tensor W = Tensor.Zeros(new Shape(new[] { 2, 2 }));

                [Differentiable]
                public float Loss(Tensor x, [NoDerivative] int[] labels) => TensorOps.SoftmaxCrossEntropy(TensorLib.Square(TensorOps.MatMul(x, W)), labels);
            }
            """;
        var (first, _, _) = GeneratorHarness.Run(Usings + library);
        Diagnostic missing = Assert.Single(first.Diagnostics, d => d.Id == "AD0009");
        string message = missing.GetMessage();
        string signature = message.Substring(message.IndexOf("[global::AutoDiff.DerivativeOf", StringComparison.Ordinal));
        Assert.Contains("SquarePullback(", signature, StringComparison.Ordinal);

        string registration = "public static class Pasted { " + signature + " { if (dx is not null) TensorOps.MultiplyPullback(x, x, result, resultGradient, dx, dx); } }";
        var (second, output, _) = GeneratorHarness.Run(Usings + library + "\n" + registration);

        Assert.DoesNotContain(second.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(GeneratorHarness.Errors(output));
        Assert.Contains("global::Demo.Pasted.SquarePullback(", GeneratorHarness.GeneratedSource(second, "Loss"), StringComparison.Ordinal);
    }

    [Fact]
    public void RegisteredDerivative_TakesPrecedenceOverTheDifferentiableBody()
    {
        var (result, output, _) = GeneratorHarness.Run(Usings + """
            public static partial class Functions
            {
                [Differentiable]
                public static double Square(double x) => x * x;

                [DerivativeOf(typeof(Functions), nameof(Square))]
                public static double SquareByHand(double x, out double dx) { dx = 2 * x; return x * x; }

                [Differentiable]
                public static double UsesSquare(double y) => Square(y) + y;
            }
            """);

        Assert.Empty(GeneratorHarness.Errors(output));
        string generated = GeneratorHarness.GeneratedSource(result, "UsesSquare");
        Assert.Contains("global::Demo.Functions.SquareByHand(y, out double", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("= SquareGradient(", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_WithNoDerivativeInput_GetsNoGradientOutputForIt()
    {
        var (result, output, _) = GeneratorHarness.Run(Usings + Library + """
            public static class Derivatives
            {
                [DerivativeOf(typeof(Lib), nameof(Lib.SoftClip))]
                public static double SoftClipGradient(double x, [NoDerivative] double limit, out double dx)
                {
                    double t = Math.Tanh(x / limit);
                    dx = 1 - t * t;
                    return limit * t;
                }
            }

            public static partial class Model
            {
                [Differentiable]
                public static double Loss(double x, [NoDerivative] double limit) => Lib.SoftClip(x, limit);
            }
            """);

        Assert.Empty(GeneratorHarness.Errors(output));
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "AD0015");
        Assert.Contains("SoftClipGradient(x, limit, out double", GeneratorHarness.GeneratedSource(result, "Loss"), StringComparison.Ordinal);
    }

    [Fact]
    public void CallOnConstantsOnly_NeedsNoDerivative()
    {
        var (result, output, _) = GeneratorHarness.Run(Usings + Library + """
            public static partial class Model
            {
                [Differentiable]
                public static double Loss(double x, [NoDerivative] double limit) => x * Lib.SoftClip(limit, 3.0);
            }
            """);

        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(GeneratorHarness.Errors(output));
    }
}
