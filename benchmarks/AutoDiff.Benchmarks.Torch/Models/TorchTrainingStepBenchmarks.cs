using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoDiff.Benchmarks.Torch.Models;

/// <summary>
/// One SGD training step (zero_grad, forward, cross-entropy, backward, step) of the MLP 784-128-64-10 through
/// TorchSharp-cpu: the peer of AutoDiff.Benchmarks/Models/MlpTrainingStepBenchmarks (same sizes and thread counts).
/// </summary>
[MemoryDiagnoser]
public class TorchMlpTrainingStepBenchmarks
{
    private Sequential _model = null!;
    private optim.Optimizer _sgd = null!;
    private Tensor _x = null!, _labels = null!;

    [Params(1, 64, 256)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        torch.manual_seed(21);
        _model = nn.Sequential(
            nn.Linear(784, 128), nn.ReLU(),
            nn.Linear(128, 64), nn.ReLU(),
            nn.Linear(64, 10));
        _sgd = optim.SGD(_model.parameters(), 0.01);
        _x = torch.randn(Batch, 784);
        _labels = torch.randint(0, 10, [Batch], dtype: ScalarType.Int64);
        for (int i = 0; i < 3; i++)
        {
            Step();
        }
    }

    [Benchmark]
    public float Step()
    {
        using var scope = torch.NewDisposeScope();
        _sgd.zero_grad();
        Tensor loss = nn.functional.cross_entropy(_model.forward(_x), _labels);
        loss.backward();
        _sgd.step();
        return loss.item<float>();
    }
}

/// <summary>
/// One SGD training step of the seed CNN (Conv32-Pool-Conv64-Pool-Conv64-Dense64-Dense10) at batch 64 through
/// TorchSharp-cpu: the peer of AutoDiff.Benchmarks/Models/CnnTrainingStepBenchmarks.
/// </summary>
[MemoryDiagnoser]
public class TorchCnnTrainingStepBenchmarks
{
    private Sequential _model = null!;
    private optim.Optimizer _sgd = null!;
    private Tensor _x = null!, _labels = null!;

    [Params(64)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        torch.manual_seed(31);
        _model = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
            nn.Linear(576, 64), nn.ReLU(),
            nn.Linear(64, 10));
        _sgd = optim.SGD(_model.parameters(), 0.01);
        _x = torch.rand(Batch, 1, 28, 28);
        _labels = torch.randint(0, 10, [Batch], dtype: ScalarType.Int64);
        for (int i = 0; i < 3; i++)
        {
            Step();
        }
    }

    [Benchmark]
    public float Step()
    {
        using var scope = torch.NewDisposeScope();
        _sgd.zero_grad();
        Tensor loss = nn.functional.cross_entropy(_model.forward(_x), _labels);
        loss.backward();
        _sgd.step();
        return loss.item<float>();
    }
}
