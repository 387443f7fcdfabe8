using AutoDiff.Benchmarks.Models;
using AutoDiff.Benchmarks.Scalar;
using BenchmarkDotNet.Running;

// Ratio programs for the shared, noisy machine (variants timed in alternation), then BenchmarkDotNet.
if (InterleavedRatios.TryRun(args) || LstmRatios.TryRun(args) || ModelRatios.TryRun(args))
{
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
