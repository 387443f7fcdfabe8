using AutoDiff.Optimizers;
using AutoDiff.Samples.Common;
using AutoDiff.Samples.Regression;
using AutoDiff.Training;
using Spectre.Console;
using static AutoDiff.Samples.Common.Format;

namespace AutoDiff.Samples.AdamMlp;

/// <summary>
/// Seed article 003: the regression MLP 10 → 128 → 64 → 1 (ReLU) trained with Adam at learning rates 1e-2, 1e-3 and
/// 1e-4 from the same initial weights, loss curves in one plot. The article's TensorFlow 1 code trains 1000 full-batch
/// steps per rate; here each rate trains minibatches of 32 for a number of epochs (same arithmetic per epoch as one
/// full-batch step, 32 optimizer steps) with the runtime's <see cref="Trainer"/> and <see cref="Adam"/>.
/// </summary>
public static class AdamMlpSample
{
    /// <summary>How to run the sample.</summary>
    public sealed record Options
    {
        /// <summary>Gets the number of training samples (the article uses 1000).</summary>
        public int TrainSamples { get; init; } = 1000;

        /// <summary>Gets the number of validation samples.</summary>
        public int ValidationSamples { get; init; } = 200;

        /// <summary>Gets the number of epochs per learning rate.</summary>
        public int Epochs { get; init; } = 30;

        /// <summary>Gets the minibatch size.</summary>
        public int BatchSize { get; init; } = 32;

        /// <summary>Gets the first hidden layer's width (the article uses 128).</summary>
        public int Hidden1 { get; init; } = 128;

        /// <summary>Gets the second hidden layer's width (the article uses 64).</summary>
        public int Hidden2 { get; init; } = 64;

        /// <summary>Gets the learning rates to compare.</summary>
        public IReadOnlyList<double> LearningRates { get; init; } = [1e-2, 1e-3, 1e-4];

        /// <summary>Gets the seed for the data, the initial weights and the batch order.</summary>
        public ulong Seed { get; init; } = 42;
    }

    /// <summary>The runs, one per learning rate.</summary>
    /// <param name="Runs">The loss curves.</param>
    /// <param name="Plots">The files written.</param>
    public sealed record Result(IReadOnlyList<RegressionRun> Runs, IReadOnlyList<string> Plots);

    /// <summary>Runs the sample.</summary>
    /// <param name="options">How to run.</param>
    /// <param name="output">Where to print and write plots.</param>
    /// <returns>One run per learning rate.</returns>
    public static Result Run(Options options, SampleOutput output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        RegressionData data = RegressionData.Create(options.TrainSamples, options.ValidationSamples, 10, new TrainingRandom(options.Seed));
        output.Heading(
            $"Adam on the MLP 10 → {options.Hidden1} → {options.Hidden2} → 1 (ReLU), y = x₁ − x₂ + x₃ − … − x₁₀, " +
            $"{data.TrainCount} training / {data.ValidationCount} validation samples, batch {options.BatchSize}, {options.Epochs} epochs");
        output.Line("Predicting the mean scores ≈ 0.83 (the target's variance); the target is linear in x, so a good fit approaches 0.");

        var runs = new List<RegressionRun>();
        foreach (double learningRate in options.LearningRates)
        {
            // The same initial weights for every rate.
            var model = new MlpRegressor(data, options.Hidden1, options.Hidden2, new TrainingRandom(options.Seed + 1));
            runs.Add(RegressionTraining.Train(
                $"Adam lr {Fmt(learningRate)}", model, data,
                parameters => new Adam(parameters, new AdamOptions { LearningRate = learningRate }),
                options.Epochs, options.BatchSize, options.Seed + 2, output));
        }

        Summarise(output, runs);
        var plots = new List<string>();
        AddIf(plots, Plots.Lines(
            output.FilePath("adam-mlp-loss.png"), "Adam on the MLP 10-128-64-1: validation loss by learning rate",
            "epoch (0 = before training)", "mean squared error",
            runs.Select(run => new Series(run.Label, Enumerable.Range(0, run.ValidationLosses.Count).Select(i => (double)i).ToArray(), run.ValidationLosses.ToArray()))));
        foreach (string plot in plots)
        {
            output.Wrote("plot", plot);
        }

        return new Result(runs, plots);
    }

    /// <summary>Prints one row per run: initial and final losses and time.</summary>
    /// <param name="output">Where to print.</param>
    /// <param name="runs">The runs.</param>
    internal static void Summarise(SampleOutput output, IReadOnlyList<RegressionRun> runs)
    {
        var table = new Table().AddColumns("optimizer", "val loss before", "val loss after", "train loss, last epoch", "time");
        foreach (RegressionRun run in runs)
        {
            table.AddRow(
                Markup.Escape(run.Label), Fmt(run.InitialValidationLoss), Fmt(run.FinalValidationLoss), Fmt(run.TrainingLosses[^1]),
                $"{run.Elapsed.TotalSeconds:F1} s");
        }

        output.Console.Write(table);
    }
}
