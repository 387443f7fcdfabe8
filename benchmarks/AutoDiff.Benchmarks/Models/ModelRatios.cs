using System.Diagnostics;
using AutoDiff.Kernels;

namespace AutoDiff.Benchmarks.Models;

/// <summary>
/// Generated training step vs the hand-written one with the same kernels, timed in alternation (batches of about
/// 20 ms, rotating order) so that load from other users of the machine hits both alike; ratios are medians of
/// per-round ratios. <c>AutoDiff.Benchmarks.dll --model-ratios [rounds] [threads]</c>.
/// </summary>
public static class ModelRatios
{
    /// <summary>Runs when <paramref name="args"/> is <c>--model-ratios [rounds] [threads]</c>.</summary>
    public static bool TryRun(string[] args)
    {
        if (args.Length == 0 || args[0] != "--model-ratios")
        {
            return false;
        }

        int rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 21;
        int threads = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
        Console.WriteLine($"{rounds} rounds, {threads} thread(s), load average {LoadAverage()}");
        Console.WriteLine("| model | generated | hand-written | generated / hand-written |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (int batch in new[] { 1, 64, 256 })
        {
            var mlp = new MlpTrainingStepBenchmarks { Batch = batch, Threads = threads };
            mlp.Setup();
            Case($"MLP 784-128-64-10, batch {batch}", rounds, () => mlp.Generated(), () => mlp.HandWritten());
        }

        var cnn = new CnnTrainingStepBenchmarks { Batch = 64, Threads = threads };
        cnn.Setup();
        Case("seed CNN, batch 64", rounds, () => cnn.Generated(), () => cnn.HandWritten());
        KernelSettings.MaxThreads = Environment.ProcessorCount;
        return true;
    }

    private static void Case(string name, int rounds, Func<float> generated, Func<float> hand)
    {
        Func<float>[] variants = { generated, hand };
        var reps = new int[2];
        for (int v = 0; v < 2; v++)
        {
            var warm = Stopwatch.StartNew();
            int calls = 0;
            while (warm.ElapsedMilliseconds < 500)
            {
                variants[v]();
                calls++;
            }

            reps[v] = Math.Max(1, (int)(20.0 / (warm.Elapsed.TotalMilliseconds / calls)));
        }

        var times = new double[2][] { new double[rounds], new double[rounds] };
        float sink = 0;
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < 2; i++)
            {
                int v = (r + i) % 2;
                long start = Stopwatch.GetTimestamp();
                for (int k = 0; k < reps[v]; k++)
                {
                    sink += variants[v]();
                }

                times[v][r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1e6 / reps[v];
            }
        }

        double ratio = RatioStatistics.Median(Enumerable.Range(0, rounds).Select(r => times[0][r] / times[1][r]));
        Console.WriteLine($"| {name} | {RatioStatistics.Format(RatioStatistics.Median(times[0]))} | {RatioStatistics.Format(RatioStatistics.Median(times[1]))} | {ratio:F2} |{(float.IsNaN(sink) ? " (NaN)" : string.Empty)}");
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
