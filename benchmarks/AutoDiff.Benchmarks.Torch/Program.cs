using AutoDiff.Benchmarks.Torch;
using BenchmarkDotNet.Running;

if (!SgemmRatios.TryRun(args))
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
