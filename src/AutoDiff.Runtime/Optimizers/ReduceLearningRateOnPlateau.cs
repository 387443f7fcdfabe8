using System.Globalization;
using AutoDiff.Checkpoints;

namespace AutoDiff.Optimizers;

/// <summary>Whether a monitored metric improves by going down (a loss) or up (an accuracy).</summary>
public enum MetricGoal
{
    /// <summary>Lower is better.</summary>
    Minimize,

    /// <summary>Higher is better.</summary>
    Maximize,
}

/// <summary>
/// Multiplies every group's learning rate by a factor when a monitored metric has stopped improving — PyTorch's
/// <c>ReduceLROnPlateau</c>, same defaults and same rules.
/// </summary>
/// <remarks>
/// After each <see cref="Step"/>(metric): the metric is better than the best so far when it is below
/// <c>best·(1 − threshold)</c> (relative mode; <c>best − threshold</c> in absolute mode; mirrored when maximizing).
/// A better metric resets the count of bad epochs, otherwise the count grows; during cooldown the count stays 0.
/// When the count exceeds the patience, each rate becomes <c>max(η·factor, minimum)</c> — unless that changes it
/// by no more than ε — the cooldown starts and the count resets.
/// </remarks>
public sealed class ReduceLearningRateOnPlateau : ICheckpointState
{
    private readonly Optimizer _optimizer;
    private readonly MetricGoal _goal;
    private readonly double _factor;
    private readonly int _patience;
    private readonly double _threshold;
    private readonly bool _relativeThreshold;
    private readonly int _cooldown;
    private readonly double _minimumLearningRate;
    private readonly double _epsilon;
    private int _cooldownCounter;

    /// <summary>Creates the schedule.</summary>
    /// <param name="optimizer">The optimizer whose learning rates are reduced.</param>
    /// <param name="goal">Whether the metric should go down or up.</param>
    /// <param name="factor">The factor a rate is multiplied by, in [0, 1).</param>
    /// <param name="patience">The number of epochs without improvement tolerated before a reduction.</param>
    /// <param name="threshold">The least change that counts as an improvement.</param>
    /// <param name="relativeThreshold"><see langword="true"/> for PyTorch's <c>rel</c> mode, <see langword="false"/> for <c>abs</c>.</param>
    /// <param name="cooldown">The number of epochs after a reduction during which bad epochs are not counted.</param>
    /// <param name="minimumLearningRate">The lower bound of every rate.</param>
    /// <param name="epsilon">Reductions smaller than this are skipped.</param>
    public ReduceLearningRateOnPlateau(
        Optimizer optimizer,
        MetricGoal goal = MetricGoal.Minimize,
        double factor = 0.1,
        int patience = 10,
        double threshold = 1e-4,
        bool relativeThreshold = true,
        int cooldown = 0,
        double minimumLearningRate = 0,
        double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!(factor >= 0 && factor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must lie in [0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        _optimizer = optimizer;
        _goal = goal;
        _factor = factor;
        _patience = patience;
        _threshold = threshold;
        _relativeThreshold = relativeThreshold;
        _cooldown = cooldown;
        _minimumLearningRate = minimumLearningRate;
        _epsilon = epsilon;
        Best = goal == MetricGoal.Minimize ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>Gets the best metric seen so far.</summary>
    public double Best { get; private set; }

    /// <summary>Gets the number of consecutive epochs without improvement.</summary>
    public int BadEpochs { get; private set; }

    /// <summary>Gets the number of times <see cref="Step"/> has been called.</summary>
    public long Epoch { get; private set; }

    /// <summary>Records the metric of the epoch just finished and reduces the learning rates when it has plateaued.</summary>
    /// <param name="metric">The monitored metric, for example the validation loss.</param>
    public void Step(double metric)
    {
        Epoch++;
        if (IsBetter(metric))
        {
            Best = metric;
            BadEpochs = 0;
        }
        else
        {
            BadEpochs++;
        }

        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            BadEpochs = 0;
        }

        if (BadEpochs > _patience)
        {
            IReadOnlyList<ParameterGroup> groups = _optimizer.BaseGroups;
            for (int i = 0; i < groups.Count; i++)
            {
                ParameterGroup group = groups[i];
                double old = group.LearningRate;
                double reduced = Math.Max(old * _factor, _minimumLearningRate);
                if (old - reduced > _epsilon)
                {
                    group.LearningRate = reduced;
                }
            }

            _cooldownCounter = _cooldown;
            BadEpochs = 0;
        }
    }

    private bool IsBetter(double metric) => (_goal, _relativeThreshold) switch
    {
        (MetricGoal.Minimize, true) => metric < Best * (1 - _threshold),
        (MetricGoal.Minimize, false) => metric < Best - _threshold,
        (MetricGoal.Maximize, true) => metric > Best * (_threshold + 1),
        _ => metric > Best + _threshold,
    };

    /// <inheritdoc/>
    /// <remarks>The learning rates themselves are saved by the optimizer.</remarks>
    public void SaveState(CheckpointWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.AddMetadata("plateau.best", Best.ToString("R", CultureInfo.InvariantCulture));
        writer.AddMetadata("plateau.bad_epochs", BadEpochs.ToString(CultureInfo.InvariantCulture));
        writer.AddMetadata("plateau.cooldown_counter", _cooldownCounter.ToString(CultureInfo.InvariantCulture));
        writer.AddMetadata("plateau.epoch", Epoch.ToString(CultureInfo.InvariantCulture));
    }

    /// <inheritdoc/>
    public void StageLoad(CheckpointReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        double best = reader.GetDouble("plateau.best");
        long badEpochs = reader.GetInt64("plateau.bad_epochs");
        long cooldownCounter = reader.GetInt64("plateau.cooldown_counter");
        long epoch = reader.GetInt64("plateau.epoch");
        if (badEpochs is < 0 or > int.MaxValue || cooldownCounter is < 0 or > int.MaxValue || epoch < 0)
        {
            throw new CheckpointException("The checkpoint's plateau counters are out of range.");
        }

        reader.StageCommit(() =>
        {
            Best = best;
            BadEpochs = (int)badEpochs;
            _cooldownCounter = (int)cooldownCounter;
            Epoch = epoch;
        });
    }
}
