using System.Globalization;
using AutoDiff.Checkpoints;

namespace AutoDiff.Optimizers;

/// <summary>
/// A learning-rate schedule that sets each group's learning rate from the group's initial learning rate and the
/// number of times <see cref="Step"/> has been called (PyTorch's <c>last_epoch</c>).
/// </summary>
/// <remarks>
/// As in PyTorch, creating a schedule applies epoch 0, and a schedule is stepped after the optimizer (once per
/// epoch or once per batch, as the schedule is meant). Rates are computed in closed form from
/// <see cref="ParameterGroup.InitialLearningRate"/>, so they do not drift and a checkpoint only needs the epoch.
/// </remarks>
public abstract class LearningRateSchedule : ICheckpointState
{
    /// <summary>Attaches the schedule to an optimizer and applies epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose group learning rates the schedule sets.</param>
    protected LearningRateSchedule(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
    }

    /// <summary>Gets the optimizer whose learning rates this schedule sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Gets the number of times <see cref="Step"/> has been called.</summary>
    public long Epoch { get; private set; }

    /// <summary>Advances the schedule by one and sets every group's learning rate.</summary>
    public void Step()
    {
        Epoch++;
        Apply();
    }

    /// <summary>Computes the learning rate for a given epoch.</summary>
    /// <param name="initialLearningRate">The group's initial learning rate.</param>
    /// <param name="epoch">The number of completed <see cref="Step"/> calls.</param>
    /// <returns>The learning rate.</returns>
    public abstract double LearningRateAt(double initialLearningRate, long epoch);

    /// <summary>Sets every group's learning rate for the current epoch; derived constructors call it once.</summary>
    protected void Apply()
    {
        // Indexed loops: a foreach over IReadOnlyList allocates an enumerator, and schedules may step every batch.
        IReadOnlyList<ParameterGroup> groups = Optimizer.BaseGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            groups[i].LearningRate = LearningRateAt(groups[i].InitialLearningRate, Epoch);
        }
    }

    /// <inheritdoc/>
    public void SaveState(CheckpointWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.AddMetadata("schedule.type", GetType().Name);
        writer.AddMetadata("schedule.epoch", Epoch.ToString(CultureInfo.InvariantCulture));
    }

    /// <inheritdoc/>
    public void StageLoad(CheckpointReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string type = reader.GetMetadata("schedule.type");
        if (type != GetType().Name)
        {
            throw new CheckpointException($"The checkpoint holds a {type} schedule, not a {GetType().Name}.");
        }

        long epoch = reader.GetInt64("schedule.epoch");
        if (epoch < 0)
        {
            throw new CheckpointException($"The checkpoint's schedule epoch is negative ({epoch}).");
        }

        reader.StageCommit(() =>
        {
            Epoch = epoch;
            Apply();
        });
    }
}

/// <summary>
/// Multiplies the learning rate by γ every <c>stepSize</c> epochs — PyTorch's <c>StepLR</c>:
/// <c>η_e = η₀·γ^⌊e / stepSize⌋</c>.
/// </summary>
public sealed class StepLearningRate : LearningRateSchedule
{
    private readonly int _stepSize;
    private readonly double _gamma;

    /// <summary>Creates the schedule and applies epoch 0.</summary>
    /// <param name="optimizer">The optimizer to schedule.</param>
    /// <param name="stepSize">The number of epochs between decays, at least 1.</param>
    /// <param name="gamma">The decay factor (PyTorch's default is 0.1).</param>
    public StepLearningRate(Optimizer optimizer, int stepSize, double gamma = 0.1)
        : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        _stepSize = stepSize;
        _gamma = gamma;
        Apply();
    }

    /// <inheritdoc/>
    public override double LearningRateAt(double initialLearningRate, long epoch) =>
        initialLearningRate * Math.Pow(_gamma, epoch / _stepSize);
}

/// <summary>Multiplies the learning rate by γ every epoch — PyTorch's <c>ExponentialLR</c>: <c>η_e = η₀·γ^e</c>.</summary>
public sealed class ExponentialLearningRate : LearningRateSchedule
{
    private readonly double _gamma;

    /// <summary>Creates the schedule and applies epoch 0.</summary>
    /// <param name="optimizer">The optimizer to schedule.</param>
    /// <param name="gamma">The decay factor per epoch.</param>
    public ExponentialLearningRate(Optimizer optimizer, double gamma)
        : base(optimizer)
    {
        _gamma = gamma;
        Apply();
    }

    /// <inheritdoc/>
    public override double LearningRateAt(double initialLearningRate, long epoch) => initialLearningRate * Math.Pow(_gamma, epoch);
}

/// <summary>
/// Linear warm-up followed by a half-cosine decay — Hugging Face's <c>get_cosine_schedule_with_warmup</c> when the
/// minimum learning rate is 0. Meant to be stepped once per batch.
/// </summary>
/// <remarks>
/// With W warm-up steps, T total steps, initial rate η₀ and minimum η_min:
/// <code>
/// η_s = η₀·s / W                                         for s &lt; W
/// η_s = η_min + (η₀ − η_min)·½·(1 + cos(π·p)),  p = min(1, (s − W) / max(1, T − W))   otherwise
/// </code>
/// so the rate rises from 0 to η₀ over W steps, then falls to η_min at step T and stays there.
/// </remarks>
public sealed class CosineWithWarmupLearningRate : LearningRateSchedule
{
    private readonly long _warmupSteps;
    private readonly long _totalSteps;
    private readonly double _minimumLearningRate;

    /// <summary>Creates the schedule and applies step 0.</summary>
    /// <param name="optimizer">The optimizer to schedule.</param>
    /// <param name="warmupSteps">The number of warm-up steps W, zero or more.</param>
    /// <param name="totalSteps">The step T at which the rate reaches its minimum, at least W.</param>
    /// <param name="minimumLearningRate">The final learning rate η_min.</param>
    public CosineWithWarmupLearningRate(Optimizer optimizer, long warmupSteps, long totalSteps, double minimumLearningRate = 0)
        : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, warmupSteps);
        _warmupSteps = warmupSteps;
        _totalSteps = totalSteps;
        _minimumLearningRate = minimumLearningRate;
        Apply();
    }

    /// <inheritdoc/>
    public override double LearningRateAt(double initialLearningRate, long epoch)
    {
        if (epoch < _warmupSteps)
        {
            return initialLearningRate * epoch / _warmupSteps;
        }

        double progress = Math.Min(1.0, (double)(epoch - _warmupSteps) / Math.Max(1, _totalSteps - _warmupSteps));
        return _minimumLearningRate + ((initialLearningRate - _minimumLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
