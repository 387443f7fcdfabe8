using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using CsCheck;
using Microsoft.CodeAnalysis;
using Xunit;

namespace AutoDiff.Tests.Generator;

/// <summary>
/// Property test: random programs (expressions, locals, loops, branches, calls to Math) are generated as C# source,
/// compiled in memory with the generator, and every gradient is compared with finite differences and with forward
/// mode. Seeded, so a failure reproduces; the failing program's source is in the message.
/// </summary>
public sealed class RandomProgramTests
{
    private const int ProgramCount = 300;
    private const string Seed = "0N0XIzNsQ0O2";

    private static readonly string[] Unary =
    {
        "global::System.Math.Sin({0})", "global::System.Math.Cos({0})", "global::System.Math.Tanh({0})",
        "global::System.Math.Exp(global::System.Math.Tanh({0}))", "global::System.Math.Log(1 + ({0}) * ({0}))",
        "global::System.Math.Sqrt(1.5 + ({0}) * ({0}))", "(-({0}))", "global::System.Math.Atan({0})",
    };

    private static Gen<string> Expression(int depth, string[] variables)
    {
        Gen<string> leaf = Gen.Frequency(
            (3, Gen.Int[0, variables.Length - 1].Select(i => variables[i])),
            (1, Gen.Double[-2, 2].Select(c => "(" + c.ToString("0.###", CultureInfo.InvariantCulture) + ")")));
        if (depth == 0)
        {
            return leaf;
        }

        Gen<string> smaller = Expression(depth - 1, variables);
        Gen<string> binary = Gen.Select(smaller, Gen.Int[0, 3], smaller, (a, op, b) => op switch
        {
            0 => $"({a} + {b})",
            1 => $"({a} - {b})",
            2 => $"({a} * {b})",
            _ => $"({a} / (1 + ({b}) * ({b})))",
        });
        Gen<string> unary = Gen.Select(Gen.Int[0, Unary.Length - 1], smaller, (f, a) => string.Format(CultureInfo.InvariantCulture, Unary[f], a));
        return Gen.Frequency((1, leaf), (3, binary), (2, unary));
    }

    /// <summary>A method body: a local, a loop that overwrites values with a branch on the index, a result.</summary>
    private static readonly Gen<string> Body = Gen.Select(
        Expression(2, new[] { "x0", "x1", "x2" }),
        Expression(2, new[] { "x0", "x1", "a" }),
        Expression(2, new[] { "a", "s", "x2" }),
        Expression(1, new[] { "s", "x0" }),
        Gen.Int[0, 4],
        (e1, e2, e3, e4, trips) => $$"""
                double a = {{e1}};
                double s = {{e2}};
                for (int i = 0; i < {{trips}}; i++)
                {
                    s = 0.5 * s + {{e3}};
                    if (i % 2 == 0)
                    {
                        a += {{e4}};
                    }
                }

                return s * a + {{e4}};
            """);

    /// <summary>A reduction: the loop only accumulates (the shape the generator preaccumulates), read after the loop.</summary>
    private static readonly Gen<string> Reduction = Gen.Select(
        Expression(2, new[] { "x0", "x1", "x2" }),
        Expression(2, new[] { "x0", "t", "x2" }),
        Expression(1, new[] { "s", "x1" }),
        Gen.Int[0, 5],
        (e1, e2, e3, trips) => $$"""
                double s = {{e1}};
                for (int i = 0; i < {{trips}}; i++)
                {
                    double t = x1 * i + x0;
                    s += {{e2}};
                }

                return {{e3}} * s;
            """);

    [Fact]
    public void RandomPrograms_GradientsMatchFiniteDifferencesAndForwardMode()
    {
        Gen.Frequency((3, Body), (1, Reduction)).Array[ProgramCount].Sample(bodies => CheckPrograms(bodies), iter: 1, threads: 1, seed: Seed);
    }

    private static void CheckPrograms(string[] bodies)
    {
        var source = new StringBuilder("using AutoDiff;\nnamespace Random;\npublic static partial class Programs\n{\n");
        for (int k = 0; k < bodies.Length; k++)
        {
            source.Append("    [Differentiable(Mode = DifferentiationMode.Forward)]\n");
            source.Append($"    public static double P{k}(double x0, double x1, double x2)\n    {{\n{bodies[k]}\n    }}\n");
        }

        source.Append("}\n");
        var (result, output, _) = GeneratorHarness.Run(source.ToString());
        var errors = GeneratorHarness.Errors(output).Take(5).ToList();
        Assert.True(errors.Count == 0, "Generated code does not compile: " + string.Join("\n", errors));
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);

        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Take(5)));
        var context = new AssemblyLoadContext("RandomPrograms", isCollectible: true);
        try
        {
            stream.Position = 0;
            Type programs = context.LoadFromStream(stream).GetType("Random.Programs")!;
            var random = new Random(12345);
            for (int k = 0; k < bodies.Length; k++)
            {
                MethodInfo function = programs.GetMethod($"P{k}")!;
                MethodInfo gradient = programs.GetMethod($"P{k}Gradient")!;
                MethodInfo jvp = programs.GetMethod($"P{k}Jvp")!;
                double[] x = { random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1 };
                double[] v = { random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1 };
                CheckProgram(k, bodies[k], function, gradient, jvp, x, v);
            }
        }
        finally
        {
            context.Unload();
        }
    }

    private static void CheckProgram(int k, string body, MethodInfo function, MethodInfo gradient, MethodInfo jvp, double[] x, double[] v)
    {
        double F(double[] p) => (double)function.Invoke(null, new object[] { p[0], p[1], p[2] })!;

        object[] gradientArguments = { x[0], x[1], x[2], 0.0, 0.0, 0.0 };
        double value = (double)gradient.Invoke(null, gradientArguments)!;
        double[] g = { (double)gradientArguments[3], (double)gradientArguments[4], (double)gradientArguments[5] };
        object[] jvpArguments = { x[0], x[1], x[2], v[0], v[1], v[2], 0.0 };
        double forwardValue = (double)jvp.Invoke(null, jvpArguments)!;
        double directional = (double)jvpArguments[6];

        string context = $"program P{k} at x = ({string.Join(", ", x)}):\n{body}";
        double f = F(x);
        Assert.True(Close(f, value, 1e-12, 1e-12), $"gradient method's value {value} != {f} for {context}");
        Assert.True(Close(f, forwardValue, 1e-12, 1e-12), $"forward method's value {forwardValue} != {f} for {context}");
        Assert.True(Close(g[0] * v[0] + g[1] * v[1] + g[2] * v[2], directional, 1e-9, 1e-9), $"forward {directional} != reverse·v for {context}");
        for (int i = 0; i < 3; i++)
        {
            double h = 1e-4;
            double Shifted(double d)
            {
                double[] p = (double[])x.Clone();
                p[i] += d;
                return F(p);
            }

            double numeric = (Shifted(-2 * h) - 8 * Shifted(-h) + 8 * Shifted(h) - Shifted(2 * h)) / (12 * h);
            Assert.True(Close(g[i], numeric, 1e-5, 1e-6), $"∂/∂x{i}: reverse {g[i]} vs finite differences {numeric} for {context}");
        }
    }

    private static bool Close(double a, double b, double relative, double absolute) =>
        Math.Abs(a - b) <= absolute + relative * Math.Max(Math.Abs(a), Math.Abs(b));
}
