using AutoDiff.Kernels;
using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks.Kernels;

/// <summary>
/// The seed CNN's three 3×3 convolutions at batch 64 (stride 1, no padding): forward, and forward plus both
/// backward kernels (the first layer needs no input gradient, so its backward computes weights and bias only).
/// </summary>
[MemoryDiagnoser]
public class ConvBenchmarks
{
    private Conv2DGeometry _g;
    private float[] _x = [], _w = [], _b = [], _y = [], _dy = [], _dx = [], _dw = [], _db = [], _workspace = [];

    [Params("Conv32_1x28x28", "Conv64_32x13x13", "Conv64_64x5x5")]
    public string Layer { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _g = Layer switch
        {
            "Conv32_1x28x28" => new Conv2DGeometry(64, 1, 28, 28, 32, 3, 3),
            "Conv64_32x13x13" => new Conv2DGeometry(64, 32, 13, 13, 64, 3, 3),
            _ => new Conv2DGeometry(64, 64, 5, 5, 64, 3, 3),
        };
        var random = new Random(2);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        _x = Random(_g.InputLength);
        _w = Random(_g.WeightLength);
        _b = Random(_g.OutChannels);
        _dy = Random(_g.OutputLength);
        _y = new float[_g.OutputLength];
        _dx = new float[_g.InputLength];
        _dw = new float[_g.WeightLength];
        _db = new float[_g.OutChannels];
        _workspace = new float[_g.WorkspaceLength];
    }

    [Benchmark]
    public void Forward() => Convolution.Conv2D(_g, _x, _w, _b, _y, _workspace);

    [Benchmark]
    public void ForwardBackward()
    {
        Convolution.Conv2D(_g, _x, _w, _b, _y, _workspace);
        Convolution.Conv2DBackwardWeights(_g, _x, _dy, _dw, _db, _workspace);
        if (_g.InChannels > 1)
        {
            Convolution.Conv2DBackwardInput(_g, _w, _dy, _dx, _workspace);
        }
    }
}
