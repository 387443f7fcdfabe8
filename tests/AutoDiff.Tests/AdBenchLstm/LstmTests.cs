using System.Globalization;
using Xunit;

namespace AutoDiff.Tests.AdBenchLstm;

/// <summary>The generated LSTM gradient against ADBench's golden values (its own tests use tolerance 1e-8).</summary>
public sealed class LstmTests
{
    internal static string DataDirectory => FindData();

    private static string FindData([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        // The repository root is found from this source file (the build output may live elsewhere).
        for (DirectoryInfo? directory = new(Path.GetDirectoryName(sourceFile)!); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AutoDiff.sln")))
            {
                string data = Path.Combine(directory.FullName, "..", "shared", "adbench", "data");
                Assert.True(Directory.Exists(data), $"ADBench data not found at {Path.GetFullPath(data)}: CI runs with shared/ beside the repository.");
                return data;
            }
        }

        throw new DirectoryNotFoundException("AutoDiff.sln not found above " + sourceFile);
    }

    private static double[] ReadValues(string path) =>
        File.ReadAllText(path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void GeneratedGradient_MatchesAdBenchGolden()
    {
        LstmInstance lstm = LstmInstance.Read(Path.Combine(DataDirectory, "lstm", "lstm_l2_c1024.txt"));
        double[] expectedGradient = ReadValues(Path.Combine(DataDirectory, "golden", "lstm_l2_c1024.J.txt"));
        double expectedObjective = ReadValues(Path.Combine(DataDirectory, "golden", "lstm_l2_c1024.F.txt"))[0];
        double[] dMain = new double[lstm.MainParams.Length];
        double[] dExtra = new double[lstm.ExtraParams.Length];

        double objective = Lstm.ObjectiveGradient(lstm.Layers, lstm.Characters, lstm.Size, lstm.MainParams, lstm.ExtraParams, lstm.State, lstm.Sequence, dMain, dExtra);

        Assert.Equal(8 * 2 * 14 + 3 * 14, expectedGradient.Length);
        Assert.Equal(expectedObjective, objective, 7); // the golden objective is given to 8 significant digits
        double[] gradient = dMain.Concat(dExtra).ToArray();
        for (int i = 0; i < gradient.Length; i++)
        {
            Assert.True(Math.Abs(gradient[i] - expectedGradient[i]) <= 1e-8, $"element {i}: generated {gradient[i]:R}, golden {expectedGradient[i]:R}");
        }
    }

    [Fact]
    public void HandWrittenGradient_MatchesAdBenchGoldenAndTheGeneratedOne()
    {
        LstmInstance lstm = LstmInstance.Read(Path.Combine(DataDirectory, "lstm", "lstm_l2_c1024.txt"));
        double[] expectedGradient = ReadValues(Path.Combine(DataDirectory, "golden", "lstm_l2_c1024.J.txt"));
        double[] dMain = new double[lstm.MainParams.Length], dExtra = new double[lstm.ExtraParams.Length];
        double[] gMain = new double[lstm.MainParams.Length], gExtra = new double[lstm.ExtraParams.Length];

        double manual = LstmManual.Gradient(lstm.Layers, lstm.Characters, lstm.Size, lstm.MainParams, lstm.ExtraParams, lstm.State, lstm.Sequence, dMain, dExtra);
        double generated = Lstm.ObjectiveGradient(lstm.Layers, lstm.Characters, lstm.Size, lstm.MainParams, lstm.ExtraParams, lstm.State, lstm.Sequence, gMain, gExtra);

        Assert.Equal(generated, manual, 12);
        double[] gradient = dMain.Concat(dExtra).ToArray();
        double[] generatedGradient = gMain.Concat(gExtra).ToArray();
        for (int i = 0; i < gradient.Length; i++)
        {
            Assert.True(Math.Abs(gradient[i] - expectedGradient[i]) <= 1e-8, $"element {i}: hand-written {gradient[i]:R}, golden {expectedGradient[i]:R}");
            Assert.True(Math.Abs(gradient[i] - generatedGradient[i]) <= 1e-12, $"element {i}: hand-written {gradient[i]:R}, generated {generatedGradient[i]:R}");
        }
    }

    [Fact]
    public void GeneratedGradient_OnFourLayers_MatchesFiniteDifferencesOnSampledElements()
    {
        LstmInstance lstm = LstmInstance.Read(Path.Combine(DataDirectory, "lstm", "lstm_l4_c1024.txt"));
        lstm = lstm with { Characters = 40, Sequence = lstm.Sequence.AsSpan(0, 40 * lstm.Size).ToArray() };
        double[] dMain = new double[lstm.MainParams.Length];
        double[] dExtra = new double[lstm.ExtraParams.Length];
        Lstm.ObjectiveGradient(lstm.Layers, lstm.Characters, lstm.Size, lstm.MainParams, lstm.ExtraParams, lstm.State, lstm.Sequence, dMain, dExtra);

        var random = new Random(3);
        for (int sample = 0; sample < 12; sample++)
        {
            bool main = sample % 3 != 0;
            double[] parameters = main ? lstm.MainParams : lstm.ExtraParams;
            int index = random.Next(parameters.Length);
            double original = parameters[index];
            const double h = 1e-5;
            parameters[index] = original + h;
            double plus = Lstm.Objective(lstm.Layers, lstm.Characters, lstm.Size, lstm.MainParams, lstm.ExtraParams, lstm.State, lstm.Sequence);
            parameters[index] = original - h;
            double minus = Lstm.Objective(lstm.Layers, lstm.Characters, lstm.Size, lstm.MainParams, lstm.ExtraParams, lstm.State, lstm.Sequence);
            parameters[index] = original;
            double numeric = (plus - minus) / (2 * h);
            double analytic = main ? dMain[index] : dExtra[index];
            Assert.True(Math.Abs(numeric - analytic) <= 1e-7 + 1e-5 * Math.Abs(numeric), $"{(main ? "main" : "extra")}[{index}]: generated {analytic:R}, finite differences {numeric:R}");
        }
    }
}
