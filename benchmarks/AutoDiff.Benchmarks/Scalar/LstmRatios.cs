using System.Diagnostics;
using AutoDiff.Tests.AdBench;
using AutoDiff.Tests.AdBenchLstm;

namespace AutoDiff.Benchmarks.Scalar;

/// <summary>
/// ADBench's D-LSTM (lstm_l2_c1024): time(generated gradient) / time(objective), the two timed in alternation so that
/// load that comes and goes on the shared machine hits both alike; the ratio is the median of per-round ratios.
/// Run with the benchmark project's argument <c>--lstm-ratios [rounds]</c>.
/// </summary>
public static class LstmRatios
{
    /// <summary>Runs <see cref="Run"/> when <paramref name="args"/> is <c>--lstm-ratios [rounds]</c>.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>True when it ran.</returns>
    public static bool TryRun(string[] args)
    {
        if (args.Length == 0 || args[0] != "--lstm-ratios")
        {
            return false;
        }

        Run(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 21);
        return true;
    }

    /// <summary>Times the objective and its generated gradient and writes a Markdown table row.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="rounds">How many alternations.</param>
    public static void Run(TextWriter output, int rounds)
    {
        LstmInstance lstm = LstmInstance.Read(GmmData.File("lstm", "lstm_l2_c1024.txt"));
        double[] dMain = new double[lstm.MainParams.Length];
        double[] dExtra = new double[lstm.ExtraParams.Length];
        double Objective() => Lstm.Objective(lstm.Layers, lstm.Characters, lstm.Size, lstm.MainParams, lstm.ExtraParams, lstm.State, lstm.Sequence);
        double Gradient() => Lstm.ObjectiveGradient(lstm.Layers, lstm.Characters, lstm.Size, lstm.MainParams, lstm.ExtraParams, lstm.State, lstm.Sequence, dMain, dExtra);
        double Manual() => LstmManual.Gradient(lstm.Layers, lstm.Characters, lstm.Size, lstm.MainParams, lstm.ExtraParams, lstm.State, lstm.Sequence, dMain, dExtra);
        for (int warmUp = 0; warmUp < 20; warmUp++)
        {
            Objective();
            Gradient();
            Manual();
        }

        var objective = new List<double>();
        var gradient = new List<double>();
        var manual = new List<double>();
        var ratios = new List<double>();
        var versusManual = new List<double>();
        var manualRatios = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            double f = Time(Objective), g = Time(Gradient), m = Time(Manual);
            objective.Add(f);
            gradient.Add(g);
            manual.Add(m);
            ratios.Add(g / f);
            versusManual.Add(g / m);
            manualRatios.Add(m / f);
        }

        output.WriteLine("| case | objective | generated gradient | hand-written gradient | generated / hand-written | generated / objective | hand-written / objective |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        output.WriteLine($"| ADBench LSTM l=2 c=1024 b=14 | {RatioStatistics.Median(objective):F1} µs | {RatioStatistics.Median(gradient):F1} µs | {RatioStatistics.Median(manual):F1} µs | {RatioStatistics.Median(versusManual):F2} | {RatioStatistics.Median(ratios):F2} | {RatioStatistics.Median(manualRatios):F2} |");
    }

    private static double Time(Func<double> f)
    {
        const int Repetitions = 5;
        var clock = Stopwatch.StartNew();
        double sink = 0;
        for (int i = 0; i < Repetitions; i++)
        {
            sink += f();
        }

        GC.KeepAlive(sink);
        return clock.Elapsed.TotalMilliseconds * 1000 / Repetitions;
    }
}
