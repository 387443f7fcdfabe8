namespace AutoDiff.Training;

/// <summary>What happened in one optimizer step, passed to <see cref="ITrainingCallback.OnStepEnd"/>.</summary>
/// <param name="Epoch">The 1-based epoch the step belongs to.</param>
/// <param name="Batch">The 0-based index of the batch within the epoch.</param>
/// <param name="BatchCount">The number of batches in the epoch.</param>
/// <param name="GlobalStep">The number of optimizer steps taken since training began, this one included.</param>
/// <param name="BatchSize">The number of samples in this batch.</param>
/// <param name="Loss">The batch's mean loss, before the step.</param>
/// <param name="GradientNorm">The global gradient norm before clipping, or NaN when clipping by norm is off.</param>
/// <param name="LearningRate">The first group's learning rate used by the step.</param>
public readonly record struct StepMetrics(
    int Epoch, int Batch, int BatchCount, long GlobalStep, int BatchSize, float Loss, float GradientNorm, double LearningRate);

/// <summary>The loss and accuracy over a whole split.</summary>
/// <param name="Loss">The mean loss per sample.</param>
/// <param name="Accuracy">The fraction of samples predicted correctly, in [0, 1].</param>
/// <param name="Samples">The number of samples evaluated.</param>
public readonly record struct EvaluationMetrics(double Loss, double Accuracy, int Samples);

/// <summary>The summary of one epoch, passed to <see cref="ITrainingCallback.OnEpochEnd"/> and kept in the history.</summary>
/// <param name="Epoch">The 1-based epoch number.</param>
/// <param name="TrainingLoss">The mean of the batch losses, weighted by batch size, as measured during the epoch.</param>
/// <param name="Training">The evaluation of the training split after the epoch, when enabled.</param>
/// <param name="Validation">The evaluation of the validation split after the epoch, when there is one.</param>
/// <param name="LearningRate">The first group's learning rate at the end of the epoch.</param>
/// <param name="Elapsed">The time the epoch took, evaluation included.</param>
/// <param name="IsBest">Whether the monitored metric improved this epoch (by more than the early-stopping delta).</param>
public readonly record struct EpochMetrics(
    int Epoch, double TrainingLoss, EvaluationMetrics? Training, EvaluationMetrics? Validation, double LearningRate, TimeSpan Elapsed, bool IsBest)
{
    /// <summary>Gets the metric that early stopping and plateau schedules watch: the validation loss, else the training loss.</summary>
    public double MonitoredLoss => Validation?.Loss ?? TrainingLoss;
}

/// <summary>Receives training events; every method has an empty default, so implement only what you need.</summary>
/// <remarks>Step events come on every step: keep them allocation-free.</remarks>
public interface ITrainingCallback
{
    /// <summary>Called after each optimizer step (and schedule step).</summary>
    /// <param name="trainer">The trainer; call <see cref="Trainer.RequestStop"/> to end training.</param>
    /// <param name="step">What happened in the step.</param>
    void OnStepEnd(Trainer trainer, in StepMetrics step)
    {
    }

    /// <summary>Called after each epoch, once its evaluation, schedules and early-stopping decision are done.</summary>
    /// <param name="trainer">The trainer; its state is consistent here, so this is the place to save checkpoints.</param>
    /// <param name="epoch">The epoch's summary.</param>
    void OnEpochEnd(Trainer trainer, in EpochMetrics epoch)
    {
    }
}
