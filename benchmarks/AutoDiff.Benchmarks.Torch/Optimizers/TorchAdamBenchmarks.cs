using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoDiff.Benchmarks.Torch.Optimizers;

/// <summary>
/// TorchSharp's <c>optim.Adam</c> over 1 Mi and 16 Mi parameters, as one tensor and as 100 tensors: the peer of
/// <c>AdamStepBenchmarks</c> in AutoDiff.Benchmarks (results in docs/benchmarks.md).
/// </summary>
public class TorchAdamBenchmarks
{
    private optim.Optimizer _single = null!, _hundred = null!;

    [Params(1 << 20, 1 << 24)]
    public int Parameters { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        torch.manual_seed(2);
        TorchSharp.Modules.Parameter Make(long n)
        {
            var p = new TorchSharp.Modules.Parameter(torch.rand(n) - 0.5);
            p.grad = (torch.rand(n) - 0.5) * 1e-2;
            return p;
        }

        _single = optim.Adam(new[] { Make(Parameters) }, lr: 1e-3);
        _hundred = optim.Adam(Enumerable.Range(0, 100)
            .Select(i => Make(Parameters / 100 + (i < Parameters % 100 ? 1 : 0))).ToArray(), lr: 1e-3);
    }

    [Benchmark]
    public void Single()
    {
        using var scope = torch.NewDisposeScope();
        _single.step();
    }

    [Benchmark]
    public void Hundred()
    {
        using var scope = torch.NewDisposeScope();
        _hundred.step();
    }
}
