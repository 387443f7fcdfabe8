using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoDiff.Benchmarks.Torch;

/// <summary>torch.mm on square float matrices: the peer of SgemmBenchmarks (same sizes and thread counts).</summary>
public class TorchSgemmBenchmarks
{
    private Tensor _a = null!, _b = null!, _c = null!;

    [Params(10, 64, 128, 256, 512, 1024)]
    public int N { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        torch.manual_seed(1);
        _a = torch.rand(N, N);
        _b = torch.rand(N, N);
        _c = torch.zeros(N, N);
    }

    [Benchmark]
    public void Sgemm() => _c.addmm_(_a, _b, beta: 0, alpha: 1); // C ← A·B in place, no allocation per call
}

/// <summary>
/// The seed CNN's three 3×3 convolutions at batch 64 through TorchSharp: forward, and forward + backward with
/// the same gradients as ConvBenchmarks (weights and bias always, input for layers 2 and 3).
/// </summary>
public class TorchConvBenchmarks
{
    private Tensor _x = null!, _w = null!, _b = null!, _dy = null!;

    [Params("Conv32_1x28x28", "Conv64_32x13x13", "Conv64_64x5x5")]
    public string Layer { get; set; } = "";

    [Params(2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        torch.manual_seed(2);
        (int c, int h, int k) = Layer switch
        {
            "Conv32_1x28x28" => (1, 28, 32),
            "Conv64_32x13x13" => (32, 13, 64),
            _ => (64, 5, 64),
        };
        _x = torch.rand(64, c, h, h).requires_grad_(c > 1);
        _w = torch.rand(k, c, 3, 3).requires_grad_(true);
        _b = torch.rand(k).requires_grad_(true);
        using var y = nn.functional.conv2d(_x, _w, _b);
        _dy = torch.rand_like(y);
    }

    [Benchmark]
    public void Forward()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        nn.functional.conv2d(_x, _w, _b);
    }

    [Benchmark]
    public void ForwardBackward()
    {
        using var scope = torch.NewDisposeScope();
        Tensor y = nn.functional.conv2d(_x, _w, _b);
        y.backward([_dy]);
        _w.grad?.zero_();
        _b.grad?.zero_();
        _x.grad?.zero_();
    }
}
