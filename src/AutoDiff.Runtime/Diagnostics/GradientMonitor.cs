using AutoDiff.Optimizers;
using AutoDiff.Training;

namespace AutoDiff.Diagnostics;

/// <summary>
/// Watches gradients during training and tells when they vanish, explode, turn into NaN, when activations saturate
/// or die, and when the learning rate is too large — with the evidence and the remedies.
/// </summary>
/// <remarks>
/// <para>
/// Every <see cref="GradientMonitorOptions.Interval"/> steps the monitor records, per parameter tensor, the gradient's
/// L2 norm, RMS, max |g|, share of exact zeros, and the update-to-weight ratio ‖Δw‖ / ‖w‖; per layer (tensors grouped
/// by <see cref="GradientMonitorOptions.LayerOf"/>) the gradient norm; and, per activation added with
/// <see cref="AddActivation"/>, the share of saturated outputs and of dead ReLU units. Records go to preallocated
/// ring buffers and the detection rules update plain counters, so recording allocates nothing; only
/// <see cref="GetFindings"/> and the reports in <see cref="GradientReport"/> allocate.
/// </para>
/// <para>
/// The update ratio is measured from the step itself, whatever the optimizer: at the end of the step before a
/// recorded step the monitor copies the parameter values (the values the recorded step starts from); at the end of
/// the recorded step it computes ‖w_after − w_before‖ / ‖w_before‖. This costs one copy of the parameters per interval.
/// </para>
/// <para>
/// Use it as a trainer callback (<c>Callbacks = [monitor]</c>), or call <see cref="OnStepEnd(long, float, double, float)"/>
/// after each optimizer step of a hand-written loop, before the gradients are cleared. The gradients it sees are
/// the ones the optimizer used, that is after clipping; the trainer's pre-clipping global norm, when it computes
/// one, also feeds the exploding rule.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var monitor = new GradientMonitor(model.Parameters, new GradientMonitorOptions { Interval = 10 });
/// ActivationProbe hidden = monitor.AddActivation("hidden1", ActivationKind.Relu, units: 128);
/// // in the model's forward pass: hidden.Record(hiddenOutput);
/// var trainer = new Trainer(model, optimizer, n, 0, new TrainerOptions { Callbacks = [monitor] });
/// trainer.Fit();
/// GradientReport.Write(monitor);              // table and findings on the console
/// GradientReport.SaveJson(monitor, "gradients.json");
/// monitor.SaveNormsOverSteps("norms.png");    // PNG plots: the AutoDiff.Plotting package (GradientPlots)
/// </code>
/// </example>
public sealed class GradientMonitor : ITrainingCallback
{
    private readonly ParameterSlot[] _parameters;
    private readonly int[] _layerOfParameter;
    private readonly string[] _layers;
    private readonly int _capacity;
    private readonly TensorGradientStatistics[] _tensorStats;
    private readonly double[] _layerNorms;
    private readonly double[] _layerSquares;
    private readonly long[] _steps;
    private readonly float[] _losses;
    private readonly double[] _learningRates;
    private readonly double[] _globalNorms;
    private readonly float[] _snapshot;
    private readonly int[] _offsets;
    private readonly float[] _scratch;
    private readonly bool[] _nonFiniteTensors;
    private readonly List<ActivationProbe> _probes = [];
    private long _records;
    private long _snapshotStep = long.MinValue;
    private double _previousGlobalNorm = double.NaN;
    private long _previousGlobalStep;
    internal RuleState Vanishing;
    internal RuleState ExplodingNorm;
    internal RuleState ExplodingGrowth;
    internal RuleState NonFinite;
    internal RuleState UpdateRatio;

    /// <summary>Creates a monitor over the parameters of a model.</summary>
    /// <param name="model">The model; its parameters should be listed from input to output.</param>
    /// <param name="options">How to sample and the detection thresholds; default options when <see langword="null"/>.</param>
    /// <param name="startStep">The number of the last step already taken (a resumed run's global step; 0 for a new run).</param>
    public GradientMonitor(IParameterSet model, GradientMonitorOptions? options = null, long startStep = 0)
        : this((model ?? throw new ArgumentNullException(nameof(model))).Parameters, options, startStep)
    {
    }

