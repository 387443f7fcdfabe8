using System.Diagnostics;
using AutoDiff.Tests.AdBench;

namespace AutoDiff.Benchmarks.Scalar;

/// <summary>
/// A cross-check of the BenchmarkDotNet ratios for a loaded machine: the three variants of each case are timed in
/// alternation (function, generated, hand-written, in rotating order, batches of about 2 ms), so load that comes
/// and goes hits all three alike; the ratios are medians of per-round ratios. Run with the benchmark project's
/// argument <c>--scalar-ratios</c> handled by <see cref="TryRun"/>, or call <see cref="Run"/>.
/// </summary>
public static class InterleavedRatios
{
    /// <summary>Runs <see cref="Run"/> when <paramref name="args"/> is <c>--scalar-ratios [rounds]</c>.</summary>
    public static bool TryRun(string[] args)
    {
        if (args.Length == 0 || args[0] != "--scalar-ratios")
        {
            return false;
        }

        Run(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 41, args.Length > 2 ? args[2] : null);
        return true;
    }

    /// <summary>Times the cases (those whose name contains <paramref name="only"/>, when given) and writes a Markdown table.</summary>
    public static void Run(TextWriter output, int rounds = 41, string? only = null)
    {
        var rosenbrock = new RosenbrockBenchmarks();
        rosenbrock.Setup();
        var gmm = new GmmBenchmarks();
        gmm.Setup();
        var regression = new RegressionBenchmarks();
        regression.Setup();

        _only = only;
        output.WriteLine("| case | function | generated | hand-written | generated / hand-written | generated / function | hand-written / function |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        Case(output, "Rosenbrock n=1000", rounds,
            reps => { double s = 0; for (int i = 0; i < reps; i++) { s += rosenbrock.Function(); } return s; },
            reps => { double s = 0; for (int i = 0; i < reps; i++) { s += rosenbrock.Generated(); } return s; },
            reps => { double s = 0; for (int i = 0; i < reps; i++) { s += rosenbrock.HandWritten(); } return s; });
        Case(output, "GMM d10 K25 n=1000", rounds,
            reps => { double s = 0; for (int i = 0; i < reps; i++) { s += gmm.Function(); } return s; },
            reps => { double s = 0; for (int i = 0; i < reps; i++) { s += gmm.Generated(); } return s; },
            reps => { double s = 0; for (int i = 0; i < reps; i++) { s += gmm.HandWritten(); } return s; });
        Case(output, "GMM d10 K25 n=1000, by rows", rounds,
            reps => { double s = 0; for (int i = 0; i < reps; i++) { s += gmm.FunctionByRows(); } return s; },
            reps => { double s = 0; for (int i = 0; i < reps; i++) { s += gmm.GeneratedByRows(); } return s; },
            reps => { double s = 0; for (int i = 0; i < reps; i++) { s += gmm.HandWritten(); } return s; });
        Case(output, "Linear regression MSE, 100 samples (float)", rounds,
            reps => { double s = 0; for (int i = 0; i < reps; i++) { s += regression.Function(); } return s; },
            reps => { double s = 0; for (int i = 0; i < reps; i++) { s += regression.Generated(); } return s; },
            reps => { double s = 0; for (int i = 0; i < reps; i++) { s += regression.HandWritten(); } return s; });
    }

    private static string? _only;

    private static void Case(TextWriter output, string name, int rounds, params Func<int, double>[] variants)
    {
        if (_only is not null && !name.Contains(_only, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        // Warm up past tiered compilation: at least 400 ms and 200 calls each (a method with loops that has been
        // called only a few times runs on-stack-replaced code, slower than its final tier), then a pause for the
        // background compiler to install the final code, then size batches to about 2 ms each.
        var reps = new int[variants.Length];
        for (int v = 0; v < variants.Length; v++)
        {
            var warm = Stopwatch.StartNew();
            int calls = 0;
            while (warm.ElapsedMilliseconds < 400 || calls < 200)
            {
                variants[v](1);
                calls++;
            }
        }

        Thread.Sleep(500);
        for (int v = 0; v < variants.Length; v++)
        {
            var warm = Stopwatch.StartNew();
            int calls = 0;
            while (warm.ElapsedMilliseconds < 100)
            {
                variants[v](1);
                calls++;
            }

            double perCall = warm.Elapsed.TotalMilliseconds / calls;
            reps[v] = Math.Max(1, (int)(2.0 / perCall));
        }

        var times = new double[variants.Length][];
        for (int v = 0; v < variants.Length; v++)
        {
            times[v] = new double[rounds];
        }

        double sink = 0;
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < variants.Length; i++)
            {
                int v = (r + i) % variants.Length;
                long start = Stopwatch.GetTimestamp();
                sink += variants[v](reps[v]);
                times[v][r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1e6 / reps[v];
            }
        }

        double Ratio(int a, int b) => RatioStatistics.Median(Enumerable.Range(0, rounds).Select(r => times[a][r] / times[b][r]));
        output.WriteLine(
            $"| {name} | {RatioStatistics.Format(RatioStatistics.Median(times[0]))} | {RatioStatistics.Format(RatioStatistics.Median(times[1]))} | {RatioStatistics.Format(RatioStatistics.Median(times[2]))} | " +
            $"{Ratio(1, 2):F2} | {Ratio(1, 0):F2} | {Ratio(2, 0):F2} |{(double.IsNaN(sink) ? " (NaN)" : "")}");
    }
}
