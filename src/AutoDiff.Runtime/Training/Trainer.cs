using System.Diagnostics;
using System.Globalization;
using AutoDiff.Checkpoints;
using AutoDiff.Optimizers;

namespace AutoDiff.Training;

/// <summary>The epochs a call to <see cref="Trainer.Fit"/> ran.</summary>
/// <param name="Epochs">One summary per epoch run by this call.</param>
/// <param name="StoppedEarly">Whether early stopping or <see cref="Trainer.RequestStop"/> ended training before the last epoch.</param>
public sealed record TrainingHistory(IReadOnlyList<EpochMetrics> Epochs, bool StoppedEarly);

/// <summary>
/// Runs the training loop: epochs over a dataset in seeded random order, minibatches (the last one shorter unless
/// dropped), gradient clipping, optimizer and schedule steps, evaluation with loss and accuracy, early stopping,
/// callbacks and a progress display.
/// </summary>
/// <remarks>
/// <para>
/// Every step runs without allocating: the sample order lives in one array reshuffled in place, metrics are
/// structs passed by reference, and the progress display redraws at most ten times a second. The order of an
/// epoch depends only on the shuffling generator's state at the start of the epoch (the order is reset to
/// 0, 1, 2, … and then shuffled), so a run restored from a checkpoint saved at the end of an epoch continues
/// exactly as the uninterrupted run would have, bit for bit, on one thread.
/// </para>
/// <para>
/// The trainer is itself an <see cref="ICheckpointState"/> (epoch and step counters, shuffling generator, early
/// stopping); <see cref="SaveCheckpoint"/> and <see cref="LoadCheckpoint"/> save and load it together with the
/// parameters, the optimizer and the schedules in the options.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var optimizer = new AdamW(model.Parameters, new AdamWOptions { LearningRate = 1e-3 });
/// var trainer = new Trainer(model, optimizer, trainingSamples: 60_000, validationSamples: 10_000, new TrainerOptions
/// {
///     Epochs = 20,
///     BatchSize = 64,
///     Seed = 2,
///     ClipGradientNorm = 1.0,
///     StepSchedule = new CosineWithWarmupLearningRate(optimizer, warmupSteps: 500, totalSteps: 20 * 938),
///     EarlyStopping = new EarlyStopping(Patience: 3, RestoreBestParameters: true),
///     Callbacks = [new CheckpointCallback("run.safetensors")],
/// });
/// if (File.Exists("run.safetensors")) trainer.LoadCheckpoint("run.safetensors"); // resume a stopped run
/// TrainingHistory history = trainer.Fit();
/// </code>
/// </example>
public sealed class Trainer : ICheckpointState
{
    private readonly ITrainingModel _model;
    private readonly Optimizer _optimizer;
    private readonly TrainerOptions _options;
    private readonly ParameterSlot[] _parameters;
    private readonly int _trainingSamples;
    private readonly int _validationSamples;
    private readonly int[] _order;
    private readonly int[] _sequential;
    private readonly TrainingRandom _shuffle;
    private readonly float[][]? _bestParameters;
    private double _bestLoss = double.PositiveInfinity;
    private int _epochsWithoutImprovement;
    private bool _hasBestParameters;
    private bool _stopRequested;

    /// <summary>Creates a trainer.</summary>
    /// <param name="model">The forward and backward passes.</param>
    /// <param name="optimizer">The optimizer over the model's parameters.</param>
    /// <param name="trainingSamples">The number of training samples, at least 1.</param>
    /// <param name="validationSamples">The number of validation samples; 0 for none.</param>
    /// <param name="options">How to train.</param>
    public Trainer(ITrainingModel model, Optimizer optimizer, int trainingSamples, int validationSamples, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(trainingSamples, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(validationSamples);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Epochs);
        if (options.DropLastPartialBatch && trainingSamples < options.BatchSize)
        {
            throw new ArgumentException("With DropLastPartialBatch, the batch size must not exceed the number of training samples.", nameof(options));
        }

        _model = model;
        _optimizer = optimizer;
        _options = options;
        _parameters = optimizer.BaseGroups.SelectMany(group => group.Parameters).ToArray();
        _trainingSamples = trainingSamples;
        _validationSamples = validationSamples;
        _order = new int[trainingSamples];
        _sequential = Enumerable.Range(0, Math.Max(trainingSamples, validationSamples)).ToArray();
        _shuffle = new TrainingRandom(options.Seed, "trainer.shuffle");
        if (options.EarlyStopping is { RestoreBestParameters: true })
        {
            _bestParameters = _parameters.Select(parameter => new float[parameter.Length]).ToArray();
        }
    }

    /// <summary>Gets the number of epochs completed, including epochs restored from a checkpoint.</summary>
    public int CompletedEpochs { get; private set; }