    /// <summary>Creates a monitor over parameter tensors.</summary>
    /// <param name="parameters">The tensors, listed from input to output (the order defines depth).</param>
    /// <param name="options">How to sample and the detection thresholds; default options when <see langword="null"/>.</param>
    /// <param name="startStep">The number of the last step already taken (a resumed run's global step; 0 for a new run).</param>
    public GradientMonitor(IReadOnlyList<ParameterSlot> parameters, GradientMonitorOptions? options = null, long startStep = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        options ??= new GradientMonitorOptions();
        ArgumentNullException.ThrowIfNull(options.Thresholds);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Interval, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(startStep);
        options.Thresholds.Validate();
        if (parameters.Count == 0)
        {
            throw new ArgumentException("The monitor needs at least one parameter.", nameof(parameters));
        }

        Options = options;
        _parameters = parameters.ToArray();
        Func<string, string> layerOf = options.LayerOf ?? DefaultLayerOf;
        var layers = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        _layerOfParameter = new int[_parameters.Length];
        _offsets = new int[_parameters.Length + 1];
        int maxLength = 0;
        for (int p = 0; p < _parameters.Length; p++)
        {
            ParameterSlot parameter = _parameters[p] ?? throw new ArgumentException("A parameter is null.", nameof(parameters));
            if (!names.Add(parameter.Name))
            {
                throw new ArgumentException($"Parameter '{parameter.Name}' appears more than once.", nameof(parameters));
            }

            string layer = layerOf(parameter.Name);
            int index = layers.IndexOf(layer);
            if (index < 0)
            {
                index = layers.Count;
                layers.Add(layer);
            }

            _layerOfParameter[p] = index;
            _offsets[p + 1] = checked(_offsets[p] + parameter.Length);
            maxLength = Math.Max(maxLength, parameter.Length);
        }

        _layers = layers.ToArray();
        _capacity = options.Capacity;
        _tensorStats = new TensorGradientStatistics[_capacity * _parameters.Length];
        _layerNorms = new double[_capacity * _layers.Length];
        _layerSquares = new double[_layers.Length];
        _steps = new long[_capacity];
        _losses = new float[_capacity];
        _learningRates = new double[_capacity];
        _globalNorms = new double[_capacity];
        _snapshot = options.TrackUpdateRatio ? new float[_offsets[^1]] : [];
        _scratch = new float[maxLength];
        _nonFiniteTensors = new bool[_parameters.Length];
        LastStep = startStep;
        if (options.TrackUpdateRatio && (startStep + 1) % options.Interval == 0)
        {
            TakeSnapshot(startStep);
        }
    }

    /// <summary>Gets the options.</summary>
    public GradientMonitorOptions Options { get; }

    /// <summary>Gets the monitored tensors, in depth order.</summary>
    public IReadOnlyList<ParameterSlot> Parameters => _parameters;

    /// <summary>Gets the layer names, from the input (index 0) to the output.</summary>
    public IReadOnlyList<string> Layers => _layers;

    /// <summary>Gets the activations added with <see cref="AddActivation"/>.</summary>
    public IReadOnlyList<ActivationProbe> Activations => _probes;

    /// <summary>Gets the number of the last step seen by <see cref="OnStepEnd(long, float, double, float)"/> (or the start step).</summary>
    public long LastStep { get; private set; }

    /// <summary>Gets a value indicating whether the coming step (<see cref="LastStep"/> + 1) will be recorded.</summary>
    public bool IsNextStepRecorded => (LastStep + 1) % Options.Interval == 0;

    /// <summary>Gets the number of records kept (at most <see cref="GradientMonitorOptions.Capacity"/>); record 0 is the oldest.</summary>
    public int RecordCount => (int)Math.Min(_records, _capacity);

    /// <summary>Gets the number of records taken since the monitor was created, including overwritten ones.</summary>
    public long TotalRecords => _records;

    /// <summary>Gets a value indicating whether any detection rule has fired.</summary>
    public bool HasFindings
    {
        get
        {
            bool any = Vanishing.Fired || ExplodingNorm.Fired || ExplodingGrowth.Fired || NonFinite.Fired || UpdateRatio.Fired;
            for (int i = 0; i < _probes.Count && !any; i++)
            {
                any = _probes[i].Saturation.Fired || _probes[i].Dead.Fired;
            }

            return any;
        }
    }

