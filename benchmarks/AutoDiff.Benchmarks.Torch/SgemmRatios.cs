extern alias ours;

using System.Diagnostics;
using System.Globalization;
using ours::AutoDiff.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// SGEMM, ours against TorchSharp in one process, timed in alternation (batches of about 20 ms, rotating order) so
/// that load which comes and goes on a shared machine hits both alike. Medians over rounds; the ratio is the median
/// of per-round ratios. Run with <c>--sgemm-ratios [rounds]</c>.
/// </summary>
public static class SgemmRatios
{
    /// <summary>Runs the comparison when <paramref name="args"/> starts with <c>--sgemm-ratios</c>.</summary>
    public static bool TryRun(string[] args)
    {
        if (args.Length == 0 || args[0] != "--sgemm-ratios")
        {
            return false;
        }

        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 31;
        Console.WriteLine("| n | threads | ours | TorchSharp | ours ÷ TorchSharp (median of per-round ratios) | ours GFLOP/s |");
        Console.WriteLine("|--:|--:|--:|--:|--:|--:|");
        foreach (int threads in new[] { 1, 2 })
        {
            foreach (int n in new[] { 64, 128, 256 })
            {
                Case(n, threads, rounds);
            }
        }

        return true;
    }

    private static void Case(int n, int threads, int rounds)
    {
        var random = new Random(1);
        float[] a = Enumerable.Range(0, n * n).Select(_ => (float)random.NextDouble()).ToArray();
        float[] b = Enumerable.Range(0, n * n).Select(_ => (float)random.NextDouble()).ToArray();
        float[] c = new float[n * n];
        KernelSettings.MaxThreads = threads;
        torch.set_num_threads(threads);
        Tensor ta = torch.tensor(a, n, n), tb = torch.tensor(b, n, n), tc = torch.zeros(n, n);
        Action ours = () => Gemm.Multiply(Transpose.None, Transpose.None, n, n, n, a, b, c);
        Action peer = () => tc.addmm_(ta, tb, beta: 0, alpha: 1);

        // Same result first: the comparison is only meaningful if both compute C = A·B.
        ours();
        peer();
        float[] expected = tc.data<float>().ToArray();
        for (int i = 0; i < c.Length; i++)
        {
            if (Math.Abs(c[i] - expected[i]) > 1e-3f * (1 + Math.Abs(expected[i])))
            {
                throw new InvalidOperationException($"n = {n}: C[{i}] is {c[i]} here and {expected[i]} in TorchSharp.");
            }
        }

        int repsOurs = Calibrate(ours), repsPeer = Calibrate(peer);
        var oursTimes = new double[rounds];
        var peerTimes = new double[rounds];
        var ratios = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            if (r % 2 == 0)
            {
                oursTimes[r] = Time(ours, repsOurs);
                peerTimes[r] = Time(peer, repsPeer);
            }
            else
            {
                peerTimes[r] = Time(peer, repsPeer);
                oursTimes[r] = Time(ours, repsOurs);
            }

            ratios[r] = oursTimes[r] / peerTimes[r];
        }

        double oursMedian = Median(oursTimes), peerMedian = Median(peerTimes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {n} | {threads} | {oursMedian * 1e6:F1} µs | {peerMedian * 1e6:F1} µs | {Median(ratios):F2} | {2.0 * n * n * n / oursMedian / 1e9:F1} |"));
        KernelSettings.MaxThreads = Environment.ProcessorCount;
    }

    /// <summary>Pause before each timed batch; <c>AUTODIFF_QUIET_MS</c> overrides the default 50 ms.</summary>
    private static readonly int QuietMilliseconds =
        int.TryParse(Environment.GetEnvironmentVariable("AUTODIFF_QUIET_MS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int ms) ? ms : 50;

    private static int Calibrate(Action action)
    {
        var watch = Stopwatch.StartNew();
        int calls = 0;
        while (watch.ElapsedMilliseconds < 300)
        {
            action();
            calls++;
        }

        return Math.Max(1, (int)(calls * 20.0 / watch.Elapsed.TotalMilliseconds));
    }

    /// <summary>Seconds per call over one batch.</summary>
    private static double Time(Action action, int reps)
    {
        // Let the other side's worker threads go idle first (OpenMP's spin after a parallel region, our workers' ~50 µs).
        Thread.Sleep(QuietMilliseconds);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < reps; i++)
        {
            action();
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds / reps;
    }

    private static double Median(double[] values)
    {
        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