    /// <summary>Gets the number of optimizer steps taken, including steps restored from a checkpoint.</summary>
    public long GlobalStep { get; private set; }

    /// <summary>Gets the number of batches in each epoch.</summary>
    public int BatchesPerEpoch => _options.DropLastPartialBatch
        ? _trainingSamples / _options.BatchSize
        : (_trainingSamples + _options.BatchSize - 1) / _options.BatchSize;

    /// <summary>Asks the trainer to stop at the end of the current epoch.</summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>Trains from <see cref="CompletedEpochs"/> up to <see cref="TrainerOptions.Epochs"/>, or until early stopping.</summary>
    /// <returns>The epochs run by this call.</returns>
    public TrainingHistory Fit()
    {
        var history = new List<EpochMetrics>(Math.Max(0, _options.Epochs - CompletedEpochs));
        bool stoppedEarly = false;
        _stopRequested = false;
        long stepsThisFit = 0;
        TrainingProgress progress = TrainingProgress.Create(
            _options, _options.Epochs, (long)Math.Max(0, _options.Epochs - CompletedEpochs) * BatchesPerEpoch);

        progress.Run(() =>
        {
            while (CompletedEpochs < _options.Epochs)
            {
                if (_stopRequested)
                {
                    stoppedEarly = true;
                    break;
                }

                EpochMetrics epoch = RunEpoch(progress, ref stepsThisFit);
                history.Add(epoch);
                IReadOnlyList<ITrainingCallback> callbacks = _options.Callbacks;
                for (int i = 0; i < callbacks.Count; i++)
                {
                    callbacks[i].OnEpochEnd(this, epoch);
                }

                progress.OnEpochEnd(epoch, stepsThisFit);
            }

            if (_stopRequested && CompletedEpochs < _options.Epochs)
            {
                stoppedEarly = true;
            }
        });

        if (_bestParameters is not null && _hasBestParameters)
        {
            for (int i = 0; i < _parameters.Length; i++)
            {
                _bestParameters[i].CopyTo(_parameters[i].Value);
            }
        }

        return new TrainingHistory(history, stoppedEarly);
    }

    /// <summary>Evaluates a whole split in batches of <see cref="TrainerOptions.EvaluationBatchSize"/>.</summary>
    /// <param name="split">The split to evaluate.</param>
    /// <returns>The mean loss and the accuracy, or <see langword="null"/> when the split is empty.</returns>
    public EvaluationMetrics? Evaluate(DataSplit split)
    {
        int count = split == DataSplit.Training ? _trainingSamples : _validationSamples;
        if (count == 0)
        {
            return null;
        }

        int batchSize = _options.EvaluationBatchSize ?? _options.BatchSize;
        double lossSum = 0;
        long correct = 0;
        for (int offset = 0; offset < count; offset += batchSize)
        {
            BatchEvaluation result = _model.Evaluate(split, _sequential.AsSpan(offset, Math.Min(batchSize, count - offset)));
            lossSum += result.LossSum;
            correct += result.Correct;
        }

        return new EvaluationMetrics(lossSum / count, (double)correct / count, count);
    }

    private EpochMetrics RunEpoch(TrainingProgress progress, ref long stepsThisFit)
    {
        long start = Stopwatch.GetTimestamp();
        int epoch = CompletedEpochs + 1;
        _sequential.AsSpan(0, _trainingSamples).CopyTo(_order);
        if (_options.Shuffle)
        {
            _shuffle.Shuffle(_order);
        }

        int batchCount = BatchesPerEpoch;
        int batchSize = _options.BatchSize;
        IReadOnlyList<ITrainingCallback> callbacks = _options.Callbacks;
        double lossSum = 0;
        long samplesSeen = 0;
        for (int batch = 0; batch < batchCount; batch++)
        {
            int offset = batch * batchSize;
            int size = Math.Min(batchSize, _trainingSamples - offset);
            float loss = _model.ComputeLossAndGradients(_order.AsSpan(offset, size));

            float gradientNorm = float.NaN;
            if (_options.ClipGradientNorm is double maxNorm)
            {
                gradientNorm = GradientClipping.ClipByGlobalNorm(_parameters, maxNorm);
            }

            if (_options.ClipGradientValue is float maxValue)
            {
                GradientClipping.ClipByValue(_parameters, maxValue);
            }

            double learningRate = _optimizer.BaseGroups[0].LearningRate;
            _optimizer.Step();
            _options.StepSchedule?.Step();
            GlobalStep++;
            stepsThisFit++;
            lossSum += (double)loss * size;
            samplesSeen += size;

            var step = new StepMetrics(epoch, batch, batchCount, GlobalStep, size, loss, gradientNorm, learningRate);
            for (int i = 0; i < callbacks.Count; i++)
            {
                callbacks[i].OnStepEnd(this, step);
            }

            progress.OnStep(step, stepsThisFit, lossSum / samplesSeen);
        }

        double trainingLoss = samplesSeen == 0 ? double.NaN : lossSum / samplesSeen;
        EvaluationMetrics? training = _options.EvaluateTrainingSplit ? Evaluate(DataSplit.Training) : null;
        EvaluationMetrics? validation = Evaluate(DataSplit.Validation);
        double monitored = validation?.Loss ?? trainingLoss;

        _options.EpochSchedule?.Step();
        _options.Plateau?.Step(monitored);

        bool isBest = monitored < _bestLoss - (_options.EarlyStopping?.MinDelta ?? 0);
        if (isBest)
        {
            _bestLoss = monitored;
            _epochsWithoutImprovement = 0;
            if (_bestParameters is not null)
            {
                for (int i = 0; i < _parameters.Length; i++)
                {
                    _parameters[i].Value.Span.CopyTo(_bestParameters[i]);
                }

                _hasBestParameters = true;
            }
        }
        else
        {
            _epochsWithoutImprovement++;
            if (_options.EarlyStopping is { } earlyStopping && _epochsWithoutImprovement >= earlyStopping.Patience)
            {
                _stopRequested = true;
            }
        }

        CompletedEpochs = epoch;
        return new EpochMetrics(
            epoch, trainingLoss, training, validation, _optimizer.BaseGroups[0].LearningRate, Stopwatch.GetElapsedTime(start), isBest);
    }