    /// <summary>Gets a value indicating whether a recorded gradient (or parameter) held NaN or infinity.</summary>
    public bool HasNonFinite => NonFinite.Fired;

    /// <summary>
    /// Describes every rule that has fired: what was found, the evidence (numbers, steps, layer names) and the
    /// remedies. Allocates; call it after training or now and then, not every step.
    /// </summary>
    /// <returns>The findings, most severe first (NaN/Inf, exploding, vanishing, learning rate, activations).</returns>
    public IReadOnlyList<DiagnosticFinding> GetFindings() => FindingBuilder.Build(this);

    /// <summary>Returns the index in <see cref="Layers"/> of a parameter's layer.</summary>
    /// <param name="parameter">The parameter's index in <see cref="Parameters"/>.</param>
    /// <returns>The layer's index.</returns>
    public int LayerIndexOf(int parameter) => _layerOfParameter[parameter];

    /// <summary>Adds an activation to watch; do this before training (it allocates the activation's buffers).</summary>
    /// <param name="name">The activation's name, unique among the monitor's activations (for example <c>layer3.sigmoid</c>).</param>
    /// <param name="kind">The activation function.</param>
    /// <param name="units">The number of units, the columns of the output passed to <see cref="ActivationProbe.Record"/>.</param>
    /// <returns>The probe to feed with the activation's output in the forward pass.</returns>
    public ActivationProbe AddActivation(string name, ActivationKind kind, int units)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation kind.");
        }

        foreach (ActivationProbe existing in _probes)
        {
            if (existing.Name == name)
            {
                throw new ArgumentException($"An activation named '{name}' is already monitored.", nameof(name));
            }
        }

        var probe = new ActivationProbe(this, name, kind, units, _capacity, Options.Thresholds);
        _probes.Add(probe);
        return probe;
    }

    /// <inheritdoc/>
    void ITrainingCallback.OnStepEnd(Trainer trainer, in StepMetrics step)
    {
        OnStepEnd(step.GlobalStep, step.Loss, step.LearningRate, step.GradientNorm);
        if (Options.StopOnNonFinite && NonFinite.Fired)
        {
            trainer.RequestStop();
        }
    }

    /// <summary>
    /// Tells the monitor that step <paramref name="step"/> ended: call it after the optimizer step and before the
    /// gradients are cleared. Records when the step number is a multiple of the interval, and copies the parameters
    /// when the next step will be recorded. Allocates nothing.
    /// </summary>
    /// <param name="step">The 1-based number of the step that just ended.</param>
    /// <param name="loss">The step's loss, kept with the record (NaN if unknown).</param>
    /// <param name="learningRate">The learning rate the step used, kept with the record and quoted in findings (NaN if unknown).</param>
    /// <param name="globalNormBeforeClipping">The global gradient norm before clipping, when the loop clips (NaN otherwise).</param>
    /// <returns>Whether the step was recorded.</returns>
    public bool OnStepEnd(long step, float loss = float.NaN, double learningRate = double.NaN, float globalNormBeforeClipping = float.NaN)
    {
        LastStep = step;
        bool recorded = step % Options.Interval == 0;
        if (recorded)
        {
            Record(step, loss, learningRate, globalNormBeforeClipping);
        }

        if (Options.TrackUpdateRatio && (step + 1) % Options.Interval == 0)
        {
            TakeSnapshot(step);
        }

        return recorded;
    }

    /// <summary>Gets the step number of a record.</summary>
    /// <param name="record">The record's index, 0 for the oldest kept.</param>
    /// <returns>The step number.</returns>
    public long StepAt(int record) => _steps[SlotOf(record)];

    /// <summary>Gets the loss passed with a record (NaN if none).</summary>
    /// <param name="record">The record's index, 0 for the oldest kept.</param>
    /// <returns>The loss.</returns>
    public float LossAt(int record) => _losses[SlotOf(record)];

    /// <summary>Gets the learning rate passed with a record (NaN if none).</summary>
    /// <param name="record">The record's index, 0 for the oldest kept.</param>
    /// <returns>The learning rate.</returns>
    public double LearningRateAt(int record) => _learningRates[SlotOf(record)];

    /// <summary>Gets the global gradient norm of a record: √(Σ ‖g_p‖²) over all tensors, as the optimizer saw them.</summary>
    /// <param name="record">The record's index, 0 for the oldest kept.</param>
    /// <returns>The global norm.</returns>
    public double GlobalNormAt(int record) => _globalNorms[SlotOf(record)];

    /// <summary>Gets the statistics of every tensor at a record, in the order of <see cref="Parameters"/>.</summary>
    /// <param name="record">The record's index, 0 for the oldest kept.</param>
    /// <returns>One entry per parameter tensor.</returns>
    public ReadOnlySpan<TensorGradientStatistics> TensorStatisticsAt(int record) =>
        _tensorStats.AsSpan(SlotOf(record) * _parameters.Length, _parameters.Length);

    /// <summary>Gets the gradient norm of every layer at a record, √(Σ ‖g_p‖²) over the layer's tensors, in the order of <see cref="Layers"/>.</summary>
    /// <param name="record">The record's index, 0 for the oldest kept.</param>
    /// <returns>One norm per layer.</returns>
    public ReadOnlySpan<double> LayerNormsAt(int record) => _layerNorms.AsSpan(SlotOf(record) * _layers.Length, _layers.Length);

    internal int SlotOf(int record)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(record);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(record, RecordCount);
        long oldest = _records > _capacity ? _records - _capacity : 0;
        return (int)((oldest + record) % _capacity);
    }

    internal bool IsNonFiniteTensor(int parameter) => _nonFiniteTensors[parameter];

    private static string DefaultLayerOf(string name)
    {
        int dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot] : name;
    }

    private void TakeSnapshot(long step)
    {
        for (int p = 0; p < _parameters.Length; p++)
        {
            _parameters[p].Value.Span.CopyTo(_snapshot.AsSpan(_offsets[p], _parameters[p].Length));
        }

        _snapshotStep = step;
    }

    private void Record(long step, float loss, double learningRate, float globalNormBeforeClipping)
    {
        int slot = (int)(_records % _capacity);
        DiagnosticThresholds thresholds = Options.Thresholds;
        bool haveSnapshot = Options.TrackUpdateRatio && _snapshotStep == step - 1;
        Span<TensorGradientStatistics> stats = _tensorStats.AsSpan(slot * _parameters.Length, _parameters.Length);
        Span<float> scratch = _scratch;
        _layerSquares.AsSpan().Clear();
        double globalSquares = 0;
        int nonFiniteTensors = 0, firstNonFinite = -1;
        long nonFiniteElements = 0;
        double worstUpdate = double.NaN;
        int worstUpdateTensor = -1;
        for (int p = 0; p < _parameters.Length; p++)
        {
            ParameterSlot parameter = _parameters[p];
            ReadOnlySpan<float> gradient = parameter.Gradient.Span;
            double norm = GradientStatistics.Norm(gradient, scratch, out float maxAbs);
            int nonFinite = float.IsFinite(maxAbs) ? 0 : GradientStatistics.CountNonFinite(gradient);
            float zeros = gradient.IsEmpty ? 0 : (float)GradientStatistics.CountZeros(gradient) / gradient.Length;
            double rms = gradient.IsEmpty ? 0 : norm / Math.Sqrt(gradient.Length);
            double ratio = double.NaN;
            bool weightsFinite = true;
            if (haveSnapshot && parameter.Length > 0)
            {
                ReadOnlySpan<float> before = _snapshot.AsSpan(_offsets[p], parameter.Length);
                double weightNorm = GradientStatistics.NormFast(before, scratch);
                double deltaNorm = GradientStatistics.Distance(parameter.Value.Span, before, scratch, out bool deltaFinite);
                weightsFinite = deltaFinite && double.IsFinite(weightNorm);
                ratio = weightNorm > 0 && double.IsFinite(weightNorm) ? deltaNorm / weightNorm : double.NaN;
                bool eligible = !thresholds.UpdateRatioWeightsOnly || parameter.Shape.Length >= 2;
                if (eligible && double.IsFinite(ratio) && !(ratio <= worstUpdate))
                {
                    worstUpdate = ratio;
                    worstUpdateTensor = p;
                }
            }

            stats[p] = new TensorGradientStatistics(norm, rms, maxAbs, zeros, ratio, nonFinite, weightsFinite);
            _layerSquares[_layerOfParameter[p]] += norm * norm;
            globalSquares += norm * norm;
            if (nonFinite > 0 || !weightsFinite)
            {
                nonFiniteTensors++;
                nonFiniteElements += nonFinite;
                if (firstNonFinite < 0)
                {
                    firstNonFinite = p;
                }
            }
        }

        Span<double> layerNorms = _layerNorms.AsSpan(slot * _layers.Length, _layers.Length);
        int largestLayer = 0;
        for (int l = 0; l < layerNorms.Length; l++)
        {
            layerNorms[l] = Math.Sqrt(_layerSquares[l]);
            if (!(layerNorms[l] <= layerNorms[largestLayer]))
            {
                largestLayer = l;
            }
        }

        double globalNorm = Math.Sqrt(globalSquares);
        _steps[slot] = step;
        _losses[slot] = loss;
        _learningRates[slot] = learningRate;
        _globalNorms[slot] = globalNorm;
        for (int i = 0; i < _probes.Count; i++)
        {
            _probes[i].Commit(slot, step, thresholds);
        }

        _records++;

        // NaN / Inf: fires at once, and remembers which tensors were hit the first time.
        if (nonFiniteTensors > 0)
        {
            if (!NonFinite.Fired)
            {
                for (int p = 0; p < _parameters.Length; p++)
                {
                    _nonFiniteTensors[p] = stats[p].NonFinite > 0 || !stats[p].WeightsFinite;
                }
            }

            NonFinite.Fire(step, firstNonFinite, nonFiniteElements, nonFiniteTensors, largerIsWorse: true);
        }

        // Vanishing: the first layer's norm against the last layer's, K records in a row.
        if (_layers.Length >= 2)
        {
            double first = layerNorms[0], last = layerNorms[^1];
            double ratio = first / last;
            bool vanishing = last > 0 && double.IsFinite(last) && double.IsFinite(first) && ratio < thresholds.VanishingRatio;
            Vanishing.Run = vanishing ? Vanishing.Run + 1 : 0;
            if (Vanishing.Run >= thresholds.VanishingChecks)
            {
                Vanishing.Fire(step, 0, ratio, last, largerIsWorse: false);
            }
        }

        // Exploding, absolute: the largest layer norm (or the pre-clipping global norm) above the threshold.
        double largest = layerNorms[largestLayer];
        int subject = largestLayer;
        if (float.IsFinite(globalNormBeforeClipping) && globalNormBeforeClipping > largest)
        {
            largest = globalNormBeforeClipping;
            subject = -1;
        }

        if (largest > thresholds.ExplodingNorm && nonFiniteTensors == 0)
        {
            ExplodingNorm.Fire(step, subject, largest, globalNorm, largerIsWorse: true);
        }

        // Exploding, growth: the global norm grows faster than factor^steps between consecutive records.
        double growthNorm = float.IsFinite(globalNormBeforeClipping) ? globalNormBeforeClipping : globalNorm;
        if (double.IsFinite(growthNorm) && double.IsFinite(_previousGlobalNorm) && _previousGlobalNorm > 0 && step > _previousGlobalStep)
        {
            long gap = step - _previousGlobalStep;
            double perStep = Math.Pow(growthNorm / _previousGlobalNorm, 1.0 / gap);
            ExplodingGrowth.Run = perStep > thresholds.ExplodingGrowthPerStep ? ExplodingGrowth.Run + 1 : 0;
            if (ExplodingGrowth.Run >= thresholds.ExplodingGrowthChecks)
            {
                ExplodingGrowth.Fire(step, -1, perStep, growthNorm, largerIsWorse: true);
            }
        }
        else
        {
            ExplodingGrowth.Run = 0;
        }

        _previousGlobalNorm = growthNorm;
        _previousGlobalStep = step;

        // Learning rate too large: the largest update-to-weight ratio above the threshold, K records in a row.
        if (worstUpdateTensor >= 0)
        {
            UpdateRatio.Run = worstUpdate > thresholds.MaxUpdateRatio ? UpdateRatio.Run + 1 : 0;
            if (UpdateRatio.Run >= thresholds.UpdateRatioChecks)
            {
                UpdateRatio.Fire(step, worstUpdateTensor, worstUpdate, learningRate, largerIsWorse: true);
            }
        }
    }
}
