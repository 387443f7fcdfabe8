using System.Diagnostics;
using AutoDiff.Optimizers;
using AutoDiff.Samples.Common;
using AutoDiff.Training;

namespace AutoDiff.Samples.Regression;

/// <summary>One optimizer's run on the regression task.</summary>
/// <param name="Label">The optimizer and its settings.</param>
/// <param name="TrainingLosses">The mean training loss of each epoch (measured during the epoch), the first entry before training.</param>
/// <param name="ValidationLosses">The validation loss after each epoch, the first entry before training.</param>
/// <param name="Elapsed">The training time.</param>
public sealed record RegressionRun(string Label, IReadOnlyList<double> TrainingLosses, IReadOnlyList<double> ValidationLosses, TimeSpan Elapsed)
{
    /// <summary>Gets the validation loss before training.</summary>
    public double InitialValidationLoss => ValidationLosses[0];

    /// <summary>Gets the validation loss after training.</summary>
    public double FinalValidationLoss => ValidationLosses[^1];
}

/// <summary>Trains an <see cref="MlpRegressor"/> with the runtime's <see cref="Trainer"/> and records its loss curves.</summary>
public static class RegressionTraining
{
    /// <summary>Trains one model.</summary>
    /// <param name="label">The name shown in progress and plots.</param>
    /// <param name="model">The model, freshly initialised.</param>
    /// <param name="data">Its data (validation loss is measured on <see cref="RegressionData.ValidationInputs"/>).</param>
    /// <param name="createOptimizer">Builds the optimizer over the model's parameters.</param>
    /// <param name="epochs">Epochs.</param>
    /// <param name="batchSize">Minibatch size.</param>
    /// <param name="seed">The shuffling seed.</param>
    /// <param name="output">Where progress goes.</param>
    /// <returns>The loss curves.</returns>
    public static RegressionRun Train(
        string label, MlpRegressor model, RegressionData data, Func<IReadOnlyList<ParameterSlot>, Optimizer> createOptimizer,
        int epochs, int batchSize, ulong seed, SampleOutput output)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(createOptimizer);
        ArgumentNullException.ThrowIfNull(output);
        output.Line($"{label}:");
        var recorder = new ValidationRecorder(model, data);
        recorder.Record();
        double initialTrainingLoss = model.Evaluate(DataSplit.Training, recorder.AllTraining).LossSum / data.TrainCount;

        // The validation split is evaluated by the recorder, not the trainer: the trainer's progress line would
        // report a meaningless accuracy for a regression model.
        var trainer = new Trainer(model, createOptimizer(model.Parameters), data.TrainCount, validationSamples: 0, new TrainerOptions
        {
            Epochs = epochs,
            BatchSize = batchSize,
            Seed = seed,
            Progress = output.Progress,
            Console = output.Console,
            Callbacks = [recorder],
        });
        long start = Stopwatch.GetTimestamp();
        TrainingHistory history = trainer.Fit();
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        var trainingLosses = new List<double> { initialTrainingLoss };
        trainingLosses.AddRange(history.Epochs.Select(epoch => epoch.TrainingLoss));
        var run = new RegressionRun(label, trainingLosses, recorder.Losses, elapsed);
        output.Line(FormattableString.Invariant(
            $"  validation loss {Format.Fmt(run.InitialValidationLoss)} → {Format.Fmt(run.FinalValidationLoss)} in {epochs} epochs, {elapsed.TotalSeconds:F1} s"));
        return run;
    }

    private sealed class ValidationRecorder(MlpRegressor model, RegressionData data) : ITrainingCallback
    {
        private readonly int[] _validation = Enumerable.Range(0, data.ValidationCount).ToArray();

        public int[] AllTraining { get; } = Enumerable.Range(0, data.TrainCount).ToArray();

        public List<double> Losses { get; } = [];

        public void Record() =>
            Losses.Add(_validation.Length == 0 ? double.NaN : model.Evaluate(DataSplit.Validation, _validation).LossSum / _validation.Length);

        public void OnEpochEnd(Trainer trainer, in EpochMetrics epoch) => Record();
    }
}
