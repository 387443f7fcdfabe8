using AutoDiff.CompilerServices;
using AutoDiff.Kernels;
using AutoDiff.Optimizers;

namespace AutoDiff.Benchmarks.Models;

/// <summary>
/// The seed CNN's training step written by hand over the kernels (the same initial weights as <see cref="BenchCnn"/>):
/// preallocated buffers, ReLU in place, every gradient overwritten rather than accumulated, the same SGD.
/// </summary>
internal sealed class HandCnn
{
    private readonly Tensor _c1 = Tensor.Normal(new Shape(32, 1, 3, 3), 0f, MathF.Sqrt(2f / 9), seed: 11), _c1b = Tensor.Zeros(32);
    private readonly Tensor _c2 = Tensor.Normal(new Shape(64, 32, 3, 3), 0f, MathF.Sqrt(2f / 288), seed: 12), _c2b = Tensor.Zeros(64);
    private readonly Tensor _c3 = Tensor.Normal(new Shape(64, 64, 3, 3), 0f, MathF.Sqrt(2f / 576), seed: 13), _c3b = Tensor.Zeros(64);
    private readonly Tensor _d1 = Tensor.Normal(new Shape(576, 64), 0f, MathF.Sqrt(2f / 576), seed: 14), _d1b = Tensor.Zeros(64);
    private readonly Tensor _d2 = Tensor.Normal(new Shape(64, 10), 0f, MathF.Sqrt(2f / 64), seed: 15), _d2b = Tensor.Zeros(10);
    private readonly Tensor _dc1 = Tensor.Zeros(32, 1, 3, 3), _dc1b = Tensor.Zeros(32);
    private readonly Tensor _dc2 = Tensor.Zeros(64, 32, 3, 3), _dc2b = Tensor.Zeros(64);
    private readonly Tensor _dc3 = Tensor.Zeros(64, 64, 3, 3), _dc3b = Tensor.Zeros(64);
    private readonly Tensor _dd1 = Tensor.Zeros(576, 64), _dd1b = Tensor.Zeros(64);
    private readonly Tensor _dd2 = Tensor.Zeros(64, 10), _dd2b = Tensor.Zeros(10);
    private readonly Conv2DGeometry _g1, _g2, _g3;
    private readonly Pool2DGeometry _p1, _p2;
    private readonly float[] _a1, _pool1, _a2, _pool2, _workspace, _da1, _dpool1, _da2, _dpool2;
    private readonly int[] _arg1, _arg2;
    private readonly Tensor _a3, _h4, _logits, _dlogits, _dh4, _da3;
    private readonly Sgd _sgd;

    public HandCnn(int batch)
    {
        _g1 = new Conv2DGeometry(batch, 1, 28, 28, 32, 3, 3);
        _p1 = new Pool2DGeometry(batch, 32, 26, 26, 2, 2);
        _g2 = new Conv2DGeometry(batch, 32, 13, 13, 64, 3, 3);
        _p2 = new Pool2DGeometry(batch, 64, 11, 11, 2, 2);
        _g3 = new Conv2DGeometry(batch, 64, 5, 5, 64, 3, 3);
        _a1 = new float[_g1.OutputLength];
        _da1 = new float[_g1.OutputLength];
        _pool1 = new float[_p1.OutputLength];
        _dpool1 = new float[_p1.OutputLength];
        _arg1 = new int[_p1.OutputLength];
        _a2 = new float[_g2.OutputLength];
        _da2 = new float[_g2.OutputLength];
        _pool2 = new float[_p2.OutputLength];
        _dpool2 = new float[_p2.OutputLength];
        _arg2 = new int[_p2.OutputLength];
        _workspace = new float[Math.Max(_g1.WorkspaceLength, Math.Max(_g2.WorkspaceLength, _g3.WorkspaceLength))];
        _a3 = Tensor.Zeros(batch, 576);
        _da3 = Tensor.Zeros(batch, 576);
        _h4 = Tensor.Zeros(batch, 64);
        _dh4 = Tensor.Zeros(batch, 64);
        _logits = Tensor.Zeros(batch, 10);
        _dlogits = Tensor.Zeros(batch, 10);
        _sgd = new Sgd(
            [
                ModelSupport.Slot("C1", _c1, _dc1), ModelSupport.Slot("C1b", _c1b, _dc1b),
                ModelSupport.Slot("C2", _c2, _dc2), ModelSupport.Slot("C2b", _c2b, _dc2b),
                ModelSupport.Slot("C3", _c3, _dc3), ModelSupport.Slot("C3b", _c3b, _dc3b),
                ModelSupport.Slot("D1", _d1, _dd1), ModelSupport.Slot("D1b", _d1b, _dd1b),
                ModelSupport.Slot("D2", _d2, _dd2), ModelSupport.Slot("D2b", _d2b, _dd2b),
            ],
            new SgdOptions { LearningRate = 0.01 });
    }

