using AutoDiff.Optimizers;
using AutoDiff.Runtime.Tests.Optimizers;
using AutoDiff.Training;
using Spectre.Console;
using Xunit;

namespace AutoDiff.Runtime.Tests.Training;

public class TrainerTests
{
    /// <summary>
    /// A model with one parameter w and gradient 1 (so SGD with rate γ lowers w by γ per step); it records the batches
    /// it sees, reports the batch length as the batch loss, and a scripted validation loss per epoch.
    /// </summary>
    private sealed class RecordingModel(ParameterSlot weight, double[]? validationLosses = null) : ITrainingModel
    {
        private int _evaluations;

        public List<int[]> Batches { get; } = [];

        public bool Record { get; init; } = true;

        public float ComputeLossAndGradients(ReadOnlySpan<int> batch)
        {
            if (Record)
            {
                Batches.Add(batch.ToArray());
            }

            weight.Gradient.Span.Fill(1f);
            return batch.Length;
        }

        public BatchEvaluation Evaluate(DataSplit split, ReadOnlySpan<int> batch)
        {
            if (validationLosses is not null)
            {
                // Scripted: every sample of epoch e has loss validationLosses[e − 1]; count calls per epoch by index 0.
                if (batch[0] == 0)
                {
                    _evaluations++;
                }

                return new BatchEvaluation(validationLosses[_evaluations - 1] * batch.Length, 0);
            }

            // Loss = the sample index, correct when the index is even.
            double sum = 0;
            int correct = 0;
            foreach (int index in batch)
            {
                sum += index;
                correct += index % 2 == 0 ? 1 : 0;
            }

            return new BatchEvaluation(sum, correct);
        }
    }

    private static (Trainer Trainer, RecordingModel Model, ParameterSlot Weight) Create(
        int samples, int validation, TrainerOptions options, double[]? validationLosses = null)
    {
        ParameterSlot weight = ParameterSlot.Create("w", 1);
        var model = new RecordingModel(weight, validationLosses);
        var sgd = new Sgd([weight], new SgdOptions { LearningRate = 0.1 });
        return (new Trainer(model, sgd, samples, validation, options with { Progress = ProgressMode.None }), model, weight);
    }

