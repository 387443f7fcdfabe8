using AutoDiff.Diagnostics;
using AutoDiff.Kernels;
using AutoDiff.Optimizers;
using AutoDiff.Training;

namespace AutoDiff.Runtime.Tests.Diagnostics;

/// <summary>How <see cref="DeepMlp"/> initialises its weights (biases start at zero).</summary>
internal enum Init
{
    /// <summary>Naive: U(−0.1, 0.1) whatever the fan-in.</summary>
    SmallUniform,

    /// <summary>Naive: N(0, 1) whatever the fan-in (oversized for width 32).</summary>
    StandardNormal,

    /// <summary>He: N(0, 2 / fan_in).</summary>
    He,
}

/// <summary>
/// A deep MLP with a hand-written backward pass, built from the runtime kernels: hidden layers
/// h ← act(W h + b) (or h ← h + act(W h + b) with residual connections) followed by a linear output layer,
/// mean squared error against fixed random targets. Parameters are named <c>layerNN.weight</c>/<c>layerNN.bias</c>.
/// </summary>
/// <remarks>
/// Shapes (row-major): h is batch × width, W is out × in, z = h Wᵀ + b. Backward: dz = dy ⊙ act′ (from the
/// activation's output), dW = dzᵀ h_in, db = column sums of dz, dh_in = dz W (+ dy for a residual layer).
/// </remarks>
internal sealed class DeepMlp : IParameterSet, ITrainingModel
{
    private readonly int _depth;
    private readonly int _width;
    private readonly int _outputs;
    private readonly int _batch;
    private readonly ActivationKind _activation;
    private readonly bool _residual;
    private readonly float[] _inputs;
    private readonly float[] _targets;
    private readonly float[][] _layerOutputs;
    private readonly float[][] _activationOutputs;
    private readonly float[] _prediction;
    private readonly float[] _dy;
    private readonly float[] _dz;
    private readonly float[] _dx;
    private readonly ParameterSlot[] _parameters;

    public DeepMlp(int depth, int width, ActivationKind activation, Init init, bool residual = false, int batch = 32, int outputs = 4, int seed = 1)
    {
        _depth = depth;
        _width = width;
        _outputs = outputs;
        _batch = batch;
        _activation = activation;
        _residual = residual;
        var random = new Random(seed);
        _parameters = new ParameterSlot[2 * depth];
        for (int l = 0; l < depth; l++)
        {
            int fanOut = l == depth - 1 ? outputs : width;
            var weight = ParameterSlot.Create($"layer{l:00}.weight", fanOut, width);
            Span<float> w = weight.Value.Span;
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = init switch
                {
                    Init.SmallUniform => (float)((random.NextDouble() * 0.2) - 0.1),
                    Init.StandardNormal => Normal(random),
                    _ => Normal(random) * MathF.Sqrt(2f / width),
                };
            }

            _parameters[2 * l] = weight;
            _parameters[(2 * l) + 1] = ParameterSlot.Create($"layer{l:00}.bias", fanOut);
        }

        _inputs = new float[batch * width];
        _targets = new float[batch * outputs];
        for (int i = 0; i < _inputs.Length; i++)
        {
            _inputs[i] = Normal(random);
        }

        for (int i = 0; i < _targets.Length; i++)
        {
            _targets[i] = Normal(random);
        }

        _layerOutputs = new float[depth - 1][];
        _activationOutputs = new float[depth - 1][];
        for (int l = 0; l < depth - 1; l++)
        {
            _layerOutputs[l] = new float[batch * width];
            _activationOutputs[l] = new float[batch * width];
        }

        _prediction = new float[batch * outputs];
        _dy = new float[batch * width];
        _dz = new float[batch * width];
        _dx = new float[batch * width];
    }

    public IReadOnlyList<ParameterSlot> Parameters => _parameters;

    /// <summary>Gets or sets per-hidden-layer probes fed with the activation outputs during the forward pass.</summary>
    public ActivationProbe[]? Probes { get; set; }

    public int HiddenLayers => _depth - 1;

    public float ComputeLossAndGradients(ReadOnlySpan<int> batch) => ForwardBackward();

    public BatchEvaluation Evaluate(DataSplit split, ReadOnlySpan<int> batch) => new(0, 0);

    /// <summary>One forward and backward pass over the fixed batch; writes every gradient and returns the loss.</summary>
    public float ForwardBackward()
    {
        int n = _batch, w = _width;
        ReadOnlySpan<float> h = _inputs;
        for (int l = 0; l < _depth - 1; l++)
        {
            float[] a = _activationOutputs[l];
            Gemm.Multiply(Transpose.None, Transpose.Transposed, n, w, w, h, _parameters[2 * l].Value.Span, a);
            Elementwise.AddBias<float>(a, _parameters[(2 * l) + 1].Value.Span, a);
            switch (_activation)
            {
                case ActivationKind.Sigmoid: Activations.Sigmoid<float>(a, a); break;
                case ActivationKind.Tanh: Activations.Tanh<float>(a, a); break;
                default: Activations.Relu<float>(a, a); break;
            }

            Probes?[l].Record(a);
            float[] output = _layerOutputs[l];
            if (_residual && l > 0)
            {
                Elementwise.Add(h, a, output);
            }
            else
            {
                a.CopyTo(output, 0);
            }

            h = output;
        }

        int last = _depth - 1;
        Gemm.Multiply(Transpose.None, Transpose.Transposed, n, _outputs, w, h, _parameters[2 * last].Value.Span, _prediction);
        Elementwise.AddBias<float>(_prediction, _parameters[(2 * last) + 1].Value.Span, _prediction);
        Span<float> dOut = _dz.AsSpan(0, n * _outputs);
        float loss = Losses.MeanSquaredError<float>(_prediction, _targets, dOut);

        // Output layer: dW = dOutᵀ h, db = Σ dOut, dh = dOut W.
        Gemm.Multiply(Transpose.Transposed, Transpose.None, _outputs, w, n, dOut, h, _parameters[2 * last].Gradient.Span);
        Elementwise.AddBiasBackward<float>(dOut, _parameters[(2 * last) + 1].Gradient.Span);
        Gemm.Multiply(Transpose.None, Transpose.None, n, w, _outputs, dOut, _parameters[2 * last].Value.Span, _dy);
        for (int l = _depth - 2; l >= 0; l--)
        {
            float[] a = _activationOutputs[l];
            switch (_activation)
            {
                case ActivationKind.Sigmoid: Activations.SigmoidBackward<float>(a, _dy, _dz); break;
                case ActivationKind.Tanh: Activations.TanhBackward<float>(a, _dy, _dz); break;
                default: Activations.ReluBackward<float>(a, _dy, _dz); break;
            }

            ReadOnlySpan<float> input = l == 0 ? _inputs : _layerOutputs[l - 1];
            Gemm.Multiply(Transpose.Transposed, Transpose.None, w, w, n, _dz, input, _parameters[2 * l].Gradient.Span);
            Elementwise.AddBiasBackward<float>(_dz, _parameters[(2 * l) + 1].Gradient.Span);
            if (l > 0)
            {
                Gemm.Multiply(Transpose.None, Transpose.None, n, w, w, _dz, _parameters[2 * l].Value.Span, _dx);
                if (_residual)
                {
                    Elementwise.Add<float>(_dx, _dy, _dx);
                }

                _dx.CopyTo(_dy, 0);
            }
        }

        return loss;
    }

    private static float Normal(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
