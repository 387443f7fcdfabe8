using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace AutoDiff.PackageTests;

/// <summary>
/// Uses the AutoDiff package the way a user does: a new console project outside the repository, with its own
/// nuget.config (the temporary feed plus nuget.org) and empty Directory.Build.props/Directory.Packages.props so
/// nothing from the repository leaks in, references the package by id and version only.
/// </summary>
public sealed class PackageConsumerTests(PackageFixture package, ITestOutputHelper log) : IClassFixture<PackageFixture>
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    private const double X = 1.3;
    private const double Y = -0.7;

    private const string ProgramSource = """
        using System.Globalization;
        using AutoDiff;

        namespace Consumer;

        /// <summary>Functions whose gradients the AutoDiff generator writes at compile time.</summary>
        public static partial class Functions
        {
            /// <summary>f(x, y) = x²·y + sin(x·y) + eʸ / x.</summary>
            /// <param name="x">First input.</param>
            /// <param name="y">Second input.</param>
            /// <returns>The value of f.</returns>
            [Differentiable]
            public static double F(double x, double y) => x * x * y + Math.Sin(x * y) + Math.Exp(y) / x;

            /// <summary>Sum of squared differences Σ (wᵢ − dᵢ)².</summary>
            /// <param name="w">Parameters.</param>
            /// <param name="data">Targets.</param>
            /// <returns>The loss.</returns>
            [Differentiable]
            public static double Loss(double[] w, [NoDerivative] double[] data)
            {
                double sum = 0;
                for (int i = 0; i < w.Length; i++)
                {
                    double d = w[i] - data[i];
                    sum += d * d;
                }

                return sum;
            }
        }

        /// <summary>Entry point.</summary>
        public static class Program
        {
            /// <summary>Prints values and gradients, one per line, invariant culture.</summary>
            public static void Main()
            {
                double x = double.Parse(Environment.GetCommandLineArgs()[1], CultureInfo.InvariantCulture);
                double y = double.Parse(Environment.GetCommandLineArgs()[2], CultureInfo.InvariantCulture);
                double f = Functions.FGradient(x, y, out double dfdx, out double dfdy);
                Console.WriteLine(FormattableString.Invariant($"f={f:R}"));
                Console.WriteLine(FormattableString.Invariant($"dfdx={dfdx:R}"));
                Console.WriteLine(FormattableString.Invariant($"dfdy={dfdy:R}"));

                double[] w = [0.5, -1.25, 2.0];
                double[] data = [1.0, 1.0, -3.0];
                double[] g = new double[w.Length];
                double loss = Functions.LossGradient(w, data, g);
                Console.WriteLine(FormattableString.Invariant($"loss={loss:R}"));
                Console.WriteLine("grad=" + string.Join(";", g.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            }
        }
        """;

    // References only AutoDiff.Plotting: the AutoDiff library, generator and compiler check come with it.
    private const string PlottingProgramSource = """
        using System.Globalization;
        using AutoDiff;
        using AutoDiff.Diagnostics;
        using AutoDiff.Optimizers;

        namespace Consumer;

        /// <summary>A function whose gradient the AutoDiff generator writes at compile time.</summary>
        public static partial class Functions
        {
            /// <summary>f(x) = x³.</summary>
            /// <param name="x">The input.</param>
            /// <returns>The value of f.</returns>
            [Differentiable]
            public static double Cube(double x) => x * x * x;
        }

        /// <summary>Entry point.</summary>
        public static class Program
        {
            /// <summary>Records three layers' gradients for four steps and plots them; args: the two PNG paths.</summary>
            /// <param name="args">The PNG files to write: norms over steps, norms by depth.</param>
            public static void Main(string[] args)
            {
                ParameterSlot[] layers = [ParameterSlot.Create("layer0.weight", 8), ParameterSlot.Create("layer1.weight", 8), ParameterSlot.Create("layer2.weight", 8)];
                var monitor = new GradientMonitor(layers, new GradientMonitorOptions { Interval = 1 });
                for (int step = 1; step <= 4; step++)
                {
                    for (int l = 0; l < layers.Length; l++)
                    {
                        // d(x³)/dx = 3x², from the generated gradient: 3e-4, 3e-2, 3 for x = 0.01, 0.1, 1.
                        Functions.CubeGradient(Math.Pow(10, l - 2), out double slope);
                        layers[l].Value.Span.Fill(1f);
                        layers[l].Gradient.Span.Fill((float)(slope * step));
                    }

                    monitor.OnStepEnd(step, loss: 1f / step);
                }

                monitor.SaveNormsOverSteps(args[0], width: 480, height: 320);
                monitor.SaveNormsByDepth(args[1], width: 480, height: 320);
                Console.WriteLine(FormattableString.Invariant($"records={monitor.RecordCount}"));
                Console.WriteLine(FormattableString.Invariant($"norm={monitor.LayerNormsAt(monitor.RecordCount - 1)[2]:R}"));
            }
        }
        """;

    [Fact]
    public void Package_contains_runtime_generator_docs_readme_and_compiler_check()
    {
        package.AssertPacked();
        using var zip = System.IO.Compression.ZipFile.OpenRead(package.PackagePath);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("lib/net10.0/AutoDiff.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/AutoDiff.Runtime.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/AutoDiff.Generator.dll", entries);
        Assert.Contains("buildTransitive/AutoDiff.targets", entries);
        Assert.Contains("README.md", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generator", StringComparison.Ordinal));

        using var nuspec = new StreamReader(zip.GetEntry("AutoDiff.nuspec")!.Open());
        var text = nuspec.ReadToEnd();
        Assert.Contains("<id>AutoDiff</id>", text);
        Assert.Contains("<license type=\"expression\">MIT</license>", text);
        Assert.Contains("<readme>README.md</readme>", text);
        Assert.DoesNotContain("AutoDiff.Generator", text); // the generator is inside, not a dependency
        Assert.True(File.Exists(Path.ChangeExtension(package.PackagePath, ".snupkg")), "no symbol package");

        // The plots are in AutoDiff.Plotting: AutoDiff brings no ScottPlot and no SkiaSharp native assets.
        foreach (var plotting in new[] { "ScottPlot", "SkiaSharp", "HarfBuzzSharp" })
        {
            Assert.DoesNotContain(plotting, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(entries, e => e.Contains(plotting, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void Plotting_package_contains_its_library_docs_readme_and_depends_on_the_same_AutoDiff_and_ScottPlot()
    {
        package.AssertPlottingPacked();
        using var zip = System.IO.Compression.ZipFile.OpenRead(package.PlottingPackagePath);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("lib/net10.0/AutoDiff.Plotting.dll", entries);
        Assert.Contains("lib/net10.0/AutoDiff.Plotting.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.DoesNotContain("lib/net10.0/AutoDiff.Runtime.dll", entries); // that one comes from the AutoDiff package

        using var nuspec = new StreamReader(zip.GetEntry("AutoDiff.Plotting.nuspec")!.Open());
        var text = nuspec.ReadToEnd();
        Assert.Contains($"<id>{PackageFixture.PlottingPackageId}</id>", text);
        Assert.Contains("<license type=\"expression\">MIT</license>", text);
        Assert.Contains("<readme>README.md</readme>", text);
        // All of AutoDiff's assets, the generator and compiler check included, reach a project referencing only this.
        Assert.Contains($"<dependency id=\"{PackageFixture.PackageId}\" version=\"{package.Version}\" include=\"All\" />", text);
        Assert.Contains("<dependency id=\"ScottPlot\"", text);
        Assert.True(File.Exists(Path.ChangeExtension(package.PlottingPackagePath, ".snupkg")), "no symbol package");
    }

    [Fact]
    public void Consumer_referencing_only_the_package_builds_with_warnings_as_errors_runs_and_gets_the_exact_gradient()
    {
        package.AssertPacked();
        var project = CreateConsumer("consumer");

        var build = Build(project, "-p:EmitCompilerGeneratedFiles=true");
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains(" 0 Warning(s)", build.Output);

        // Restored from the temporary feed, by id and version, into the private cache: not from the repository.
        var assets = File.ReadAllText(Path.Combine(project, "obj", "project.assets.json"));
        Assert.Contains($"\"{PackageFixture.PackageId}/{package.Version}\"", assets);
        Assert.DoesNotContain(package.RepositoryRoot.TrimEnd('/', '\\').Replace("\\", "\\\\"), assets);
        Assert.True(Directory.Exists(Path.Combine(package.NuGetPackages, "autodiff", package.Version)));

        // The generated source is visible on disk with EmitCompilerGeneratedFiles (docs/package.md).
        var generated = Directory.GetFiles(Path.Combine(project, "obj"), "*.cs", SearchOption.AllDirectories)
            .Where(f => f.Contains(Path.Combine("generated", "AutoDiff.Generator"), StringComparison.Ordinal))
            .ToList();
        Assert.Contains(generated, f => File.ReadAllText(f).Contains("FGradient", StringComparison.Ordinal));

        var dll = Path.Combine(project, "bin", "Release", "net10.0", "Consumer.dll");
        var run = DotNetCli.Run(project, RunTimeout, package.NuGetPackages,
            dll, X.ToString("R", CultureInfo.InvariantCulture), Y.ToString("R", CultureInfo.InvariantCulture));
        log.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        var values = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Contains('='))
            .ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);

        // Closed forms: f = x²y + sin(xy) + eʸ/x.
        double f = X * X * Y + Math.Sin(X * Y) + Math.Exp(Y) / X;
        double dfdx = 2 * X * Y + Y * Math.Cos(X * Y) - Math.Exp(Y) / (X * X);
        double dfdy = X * X + X * Math.Cos(X * Y) + Math.Exp(Y) / X;
        AssertClose(f, Parse(values["f"]));
        AssertClose(dfdx, Parse(values["dfdx"]));
        AssertClose(dfdy, Parse(values["dfdy"]));

        // Σ (wᵢ − dᵢ)², gradient 2(w − d).
        double[] w = [0.5, -1.25, 2.0];
        double[] d = [1.0, 1.0, -3.0];
        AssertClose(w.Zip(d, (a, b) => (a - b) * (a - b)).Sum(), Parse(values["loss"]));
        var grad = values["grad"].Split(';').Select(Parse).ToArray();
        Assert.Equal(3, grad.Length);
        for (int i = 0; i < 3; i++)
        {
            AssertClose(2 * (w[i] - d[i]), grad[i]);
        }
    }

    [Fact]
    public void Consumer_referencing_only_AutoDiff_Plotting_builds_with_warnings_as_errors_and_writes_png_plots()
    {
        package.AssertPlottingPacked();
        var project = CreateConsumer("plotting-consumer", PackageFixture.PlottingPackageId, PlottingProgramSource);

        var build = Build(project);
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains(" 0 Warning(s)", build.Output);
        var assets = File.ReadAllText(Path.Combine(project, "obj", "project.assets.json"));
        Assert.Contains($"\"{PackageFixture.PlottingPackageId}/{package.Version}\"", assets);
        Assert.Contains($"\"{PackageFixture.PackageId}/{package.Version}\"", assets);

        var overSteps = Path.Combine(project, "norms-over-steps.png");
        var byDepth = Path.Combine(project, "norms-by-depth.png");
        var dll = Path.Combine(project, "bin", "Release", "net10.0", "Consumer.dll");
        var run = DotNetCli.Run(project, RunTimeout, package.NuGetPackages, dll, overSteps, byDepth);
        log.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("records=4", run.Output);
        // The last layer's gradient in the last record: 8 elements of 3 · 4, computed by the generated CubeGradient.
        var norm = run.Output.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith("norm=", StringComparison.Ordinal))[5..];
        Assert.Equal(Math.Sqrt(8) * 12, Parse(norm), 1e-4);

        foreach (var png in new[] { overSteps, byDepth })
        {
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 1000, $"{png}: {bytes.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], bytes[..8]);
            Assert.Equal(480, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16))); // IHDR width
            Assert.Equal(320, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))); // IHDR height
        }
    }

    [Theory]
    [InlineData("CompilerApiVersion=roslyn4.7")] // the compiler's own version (Roslyn 4.7 = .NET 7.0.400 SDK)
    [InlineData("NETCoreSdkVersion=7.0.400")] // the SDK running the build
    public void Package_refuses_a_compiler_older_than_Roslyn_4_8_with_a_clear_error(string property)
    {
        package.AssertPacked();
        var project = CreateConsumer("old-compiler-" + property[..property.IndexOf('=')]);

        var build = Build(project, "-p:" + property);
        Assert.True(build.ExitCode != 0, "the build should have failed:\n" + build);
        Assert.Contains("error AD1000", build.Output);
        Assert.Contains("AutoDiff requires the C# compiler from the .NET 8 SDK (8.0.100)", build.Output);
        // It stops before the compiler runs, instead of failing later on methods that were never generated.
        Assert.DoesNotContain("error CS", build.Output);
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    private static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private CommandResult Build(string project, params string[] extra)
    {
        string[] args = ["build", project, "-c", "Release", "-nodeReuse:false", .. extra];
        var result = DotNetCli.Run(project, BuildTimeout, package.NuGetPackages, args);
        log.WriteLine(result.ToString());
        return result;
    }

    private string CreateConsumer(string name, string packageId = PackageFixture.PackageId, string programSource = ProgramSource)
    {
        var dir = Path.Combine(package.Root, name);
        Assert.False(
            Path.GetFullPath(dir).StartsWith(Path.GetFullPath(package.RepositoryRoot), StringComparison.Ordinal),
            "the consumer must live outside the repository");
        Directory.CreateDirectory(dir);

        // Stop MSBuild's upward search for the repository's (or anyone's) build and package settings.
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(dir, "global.json"), """{ "sdk": { "version": "10.0.100", "rollForward": "latestMajor" } }""" + "\n");
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="autodiff-test-feed" value="{package.Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="autodiff-test-feed">
                  <package pattern="{PackageFixture.PackageId}" />
                  <package pattern="{PackageFixture.PlottingPackageId}" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <GenerateDocumentationFile>true</GenerateDocumentationFile>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <MSBuildTreatWarningsAsErrors>true</MSBuildTreatWarningsAsErrors>
                <!-- Restore-only noise from the package feed, not from AutoDiff: NuGetAudit needs the network's
                     vulnerability data; NU1603 appears when a feed lacks the exact lower-bound version of a
                     transitive dependency (a mirror without SkiaSharp 3.119.0 resolves 3.119.4). -->
                <NuGetAudit>false</NuGetAudit>
                <NoWarn>$(NoWarn);NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{packageId}" Version="[{package.Version}]" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), programSource);
        return dir;
    }
}