    public float Step(Tensor x, int[] labels)
    {
        // forward
        Convolution.Conv2D(_g1, x.ReadOnlySpan, _c1.ReadOnlySpan, _c1b.ReadOnlySpan, _a1, _workspace);
        Activations.Relu<float>(_a1, _a1);
        Pooling.MaxPool2D<float>(_p1, _a1, _pool1, _arg1);
        Convolution.Conv2D(_g2, _pool1, _c2.ReadOnlySpan, _c2b.ReadOnlySpan, _a2, _workspace);
        Activations.Relu<float>(_a2, _a2);
        Pooling.MaxPool2D<float>(_p2, _a2, _pool2, _arg2);
        Convolution.Conv2D(_g3, _pool2, _c3.ReadOnlySpan, _c3b.ReadOnlySpan, _a3.Span, _workspace);
        Activations.Relu<float>(_a3.ReadOnlySpan, _a3.Span);
        Gemm.Multiply(_a3, _d1, _h4);
        Elementwise.AddBias<float>(_h4.ReadOnlySpan, _d1b.ReadOnlySpan, _h4.Span);
        Activations.Relu<float>(_h4.ReadOnlySpan, _h4.Span);
        Gemm.Multiply(_h4, _d2, _logits);
        Elementwise.AddBias<float>(_logits.ReadOnlySpan, _d2b.ReadOnlySpan, _logits.Span);
        float loss = Losses.SoftmaxCrossEntropy<float>(_logits.ReadOnlySpan, labels, 10, _dlogits.Span);

        // backward (ReLU masks from the outputs: y > 0 ⇔ x > 0)
        Gemm.Multiply(_h4, _dlogits, _dd2, Transpose.Transposed, Transpose.None);
        Elementwise.AddBiasBackward<float>(_dlogits.ReadOnlySpan, _dd2b.Span);
        Gemm.Multiply(_dlogits, _d2, _dh4, Transpose.None, Transpose.Transposed);
        Activations.ReluBackward<float>(_h4.ReadOnlySpan, _dh4.ReadOnlySpan, _dh4.Span);
        Gemm.Multiply(_a3, _dh4, _dd1, Transpose.Transposed, Transpose.None);
        Elementwise.AddBiasBackward<float>(_dh4.ReadOnlySpan, _dd1b.Span);
        Gemm.Multiply(_dh4, _d1, _da3, Transpose.None, Transpose.Transposed);
        Activations.ReluBackward<float>(_a3.ReadOnlySpan, _da3.ReadOnlySpan, _da3.Span);
        Convolution.Conv2DBackwardWeights(_g3, _pool2, _da3.ReadOnlySpan, _dc3.Span, _dc3b.Span, _workspace);
        Convolution.Conv2DBackwardInput(_g3, _c3.ReadOnlySpan, _da3.ReadOnlySpan, _dpool2, _workspace);
        Pooling.MaxPool2DBackward<float>(_p2, _dpool2, _arg2, _da2);
        Activations.ReluBackward<float>(_a2, _da2, _da2);
        Convolution.Conv2DBackwardWeights(_g2, _pool1, _da2, _dc2.Span, _dc2b.Span, _workspace);
        Convolution.Conv2DBackwardInput(_g2, _c2.ReadOnlySpan, _da2, _dpool1, _workspace);
        Pooling.MaxPool2DBackward<float>(_p1, _dpool1, _arg1, _da1);
        Activations.ReluBackward<float>(_a1, _da1, _da1);
        Convolution.Conv2DBackwardWeights(_g1, x.ReadOnlySpan, _da1, _dc1.Span, _dc1b.Span, _workspace);

        _sgd.Step();
        return loss;
    }
}
