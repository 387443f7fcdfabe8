using AutoDiff.Optimizers;
using Spectre.Console;

namespace AutoDiff.Training;

/// <summary>How the trainer reports progress.</summary>
public enum ProgressMode
{
    /// <summary>A live progress bar on an interactive terminal; plain lines when output is redirected or the <c>CI</c> variable is set.</summary>
    Auto,

    /// <summary>Always a live Spectre.Console progress bar with ETA and live loss.</summary>
    Rich,

    /// <summary>Plain text lines: one per epoch, plus one every few seconds during long epochs.</summary>
    Plain,

    /// <summary>No output.</summary>
    None,
}

/// <summary>Stops training when the monitored loss has not improved for a number of epochs.</summary>
/// <param name="Patience">The number of consecutive epochs without improvement after which training stops (as in Keras).</param>
/// <param name="MinDelta">The least decrease of the loss that counts as an improvement.</param>
/// <param name="RestoreBestParameters">Whether to put back the parameters of the best epoch when training ends.</param>
public sealed record EarlyStopping(int Patience, double MinDelta = 0, bool RestoreBestParameters = false);

/// <summary>How a <see cref="Trainer"/> runs.</summary>
public sealed record TrainerOptions
{
    /// <summary>Gets the number of epochs to train for (in total, counting epochs restored from a checkpoint).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Gets the number of training samples per step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Gets the number of samples per evaluation call (default: <see cref="BatchSize"/>).</summary>
    public int? EvaluationBatchSize { get; init; }

    /// <summary>Gets the seed of the shuffling generator.</summary>
    public ulong Seed { get; init; }

    /// <summary>Gets a value indicating whether to visit the training samples in a new random order every epoch.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Gets a value indicating whether to skip the last batch of an epoch when it is shorter than <see cref="BatchSize"/>.</summary>
    public bool DropLastPartialBatch { get; init; }

    /// <summary>Gets the maximum global gradient norm, or <see langword="null"/> for no clipping by norm.</summary>
    public double? ClipGradientNorm { get; init; }

    /// <summary>Gets the maximum gradient magnitude per element, or <see langword="null"/> for no clipping by value.</summary>
    public float? ClipGradientValue { get; init; }

    /// <summary>Gets a schedule stepped after every optimizer step (for example cosine with warm-up).</summary>
    public LearningRateSchedule? StepSchedule { get; init; }

    /// <summary>Gets a schedule stepped after every epoch (for example step or exponential decay).</summary>
    public LearningRateSchedule? EpochSchedule { get; init; }

    /// <summary>Gets a plateau schedule stepped after every epoch with <see cref="EpochMetrics.MonitoredLoss"/>.</summary>
    public ReduceLearningRateOnPlateau? Plateau { get; init; }

    /// <summary>Gets the early-stopping rule, or <see langword="null"/> to always run every epoch.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>Gets a value indicating whether to evaluate the whole training split after each epoch (for its accuracy).</summary>
    public bool EvaluateTrainingSplit { get; init; }

    /// <summary>Gets the callbacks that receive step and epoch events.</summary>
    public IReadOnlyList<ITrainingCallback> Callbacks { get; init; } = [];

    /// <summary>Gets how progress is reported.</summary>
    public ProgressMode Progress { get; init; } = ProgressMode.Auto;

    /// <summary>Gets where plain progress lines go (default: standard output).</summary>
    public TextWriter? PlainOutput { get; init; }

    /// <summary>Gets the console the rich progress bar draws on (default: <see cref="AnsiConsole.Console"/>).</summary>
    public IAnsiConsole? Console { get; init; }
}