    /// <summary>Saves parameters, optimizer, the schedules in the options and this trainer's state to a checkpoint.</summary>
    /// <param name="path">The file to create or replace (atomically).</param>
    public void SaveCheckpoint(string path) => Checkpoint.Save(path, _parameters, CheckpointParticipants());

    /// <summary>Loads what <see cref="SaveCheckpoint"/> saved; on any error nothing changes.</summary>
    /// <param name="path">The checkpoint to read.</param>
    /// <exception cref="CheckpointException">The file is damaged or does not fit this trainer.</exception>
    public void LoadCheckpoint(string path) => Checkpoint.Load(path, _parameters, CheckpointParticipants());

    private ICheckpointState[] CheckpointParticipants() =>
        new ICheckpointState?[] { _optimizer, _options.StepSchedule, _options.EpochSchedule, _options.Plateau, this }
            .OfType<ICheckpointState>()
            .ToArray();

    /// <inheritdoc/>
    /// <remarks>
    /// Saves the epoch and step counters, the early-stopping state and the shuffling generator as metadata, and the
    /// best parameters (when early stopping restores them) as tensors <c>trainer.best.{parameter}</c>.
    /// </remarks>
    public void SaveState(CheckpointWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.AddMetadata("trainer.completed_epochs", CompletedEpochs.ToString(CultureInfo.InvariantCulture));
        writer.AddMetadata("trainer.global_step", GlobalStep.ToString(CultureInfo.InvariantCulture));
        writer.AddMetadata("trainer.best_loss", _bestLoss.ToString("R", CultureInfo.InvariantCulture));
        writer.AddMetadata("trainer.epochs_without_improvement", _epochsWithoutImprovement.ToString(CultureInfo.InvariantCulture));
        _shuffle.SaveState(writer);
        if (_bestParameters is not null && _hasBestParameters)
        {
            for (int i = 0; i < _parameters.Length; i++)
            {
                writer.AddTensor($"trainer.best.{_parameters[i].Name}", _parameters[i].Shape, _bestParameters[i]);
            }
        }
    }

    /// <inheritdoc/>
    public void StageLoad(CheckpointReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long completedEpochs = reader.GetInt64("trainer.completed_epochs");
        long globalStep = reader.GetInt64("trainer.global_step");
        double bestLoss = reader.GetDouble("trainer.best_loss");
        long epochsWithoutImprovement = reader.GetInt64("trainer.epochs_without_improvement");
        if (completedEpochs is < 0 or > int.MaxValue || globalStep < 0 || epochsWithoutImprovement is < 0 or > int.MaxValue)
        {
            throw new CheckpointException("The checkpoint's trainer counters are out of range.");
        }

        _shuffle.StageLoad(reader);
        bool hasBest = _bestParameters is not null && _parameters.Length > 0 && reader.ContainsTensor($"trainer.best.{_parameters[0].Name}");
        if (hasBest)
        {
            for (int i = 0; i < _parameters.Length; i++)
            {
                reader.StageTensor($"trainer.best.{_parameters[i].Name}", _parameters[i].Shape, _bestParameters![i]);
            }
        }

        reader.StageCommit(() =>
        {
            CompletedEpochs = (int)completedEpochs;
            GlobalStep = globalStep;
            _bestLoss = bestLoss;
            _epochsWithoutImprovement = (int)epochsWithoutImprovement;
            _hasBestParameters = hasBest;
        });
    }
}
