using System.Globalization;
using Xunit;

namespace AutoDiff.Tests.AdBench;

/// <summary>
/// The generated GMM gradient (and the hand-written one) against ADBench's golden values, the reference values
/// computed with ADBench's Manual C++ code, and each other.
/// </summary>
public sealed class AdBenchGmmTests
{
    private static readonly Lazy<string> Data = new(FindData);

    /// <summary>
    /// <c>../shared/adbench/data</c> beside the repository root (the folder holding AutoDiff.sln), found by
    /// walking up from the test assembly's folder (or, when the build output lives outside the repository, from
    /// this source file's folder).
    /// </summary>
    internal static string DataDirectory => Data.Value;

    private static string FindData() => FindData(AppContext.BaseDirectory);

    private static string FindData(string start, [System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        string? root = FindRoot(start) ?? FindRoot(Path.GetDirectoryName(sourceFile));
        if (root is null)
        {
            throw new DirectoryNotFoundException($"No folder containing AutoDiff.sln above {start} or {sourceFile}.");
        }

        string data = Path.GetFullPath(Path.Combine(root, "..", "shared", "adbench", "data"));
        if (!Directory.Exists(data))
        {
            throw new DirectoryNotFoundException($"ADBench data not found at {data}: the tests expect shared/adbench/data beside the repository clone ({root}).");
        }

        return data;
    }

    private static string? FindRoot(string? start)
    {
        for (DirectoryInfo? directory = start is null ? null : new(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AutoDiff.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    private static string DataFile(params string[] parts)
    {
        string path = Path.Combine([DataDirectory, .. parts]);
        Assert.True(File.Exists(path), $"ADBench data file missing: {path}");
        return path;
    }

    private static double[] ReadValues(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();

    private static (double Objective, double[] Gradient) ReadReference(string name)
    {
        string[] lines = File.ReadAllLines(DataFile("reference_local", name));
        Assert.True(lines.Length >= 2, $"{name}: expected the objective on line 1 and the gradient on line 2.");
        return (ReadValues(lines[0])[0], ReadValues(lines[1]));
    }

    private static void AssertClose(double expected, double actual, double relative, string what)
    {
        double error = Math.Abs(actual - expected);
        Assert.True(error <= relative * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R} (error {error:E2}, tolerance {relative:E0} relative)");
    }

    private static void AssertGradient(double[] expected, double[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            AssertClose(expected[i], actual[i], relative, $"{what}[{i}]");
        }
    }

    public static TheoryData<string> Methods => new() { "generated", "manual" };

    private static double Gradient(GmmInstance gmm, string method, double[] gradient) =>
        method == "generated" ? gmm.GeneratedGradient(gradient) : gmm.ManualGradient(gradient);

    [Theory]
    [MemberData(nameof(Methods))]
    public void TestInstance_MatchesAdBenchGolden(string method)
    {
        GmmInstance gmm = GmmInstance.Read(DataFile("gmm", "test.txt"));
        double expectedObjective = ReadValues(File.ReadAllText(DataFile("golden", "gmm_test.F.txt")))[0];
        double[] expectedGradient = ReadValues(File.ReadAllText(DataFile("golden", "gmm_test.J.txt")));
        Assert.Equal(gmm.GradientLength, expectedGradient.Length);

        var gradient = new double[gmm.GradientLength];
        double objective = Gradient(gmm, method, gradient);

        AssertClose(expectedObjective, gmm.Objective(), 1e-12, "objective (plain)");
        AssertClose(expectedObjective, objective, 1e-12, $"objective ({method})");
        AssertGradient(expectedGradient, gradient, 1e-8, $"{method} gradient");
    }

    [Theory]
    [InlineData("gmm_d2_K5", "generated")]
    [InlineData("gmm_d2_K5", "manual")]
    [InlineData("gmm_d10_K25", "generated")]
    [InlineData("gmm_d10_K25", "manual")]
    public void OneThousandPoints_MatchAdBenchManualReference(string name, string method)
    {
        GmmInstance gmm = GmmInstance.Read(DataFile("gmm", "1k", name + ".txt"));
        (double expectedObjective, double[] expectedGradient) = ReadReference(name + ".FJ.txt");
        Assert.Equal(1000, gmm.N);

        var gradient = new double[gmm.GradientLength];
        double objective = Gradient(gmm, method, gradient);

        AssertClose(expectedObjective, gmm.Objective(), 1e-10, "objective (plain)");
        AssertClose(expectedObjective, objective, 1e-10, $"objective ({method})");
        AssertGradient(expectedGradient, gradient, 1e-8, $"{method} gradient");
    }

    private static GmmInstance RandomInstance(int d, int k, int n, double gamma, int m, int seed)
    {
        var random = new Random(seed);
        double[] Values(int count, double scale) => Enumerable.Range(0, count).Select(_ => scale * (2 * random.NextDouble() - 1)).ToArray();
        return new GmmInstance(d, k, n, Values(k, 1), Values(k * d, 1), Values(k * d * (d + 1) / 2, 0.5), Values(n * d, 1.5), gamma, m);
    }

    [Theory]
    [InlineData(1, 1, 1, 1.0, 0, 1)]
    [InlineData(3, 4, 17, 1.7, 2, 2)]
    [InlineData(5, 2, 9, 0.6, 1, 3)]
    [InlineData(7, 6, 40, 2.3, 5, 4)]
    public void Generated_MatchesHandWritten(int d, int k, int n, double gamma, int m, int seed)
    {
        GmmInstance gmm = RandomInstance(d, k, n, gamma, m, seed);
        var generated = new double[gmm.GradientLength];
        var manual = new double[gmm.GradientLength];

        double generatedObjective = gmm.GeneratedGradient(generated);
        double manualObjective = gmm.ManualGradient(manual);

        AssertClose(gmm.Objective(), generatedObjective, 1e-13, "generated objective vs plain");
        AssertClose(manualObjective, generatedObjective, 1e-12, "generated objective vs hand-written");
        AssertGradient(manual, generated, 1e-11, "generated gradient vs hand-written");
    }

    [Fact]
    public void GradientsWithNonTrivialPrior_MatchFiniteDifferences()
    {
        // The ADBench files all have gamma = 1, m = 0; this exercises the prior's m and gamma terms.
        GmmInstance gmm = RandomInstance(4, 3, 12, 1.8, 3, 11);
        var generated = new double[gmm.GradientLength];
        var manual = new double[gmm.GradientLength];
        gmm.GeneratedGradient(generated);
        gmm.ManualGradient(manual);

        double[][] parameters = [gmm.Alphas, gmm.Means, gmm.Icf];
        int offset = 0;
        foreach (double[] block in parameters)
        {
            for (int i = 0; i < block.Length; i++)
            {
                double original = block[i];
                const double h = 1e-5;
                block[i] = original + h;
                double plus = gmm.Objective();
                block[i] = original - h;
                double minus = gmm.Objective();
                block[i] = original + 2 * h;
                double plus2 = gmm.Objective();
                block[i] = original - 2 * h;
                double minus2 = gmm.Objective();
                block[i] = original;
                double numeric = (8 * (plus - minus) - (plus2 - minus2)) / (12 * h);
                AssertClose(numeric, generated[offset + i], 1e-7, $"generated gradient[{offset + i}] vs finite differences");
                AssertClose(numeric, manual[offset + i], 1e-7, $"hand-written gradient[{offset + i}] vs finite differences");
            }

            offset += block.Length;
        }
    }

    [Fact]
    public void LogMultivariateGamma_MatchesClosedForms()
    {
        // Γ_1(a) = Γ(a); Γ(5) = 24, Γ(0.5) = √π, Γ(5.5) = 945√π/32.
        AssertClose(Math.Log(24), Gmm.LogGamma(5), 1e-14, "log Γ(5)");
        AssertClose(0.5 * Math.Log(Math.PI), Gmm.LogGamma(0.5), 1e-14, "log Γ(0.5)");
        AssertClose(Math.Log(945 * Math.Sqrt(Math.PI) / 32), Gmm.LogGamma(5.5), 1e-14, "log Γ(5.5)");
        Assert.True(Math.Abs(Gmm.LogGamma(1)) < 1e-14 && Math.Abs(Gmm.LogGamma(2)) < 1e-14, "log Γ(1) = log Γ(2) = 0");
        // Γ_2(a) = √π Γ(a) Γ(a - 1/2), with ADBench's 12-digit π in the first factor.
        AssertClose(0.5 * Math.Log(Gmm.AdBenchPi) + Gmm.LogGamma(3) + Gmm.LogGamma(2.5), Gmm.LogMultivariateGamma(3, 2), 1e-14, "log Γ_2(3)");
    }

    [Fact]
    public void Reader_RejectsTruncatedFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gmm-truncated-{Environment.ProcessId}.txt");
        File.WriteAllText(path, "2 1 1\n0.5\n0 0\n0 0 0\n1 1\n");
        try
        {
            InvalidDataException error = Assert.Throws<InvalidDataException>(() => GmmInstance.Read(path));
            Assert.Contains("ends after", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
