using AutoDiff.CompilerServices;
using AutoDiff.Kernels;
using AutoDiff.Optimizers;
using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks.Models;

/// <summary>
/// One SGD training step (forward, backward, update) of the MLP 784-128-64-10: the generated
/// <c>LossGradient</c> + <see cref="Sgd.Step"/> against a hand-written step over the same kernels with preallocated
/// buffers and the same optimizer. Peer: AutoDiff.Benchmarks.Torch/Models/TorchMlpTrainingStepBenchmarks.
/// </summary>
[MemoryDiagnoser]
public class MlpTrainingStepBenchmarks
{
    private BenchMlp _model = null!;
    private Sgd _sgd = null!;
    private HandMlp _hand = null!;
    private Tensor _x = null!;
    private int[] _labels = null!;

    [Params(1, 64, 256)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        KernelSettings.MaxThreads = Threads;
        _x = Tensor.Normal(new Shape(Batch, 784), 0f, 1f, seed: 21);
        var random = new Random(22);
        _labels = new int[Batch];
        for (int i = 0; i < Batch; i++)
        {
            _labels[i] = random.Next(10);
        }

        _model = new BenchMlp();
        _sgd = new Sgd(_model.GetParameters(), new SgdOptions { LearningRate = 0.01 });
        _hand = new HandMlp(Batch);
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

/// <summary>The MLP's training step written by hand over the kernels: in-place bias and ReLU, no workspace.</summary>
internal sealed class HandMlp
{
    private readonly Tensor _w1 = Tensor.Normal(new Shape(784, 128), 0f, 0.05f, seed: 1), _b1 = Tensor.Zeros(128);
    private readonly Tensor _w2 = Tensor.Normal(new Shape(128, 64), 0f, 0.1f, seed: 2), _b2 = Tensor.Zeros(64);
    private readonly Tensor _w3 = Tensor.Normal(new Shape(64, 10), 0f, 0.1f, seed: 3), _b3 = Tensor.Zeros(10);
    private readonly Tensor _dw1 = Tensor.Zeros(784, 128), _db1 = Tensor.Zeros(128);
    private readonly Tensor _dw2 = Tensor.Zeros(128, 64), _db2 = Tensor.Zeros(64);
    private readonly Tensor _dw3 = Tensor.Zeros(64, 10), _db3 = Tensor.Zeros(10);
    private readonly Tensor _h1, _h2, _logits, _dz3, _dh2, _dh1;
    private readonly Sgd _sgd;

    public HandMlp(int batch)
    {
        _h1 = Tensor.Zeros(batch, 128);
        _h2 = Tensor.Zeros(batch, 64);
        _logits = Tensor.Zeros(batch, 10);
        _dz3 = Tensor.Zeros(batch, 10);
        _dh2 = Tensor.Zeros(batch, 64);
        _dh1 = Tensor.Zeros(batch, 128);
        _sgd = new Sgd(
            [
                ModelSupport.Slot("W1", _w1, _dw1), ModelSupport.Slot("B1", _b1, _db1),
                ModelSupport.Slot("W2", _w2, _dw2), ModelSupport.Slot("B2", _b2, _db2),
                ModelSupport.Slot("W3", _w3, _dw3), ModelSupport.Slot("B3", _b3, _db3),
            ],
            new SgdOptions { LearningRate = 0.01 });
    }

    public float Step(Tensor x, int[] labels)
    {
        // forward: h1 = relu(x·W1 + b1), h2 = relu(h1·W2 + b2), logits = h2·W3 + b3 (bias and ReLU in place)
        Gemm.Multiply(x, _w1, _h1);
        Elementwise.AddBias<float>(_h1.ReadOnlySpan, _b1.ReadOnlySpan, _h1.Span);
        Activations.Relu<float>(_h1.ReadOnlySpan, _h1.Span);
        Gemm.Multiply(_h1, _w2, _h2);
        Elementwise.AddBias<float>(_h2.ReadOnlySpan, _b2.ReadOnlySpan, _h2.Span);
        Activations.Relu<float>(_h2.ReadOnlySpan, _h2.Span);
        Gemm.Multiply(_h2, _w3, _logits);
        Elementwise.AddBias<float>(_logits.ReadOnlySpan, _b3.ReadOnlySpan, _logits.Span);
        float loss = Losses.SoftmaxCrossEntropy<float>(_logits.ReadOnlySpan, labels, 10, _dz3.Span);

        // backward (gradients overwritten, beta = 0; ReLU masks taken from the outputs, h > 0 ⇔ z > 0)
        Gemm.Multiply(_h2, _dz3, _dw3, Transpose.Transposed, Transpose.None);
        Elementwise.AddBiasBackward<float>(_dz3.ReadOnlySpan, _db3.Span);
        Gemm.Multiply(_dz3, _w3, _dh2, Transpose.None, Transpose.Transposed);
        Activations.ReluBackward<float>(_h2.ReadOnlySpan, _dh2.ReadOnlySpan, _dh2.Span);
        Gemm.Multiply(_h1, _dh2, _dw2, Transpose.Transposed, Transpose.None);
        Elementwise.AddBiasBackward<float>(_dh2.ReadOnlySpan, _db2.Span);
        Gemm.Multiply(_dh2, _w2, _dh1, Transpose.None, Transpose.Transposed);
        Activations.ReluBackward<float>(_h1.ReadOnlySpan, _dh1.ReadOnlySpan, _dh1.Span);
        Gemm.Multiply(x, _dh1, _dw1, Transpose.Transposed, Transpose.None);
        Elementwise.AddBiasBackward<float>(_dh1.ReadOnlySpan, _db1.Span);

        _sgd.Step();
        return loss;
    }
}
