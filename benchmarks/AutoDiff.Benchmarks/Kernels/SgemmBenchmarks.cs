using AutoDiff.Kernels;
using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks.Kernels;

/// <summary>C = A·B for square float matrices; GFLOP/s = 2n³ / time. Threads caps <see cref="KernelSettings.MaxThreads"/>.</summary>
[MemoryDiagnoser]
public class SgemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    [Params(10, 64, 128, 256, 512, 1024)]
    public int N { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _a = Enumerable.Range(0, N * N).Select(_ => (float)random.NextDouble()).ToArray();
        _b = Enumerable.Range(0, N * N).Select(_ => (float)random.NextDouble()).ToArray();
        _c = new float[N * N];
        KernelSettings.MaxThreads = Threads;
    }

    [GlobalCleanup]
    public void Cleanup() => KernelSettings.MaxThreads = Environment.ProcessorCount;

    [Benchmark]
    public void Sgemm() => Gemm.Multiply(Transpose.None, Transpose.None, N, N, N, _a, _b, _c);
}
