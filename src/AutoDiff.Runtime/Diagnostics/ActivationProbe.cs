using System.Numerics.Tensors;

namespace AutoDiff.Diagnostics;

/// <summary>
/// One activation a <see cref="GradientMonitor"/> watches: call <see cref="Record"/> with the activation's output for
/// the batch in the training forward pass; it measures only on the steps the monitor records and returns at once on
/// the others. Create it with <see cref="GradientMonitor.AddActivation"/>.
/// </summary>
/// <remarks>
/// Saturation is read from the output y: a sigmoid unit is saturated when σ′ = y(1 − y) is below the threshold t,
/// that is y &lt; (1 − √(1 − 4t)) / 2 or y above one minus that; a tanh unit when 1 − y² &lt; t, that is |y| &gt; √(1 − t).
/// A ReLU output ≤ 0 has derivative 0; a ReLU unit is dead when its output is ≤ 0 for every sample of the batch
/// (found with a running <c>TensorPrimitives.Max</c> over the rows).
/// </remarks>
public sealed class ActivationProbe
{
    private readonly GradientMonitor _monitor;
    private readonly ActivationStatistics[] _ring;
    private readonly float[] _unitMax;
    private readonly float _low;
    private readonly float _high;
    private ActivationStatistics _pending = ActivationStatistics.Missing;
    internal RuleState Saturation;
    internal RuleState Dead;

    internal ActivationProbe(GradientMonitor monitor, string name, ActivationKind kind, int units, int capacity, DiagnosticThresholds thresholds)
    {
        _monitor = monitor;
        Name = name;
        Kind = kind;
        Units = units;
        _ring = new ActivationStatistics[capacity];
        _ring.AsSpan().Fill(ActivationStatistics.Missing);
        _unitMax = kind == ActivationKind.Relu ? new float[units] : [];
        double t = thresholds.SaturationDerivative;
        switch (kind)
        {
            case ActivationKind.Sigmoid:
                double low = (1 - Math.Sqrt(1 - (4 * t))) / 2;
                _low = (float)low;
                _high = (float)(1 - low);
                break;
            case ActivationKind.Tanh:
                _high = (float)Math.Sqrt(1 - t);
                _low = -_high;
                break;
            default:
                // Outputs below the smallest positive float, that is ≤ 0, have derivative 0.
                _low = float.Epsilon;
                _high = float.PositiveInfinity;
                break;
        }
    }

    /// <summary>Gets the activation's name, as reports show it.</summary>
    public string Name { get; }

    /// <summary>Gets the activation function.</summary>
    public ActivationKind Kind { get; }

    /// <summary>Gets the number of units (columns of the output).</summary>
    public int Units { get; }

    /// <summary>
    /// Measures the activation's output for one batch, if the monitor records the coming step; otherwise returns at
    /// once. Call it in the training forward pass only (not in evaluation). Allocates nothing.
    /// </summary>
    /// <param name="output">The activation's output, batch × <see cref="Units"/>, row-major.</param>
    /// <exception cref="ArgumentException">The length is not a positive multiple of <see cref="Units"/>.</exception>
    public void Record(ReadOnlySpan<float> output)
    {
        if (!_monitor.IsNextStepRecorded)
        {
            return;
        }

        Measure(output);
    }

    /// <summary>Measures the activation's output now, whatever the step (for tests and one-off checks); the result joins the next record.</summary>
    /// <param name="output">The activation's output, batch × <see cref="Units"/>, row-major.</param>
    public void Measure(ReadOnlySpan<float> output)
    {
        if (output.IsEmpty || output.Length % Units != 0)
        {
            throw new ArgumentException($"Activation '{Name}' has {Units} units, but its output has {output.Length} elements.", nameof(output));
        }

        int samples = output.Length / Units;
        float saturated = (float)GradientStatistics.CountOutside(output, _low, _high) / output.Length;
        float dead = float.NaN;
        if (Kind == ActivationKind.Relu)
        {
            Span<float> unitMax = _unitMax;
            output[..Units].CopyTo(unitMax);
            for (int row = 1; row < samples; row++)
            {
                TensorPrimitives.Max(unitMax, output.Slice(row * Units, Units), unitMax);
            }

            dead = (float)GradientStatistics.CountOutside(unitMax, float.Epsilon, float.PositiveInfinity) / Units;
        }

        _pending = new ActivationStatistics(saturated, dead, samples);
    }

    /// <summary>Gets the statistics of a record of the monitor (0 is the oldest kept; see <see cref="GradientMonitor.RecordCount"/>).</summary>
    /// <param name="record">The record's index.</param>
    /// <returns>The statistics, or <see cref="ActivationStatistics.Missing"/> when the activation was not measured then.</returns>
    public ActivationStatistics StatisticsAt(int record) => _ring[_monitor.SlotOf(record)];

    internal void Commit(int slot, long step, DiagnosticThresholds thresholds)
    {
        ActivationStatistics stats = _pending;
        _ring[slot] = stats;
        _pending = ActivationStatistics.Missing;
        if (stats.Samples == 0)
        {
            return;
        }

        if (Kind != ActivationKind.Relu)
        {
            Update(ref Saturation, stats.SaturatedShare > thresholds.SaturationShare, step, stats.SaturatedShare, thresholds.ActivationChecks);
        }
        else
        {
            Update(ref Dead, stats.DeadShare > thresholds.DeadReluShare, step, stats.DeadShare, thresholds.ActivationChecks);
        }
    }

    private static void Update(ref RuleState state, bool condition, long step, double value, int checks)
    {
        state.Run = condition ? state.Run + 1 : 0;
        if (state.Run >= checks)
        {
            state.Fire(step, 0, value, 0, largerIsWorse: true);
        }
    }
}
