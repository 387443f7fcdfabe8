using AutoDiff.Diagnostics;
using AutoDiff.Kernels;
using AutoDiff.Optimizers;
using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks.Diagnostics;

/// <summary>
/// The cost of a <see cref="GradientMonitor"/> per training step. One invocation runs 10 training steps of a ReLU
/// MLP (depth layers of width × width, batch rows, MSE; forward, hand-written backward with the runtime's Gemm and
/// activation kernels, SGD step): without a monitor, with a monitor recording every 10 steps (gradient statistics,
/// update ratio, one ReLU probe per hidden layer), and with one recording every step. Reported times are per step
/// (OperationsPerInvoke = 10); the overhead is (monitored − baseline) / baseline.
/// </summary>
[MemoryDiagnoser]
public class GradientMonitorBenchmarks
{
    private const int StepsPerInvoke = 10;
    private Mlp _model = null!;
    private Sgd _optimizer = null!;
    private GradientMonitor _every10 = null!;
    private GradientMonitor _every1 = null!;
    private ActivationProbe[] _probes10 = null!;
    private ActivationProbe[] _probes1 = null!;
    private long _step;

    /// <summary>Gets or sets the layer width (and input width).</summary>
    [Params(64, 256)]
    public int Width { get; set; }

    /// <summary>Gets or sets the number of layers.</summary>
    [Params(8)]
    public int Depth { get; set; }

    /// <summary>Gets or sets the batch size.</summary>
    [Params(64)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = new Mlp(Depth, Width, Batch);
        _optimizer = new Sgd(_model.Parameters, new SgdOptions { LearningRate = 1e-3 });
        _every10 = new GradientMonitor(_model.Parameters, new GradientMonitorOptions { Interval = 10 });
        _every1 = new GradientMonitor(_model.Parameters, new GradientMonitorOptions { Interval = 1 });
        _probes10 = Enumerable.Range(0, Depth - 1).Select(l => _every10.AddActivation($"relu{l}", ActivationKind.Relu, Width)).ToArray();
        _probes1 = Enumerable.Range(0, Depth - 1).Select(l => _every1.AddActivation($"relu{l}", ActivationKind.Relu, Width)).ToArray();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = StepsPerInvoke)]
    public float NoMonitor()
    {
        float loss = 0;
        for (int i = 0; i < StepsPerInvoke; i++)
        {
            loss = _model.Step(null);
            _optimizer.Step();
        }

        return loss;
    }

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    public float MonitorEvery10Steps() => Run(_every10, _probes10);

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    public float MonitorEveryStep() => Run(_every1, _probes1);

    /// <summary>
    /// The monitor's own work over 10 steps at interval 10 (one record, one parameter copy, nine early returns of
    /// every probe) without the training step: divided by <see cref="NoMonitor"/> it gives the overhead with less
    /// noise than the difference of two full training runs.
    /// </summary>
    /// <returns>The last step number.</returns>
    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    public long MonitorWorkOnlyEvery10Steps()
    {
        for (int i = 0; i < StepsPerInvoke; i++)
        {
            for (int l = 0; l < _probes10.Length; l++)
            {
                _probes10[l].Record(_model.OutputOf(l));
            }

            _every10.OnStepEnd(++_step, 1f, 1e-3);
        }

        return _step;
    }

    private float Run(GradientMonitor monitor, ActivationProbe[] probes)
    {
        float loss = 0;
        for (int i = 0; i < StepsPerInvoke; i++)
        {
            loss = _model.Step(probes);
            _optimizer.Step();
            monitor.OnStepEnd(++_step, loss, 1e-3);
        }

        return loss;
    }

    /// <summary>A ReLU MLP with He initialisation and a hand-written backward pass (as in the diagnostics tests).</summary>
    private sealed class Mlp
    {
        private readonly int _depth, _width, _batch;
        private readonly float[] _input, _target, _dy, _dz;
        private readonly float[][] _outputs;

        public Mlp(int depth, int width, int batch)
        {
            (_depth, _width, _batch) = (depth, width, batch);
            var random = new Random(3);
            Parameters = new ParameterSlot[2 * depth];
            for (int l = 0; l < depth; l++)
            {
                var weight = ParameterSlot.Create($"layer{l}.weight", width, width);
                Span<float> w = weight.Value.Span;
                for (int i = 0; i < w.Length; i++)
                {
                    w[i] = (float)((random.NextDouble() - 0.5) * Math.Sqrt(24.0 / width)); // variance 2 / fan_in
                }

                Parameters[2 * l] = weight;
                Parameters[(2 * l) + 1] = ParameterSlot.Create($"layer{l}.bias", width);
            }

            _input = Enumerable.Range(0, batch * width).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            _target = Enumerable.Range(0, batch * width).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            _outputs = Enumerable.Range(0, depth).Select(_ => new float[batch * width]).ToArray();
            _dy = new float[batch * width];
            _dz = new float[batch * width];
        }

        public ParameterSlot[] Parameters { get; }

        public ReadOnlySpan<float> OutputOf(int layer) => _outputs[layer];

        public float Step(ActivationProbe[]? probes)
        {
            int n = _batch, w = _width;
            ReadOnlySpan<float> h = _input;
            for (int l = 0; l < _depth; l++)
            {
                float[] z = _outputs[l];
                Gemm.Multiply(Transpose.None, Transpose.Transposed, n, w, w, h, Parameters[2 * l].Value.Span, z);
                Elementwise.AddBias<float>(z, Parameters[(2 * l) + 1].Value.Span, z);
                if (l < _depth - 1)
                {
                    Activations.Relu<float>(z, z);
                    probes?[l].Record(z);
                }

                h = z;
            }

            float loss = Losses.MeanSquaredError<float>(_outputs[^1], _target, _dy);
            for (int l = _depth - 1; l >= 0; l--)
            {
                if (l < _depth - 1)
                {
                    Activations.ReluBackward<float>(_outputs[l], _dy, _dz);
                }
                else
                {
                    _dy.CopyTo(_dz, 0);
                }

                ReadOnlySpan<float> input = l == 0 ? _input : _outputs[l - 1];
                Gemm.Multiply(Transpose.Transposed, Transpose.None, w, w, n, _dz, input, Parameters[2 * l].Gradient.Span);
                Elementwise.AddBiasBackward<float>(_dz, Parameters[(2 * l) + 1].Gradient.Span);
                if (l > 0)
                {
                    Gemm.Multiply(Transpose.None, Transpose.None, n, w, w, _dz, Parameters[2 * l].Value.Span, _dy);
                }
            }

            return loss;
        }
    }
}
