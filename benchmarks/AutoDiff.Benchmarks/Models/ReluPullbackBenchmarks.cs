using AutoDiff.Kernels;
using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks.Models;

/// <summary>
/// Diagnostic for the training-step gap: the ReLU pullback that generated code calls
/// (<see cref="TensorOps.ReluPullback"/>, a scalar loop that branches on the sign of every input and accumulates)
/// against the SIMD kernel the hand-written step calls (<see cref="Activations.ReluBackward{T}"/>, compare-and-select,
/// overwrites), on random-sign inputs. Sizes: the MLP's first hidden layer at batch 64 and 256 (64·128, 256·128) and
/// the seed CNN's first convolution output at batch 64 (64·32·26·26).
/// </summary>
[MemoryDiagnoser]
public class ReluPullbackBenchmarks
{
    private Tensor _x = null!, _y = null!, _dy = null!, _dx = null!;

    [Params(64 * 128, 256 * 128, 64 * 32 * 26 * 26)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        KernelSettings.MaxThreads = 1;
        _x = Tensor.Normal(new Shape(Length), 0f, 1f, seed: 41);
        _y = Tensor.Zeros(Length);
        Activations.Relu<float>(_x.ReadOnlySpan, _y.Span);
        _dy = Tensor.Normal(new Shape(Length), 0f, 1f, seed: 42);
        _dx = Tensor.Zeros(Length);
    }

    [Benchmark(Baseline = true)]
    public void GeneratedPullback() => TensorOps.ReluPullback(_x, _y, _dy, _dx);

    [Benchmark]
    public void SimdReluBackward() => Activations.ReluBackward<float>(_x.ReadOnlySpan, _dy.ReadOnlySpan, _dx.Span);
}
