using AutoDiff.Kernels;
using AutoDiff.Optimizers;
using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks.Models;

/// <summary>
/// One SGD training step of the seed CNN at batch 64 ([64, 1, 28, 28] input): the generated <c>LossGradient</c> +
/// <see cref="Sgd.Step"/>, against <see cref="HandCnn"/> (the same kernels by hand). Peer: AutoDiff.Benchmarks.Torch/Models/TorchCnnTrainingStepBenchmarks.
/// </summary>
[MemoryDiagnoser]
public class CnnTrainingStepBenchmarks
{
    private BenchCnn _model = null!;
    private Sgd _sgd = null!;
    private HandCnn _hand = null!;
    private Tensor _x = null!;
    private int[] _labels = null!;

    [Params(64)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        KernelSettings.MaxThreads = Threads;
        _x = Tensor.Uniform(new Shape(Batch, 1, 28, 28), 0f, 1f, seed: 31);
        var random = new Random(32);
        _labels = new int[Batch];
        for (int i = 0; i < Batch; i++)
        {
            _labels[i] = random.Next(10);
        }

        _model = new BenchCnn();
        _sgd = new Sgd(_model.GetParameters(), new SgdOptions { LearningRate = 0.01 });
        _hand = new HandCnn(Batch);
        for (int i = 0; i < 3; i++)
        {
            // Same initial weights and data: the two steps must follow the same trajectory.
            float generated = Generated(), hand = HandWritten();
            if (MathF.Abs(generated - hand) > 1e-4f * (1 + MathF.Abs(generated)))
            {
                throw new InvalidOperationException($"step {i}: generated loss {generated}, hand-written loss {hand}");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public float Generated()
    {
        float loss = _model.LossGradient(_x, _labels);
        _sgd.Step();
        return loss;
    }

    [Benchmark]
    public float HandWritten() => _hand.Step(_x, _labels);
}