    [Fact]
    public void Fit_WithoutShuffle_VisitsSamplesInOrder_WithAShorterLastBatch()
    {
        var (trainer, model, _) = Create(10, 0, new TrainerOptions { Epochs = 1, BatchSize = 4, Shuffle = false });
        TrainingHistory history = trainer.Fit();

        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]], model.Batches);
        // Batch losses 4, 4, 2 weighted by batch sizes 4, 4, 2: (16 + 16 + 4)/10 = 3.6.
        Assert.Equal(3.6, history.Epochs[0].TrainingLoss, 12);
        Assert.Equal(3, trainer.GlobalStep);
    }

    [Fact]
    public void Fit_WithDropLastPartialBatch_SkipsTheShortBatch()
    {
        var (trainer, model, _) = Create(10, 0, new TrainerOptions { Epochs = 2, BatchSize = 4, Shuffle = false, DropLastPartialBatch = true });
        trainer.Fit();
        Assert.Equal(4, model.Batches.Count);
        Assert.All(model.Batches, batch => Assert.Equal(4, batch.Length));
    }

    [Fact]
    public void Fit_WithShuffle_VisitsEverySampleOncePerEpoch_InASeededOrder()
    {
        int[][] Orders(ulong seed)
        {
            var (trainer, model, _) = Create(23, 0, new TrainerOptions { Epochs = 3, BatchSize = 5, Seed = seed });
            trainer.Fit();
            return Enumerable.Range(0, 3).Select(e => model.Batches.Skip(e * 5).Take(5).SelectMany(b => b).ToArray()).ToArray();
        }

        int[][] first = Orders(2), again = Orders(2), other = Orders(3);
        foreach (int[] epoch in first)
        {
            Assert.Equal(Enumerable.Range(0, 23), epoch.Order());
        }

        Assert.NotEqual(first[0], first[1]);
        Assert.NotEqual(Enumerable.Range(0, 23), first[0]);
        Assert.Equal(first, again);
        Assert.NotEqual(first[0], other[0]);
    }

    [Fact]
    public void Evaluate_ComputesMeanLossAndAccuracy_OverBatches()
    {
        // Validation samples 0..4 in batches of 2: loss = (0 + 1 + 2 + 3 + 4)/5 = 2; even indices 0, 2, 4 correct: 3/5.
        var (trainer, _, _) = Create(4, 5, new TrainerOptions { BatchSize = 2 });
        EvaluationMetrics metrics = trainer.Evaluate(DataSplit.Validation)!.Value;
        Assert.Equal(2.0, metrics.Loss, 12);
        Assert.Equal(0.6, metrics.Accuracy, 12);
        Assert.Equal(5, metrics.Samples);
        Assert.Null(Create(4, 0, new TrainerOptions()).Trainer.Evaluate(DataSplit.Validation));
    }

    [Fact]
    public void Fit_StepsEpochSchedules_AndEvaluatesTheTrainingSplitWhenAsked()
    {
        // 4 training samples, loss = index: training-split loss (0 + 1 + 2 + 3)/4 = 1.5, accuracy 2/4 (0 and 2 even).
        // Epoch schedule: η = 0.1·0.5^e, so the rates at the end of epochs 1..3 are 0.05, 0.025, 0.0125.
        ParameterSlot weight = ParameterSlot.Create("w", 1);
        var sgd = new Sgd([weight], new SgdOptions { LearningRate = 0.1 });
        var trainer = new Trainer(
            new RecordingModel(weight) { Record = false },
            sgd,
            4,
            0,
            new TrainerOptions
            {
                Epochs = 3,
                BatchSize = 4,
                EvaluateTrainingSplit = true,
                EpochSchedule = new ExponentialLearningRate(sgd, 0.5),
                Progress = ProgressMode.None,
            });

        TrainingHistory history = trainer.Fit();

        Assert.Equal([0.05, 0.025, 0.0125], history.Epochs.Select(e => e.LearningRate));
        Assert.All(history.Epochs, e => Assert.Equal(new EvaluationMetrics(1.5, 0.5, 4), e.Training));
        Assert.All(history.Epochs, e => Assert.Null(e.Validation));
        // One step per epoch with gradient 1 at rates 0.1, 0.05, 0.025: w = −0.175.
        Assert.Equal(-0.175f, weight.Value.Span[0], 6);
    }

    [Fact]
    public void Fit_StepsThePlateauScheduleWithTheValidationLoss()
    {
        // Validation losses 1.0, 0.9, 0.95, 0.95; plateau with patience 1 halves the rate after the second bad epoch.
        ParameterSlot weight = ParameterSlot.Create("w", 1);
        var sgd = new Sgd([weight], new SgdOptions { LearningRate = 0.1 });
        var trainer = new Trainer(
            new RecordingModel(weight, validationLosses: [1.0, 0.9, 0.95, 0.95]) { Record = false },
            sgd,
            2,
            2,
            new TrainerOptions
            {
                Epochs = 4,
                BatchSize = 2,
                Plateau = new ReduceLearningRateOnPlateau(sgd, factor: 0.5, patience: 1),
                Progress = ProgressMode.None,
            });

        TrainingHistory history = trainer.Fit();

        Assert.Equal([0.1, 0.1, 0.1, 0.05], history.Epochs.Select(e => e.LearningRate));
    }

    [Fact]
    public void EarlyStopping_StopsAfterPatience_AndRestoresTheBestParameters()
    {
        // Validation loss per epoch 1.0, 0.5, 0.6, 0.7, 0.4: best at epoch 2, then two epochs without improvement
        // → stop after epoch 4. One step per epoch lowers w by 0.1, so w after epoch 2 is −0.2.
        var (trainer, _, weight) = Create(
            3, 2,
            new TrainerOptions { Epochs = 10, BatchSize = 3, EarlyStopping = new EarlyStopping(Patience: 2, RestoreBestParameters: true) },
            validationLosses: [1.0, 0.5, 0.6, 0.7, 0.4]);

        TrainingHistory history = trainer.Fit();

        Assert.True(history.StoppedEarly);
        Assert.Equal(4, history.Epochs.Count);
        Assert.Equal([true, true, false, false], history.Epochs.Select(e => e.IsBest));
        Assert.Equal(-0.2f, weight.Value.Span[0], 6);
    }

    [Fact]
    public void Callbacks_SeeEveryStepAndEpoch_AndCanStopTraining()
    {
        var recorder = new RecordingCallback(stopAfterEpoch: 2);
        var (trainer, _, _) = Create(7, 0, new TrainerOptions { Epochs = 5, BatchSize = 3, Callbacks = [recorder] });
        TrainingHistory history = trainer.Fit();

        // 7 samples in batches of 3: 3 steps per epoch; stopped after epoch 2.
        Assert.Equal([1L, 2, 3, 4, 5, 6], recorder.Steps.Select(s => s.GlobalStep));
        Assert.Equal([3, 3, 1, 3, 3, 1], recorder.Steps.Select(s => s.BatchSize));
        Assert.Equal([1, 2], recorder.Epochs);
        Assert.True(history.StoppedEarly);
        Assert.Equal(2, trainer.CompletedEpochs);
    }

    private sealed class RecordingCallback(int stopAfterEpoch) : ITrainingCallback
    {
        public List<StepMetrics> Steps { get; } = [];

        public List<int> Epochs { get; } = [];

        public void OnStepEnd(Trainer trainer, in StepMetrics step) => Steps.Add(step);

        public void OnEpochEnd(Trainer trainer, in EpochMetrics epoch)
        {
            Epochs.Add(epoch.Epoch);
            if (epoch.Epoch == stopAfterEpoch)
            {
                trainer.RequestStop();
            }
        }
    }

    [Theory]
    [InlineData(ProgressMode.None)]
    [InlineData(ProgressMode.Plain)]
    public void Fit_StepsAllocateNothing(ProgressMode mode)
    {
        // Measure allocations between step 10 and the last step of one 2,000-step epoch (XOR model, Adam, clipping,
        // a per-step schedule): everything between those two points is per-step work. In three windows: a one-off
        // runtime allocation (the tiered JIT installing code while other test assemblies run) can land in one, while
        // a step that allocates allocates in all of them.
        var mlp = new XorMlp(seed: 2);
        var adam = new Adam(mlp.Parameters, new AdamOptions { LearningRate = 0.01 });
        var probe = new AllocationProbe(firstStep: 10, lastStep: 2000);
        var trainer = new Trainer(
            new XorTrainingModel(mlp, samples: 4000),
            adam,
            4000,
            0,
            new TrainerOptions
            {
                Epochs = 1,
                BatchSize = 2,
                ClipGradientNorm = 1,
                ClipGradientValue = 0.5f,
                StepSchedule = new CosineWithWarmupLearningRate(adam, 100, 2000),
                Callbacks = [probe],
                Progress = mode,
                PlainOutput = TextWriter.Null,
            });

        trainer.Fit();

        Assert.Equal(3, probe.Windows.Count);
        Assert.True(probe.Windows.Min() == 0, $"every window allocated: {string.Join(", ", probe.Windows)} bytes");
    }

    private sealed class AllocationProbe(long firstStep, long lastStep) : ITrainingCallback
    {
        private long _start;

        /// <summary>Bytes allocated in each of three equal windows between the two steps.</summary>
        public List<long> Windows { get; } = new();

        public void OnStepEnd(Trainer trainer, in StepMetrics step)
        {
            long span = (lastStep - firstStep) / 3;
            if (step.GlobalStep == firstStep)
            {
                _start = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (step.GlobalStep > firstStep && step.GlobalStep <= firstStep + 3 * span && (step.GlobalStep - firstStep) % span == 0)
            {
                long now = GC.GetAllocatedBytesForCurrentThread();
                Windows.Add(now - _start);
                _start = now;
            }
        }
    }

    [Theory]
    [InlineData(ProgressMode.Auto, true, null, ProgressMode.Plain)]
    [InlineData(ProgressMode.Auto, false, "true", ProgressMode.Plain)]
    [InlineData(ProgressMode.Auto, false, "", ProgressMode.Rich)]
    [InlineData(ProgressMode.Auto, false, null, ProgressMode.Rich)]
    [InlineData(ProgressMode.Rich, true, "1", ProgressMode.Rich)]
    [InlineData(ProgressMode.None, false, null, ProgressMode.None)]
    public void Progress_Auto_FallsBackToPlainLines_WhenRedirectedOrOnCi(ProgressMode requested, bool redirected, string? ci, ProgressMode expected) =>
        Assert.Equal(expected, TrainingProgress.Resolve(requested, redirected, ci));

    [Fact]
    public void Progress_Plain_WritesOneLinePerEpochWithLossAndEta()
    {
        var output = new StringWriter();
        ParameterSlot weight = ParameterSlot.Create("w", 1);
        var trainer = new Trainer(
            new RecordingModel(weight) { Record = false },
            new Sgd([weight], new SgdOptions()),
            8,
            4,
            new TrainerOptions { Epochs = 3, BatchSize = 4, Progress = ProgressMode.Plain, PlainOutput = output });

        trainer.Fit();

        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("epoch 1/3  loss 4.0000", lines[0]);
        Assert.Contains("val_loss 1.5000", lines[0]);
        Assert.Contains("val_acc 50.00", lines[0]);
        Assert.Contains("ETA ", lines[2]);
    }

    [Fact]
    public void Progress_Rich_RendersThroughSpectreConsole()
    {
        var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        ParameterSlot weight = ParameterSlot.Create("w", 1);
        var trainer = new Trainer(
            new RecordingModel(weight) { Record = false },
            new Sgd([weight], new SgdOptions()),
            8,
            0,
            new TrainerOptions { Epochs = 2, BatchSize = 4, Progress = ProgressMode.Rich, Console = console });

        trainer.Fit();

        Assert.Contains("epoch 2/2  loss 4.0000", output.ToString());
    }

    [Fact]
    public void Fit_OnXor_ReachesFullAccuracy()
    {
        var mlp = new XorMlp(seed: 2);
        var trainer = new Trainer(
            new XorTrainingModel(mlp, samples: 4),
            new Adam(mlp.Parameters, new AdamOptions { LearningRate = 0.05 }),
            4,
            4,
            new TrainerOptions { Epochs = 600, BatchSize = 2, Seed = 2, Progress = ProgressMode.None });

        TrainingHistory history = trainer.Fit();

        EpochMetrics last = history.Epochs[^1];
        Assert.Equal(1.0, last.Validation!.Value.Accuracy);
        Assert.True(last.Validation.Value.Loss < 0.05, $"validation loss {last.Validation.Value.Loss}");
    }

    [Fact]
    public void Resume_FromAnEpochCheckpoint_IsBitIdenticalToAnUninterruptedRun()
    {
        string path = Path.Combine(Path.GetTempPath(), $"autodiff-trainer-{Guid.NewGuid():N}.safetensors");
        try
        {
            float[] uninterrupted = TrainXor(epochs: 6, stopAfter: 6, path: null);
            TrainXor(epochs: 6, stopAfter: 3, path: path);
            Assert.True(File.Exists(path));
            float[] resumed = TrainXor(epochs: 6, stopAfter: 6, path: null, resumeFrom: path);

            Assert.Equal(
                uninterrupted.Select(BitConverter.SingleToInt32Bits),
                resumed.Select(BitConverter.SingleToInt32Bits));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>XOR with shuffled batches of 3 (so every epoch ends with a partial batch), AdamW, a per-step schedule and clipping.</summary>
    private static float[] TrainXor(int epochs, int stopAfter, string? path, string? resumeFrom = null)
    {
        var mlp = new XorMlp(seed: resumeFrom is null ? 2 : 77);
        var adam = new AdamW(mlp.Parameters, new AdamWOptions { LearningRate = 0.05 });
        var trainer = new Trainer(
            new XorTrainingModel(mlp, samples: 10),
            adam,
            10,
            4,
            new TrainerOptions
            {
                Epochs = stopAfter,
                BatchSize = 3,
                Seed = 2,
                ClipGradientNorm = 0.5,
                StepSchedule = new CosineWithWarmupLearningRate(adam, warmupSteps: 4, totalSteps: epochs * 4),
                Callbacks = path is null ? [] : [new CheckpointCallback(path, everyEpochs: 3)],
                Progress = ProgressMode.None,
            });
        if (resumeFrom is not null)
        {
            trainer.LoadCheckpoint(resumeFrom);
            Assert.Equal(3, trainer.CompletedEpochs);
        }

        trainer.Fit();
        return mlp.Parameters.SelectMany(p => p.Value.ToArray()).ToArray();
    }
}

/// <summary>XOR as an <see cref="ITrainingModel"/>: sample i is XOR case i mod 4.</summary>
internal sealed class XorTrainingModel(XorMlp mlp, int samples) : ITrainingModel
{
    private readonly int[] _cases = Enumerable.Range(0, samples).Select(i => i % 4).ToArray();
    private readonly int[] _batch = new int[samples];

    public float ComputeLossAndGradients(ReadOnlySpan<int> batch)
    {
        for (int i = 0; i < batch.Length; i++)
        {
            _batch[i] = _cases[batch[i]];
        }

        return mlp.LossAndGradient(_batch.AsSpan(0, batch.Length));
    }

    public BatchEvaluation Evaluate(DataSplit split, ReadOnlySpan<int> batch)
    {
        Span<float> hidden = stackalloc float[XorMlp.Hidden];
        double loss = 0;
        int correct = 0;
        foreach (int index in batch)
        {
            int sample = _cases[index];
            float p = mlp.Predict(sample, hidden), y = XorMlp.Targets[sample];
            loss -= (y * Math.Log(p)) + ((1 - y) * Math.Log(1 - p));
            correct += (p > 0.5f ? 1f : 0f) == y ? 1 : 0;
        }

        return new BatchEvaluation(loss, correct);
    }
}
