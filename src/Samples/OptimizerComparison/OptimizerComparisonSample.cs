using AutoDiff.Optimizers;
using AutoDiff.Samples.AdamMlp;
using AutoDiff.Samples.Common;
using AutoDiff.Samples.Regression;
using AutoDiff.Training;
using static AutoDiff.Samples.Common.Format;

namespace AutoDiff.Samples.OptimizerComparison;

/// <summary>
/// Seed article 002's list of gradient-descent variants — SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam — on one
/// task: the regression MLP of <c>adam-mlp</c>, from the same initial weights and batch order, each at a learning rate
/// commonly used for it. All six are the runtime's optimizers (<see cref="Sgd"/>, <see cref="AdaGrad"/>,
/// <see cref="RmsProp"/>, <see cref="Adam"/>), which follow PyTorch's update rules.
/// </summary>
public static class OptimizerComparisonSample
{
    /// <summary>How to run the sample.</summary>
    public sealed record Options
    {
        /// <summary>Gets the number of training samples.</summary>
        public int TrainSamples { get; init; } = 1000;

        /// <summary>Gets the number of validation samples.</summary>
        public int ValidationSamples { get; init; } = 200;

        /// <summary>Gets the number of epochs per optimizer.</summary>
        public int Epochs { get; init; } = 20;

        /// <summary>Gets the minibatch size.</summary>
        public int BatchSize { get; init; } = 32;

        /// <summary>Gets the first hidden layer's width.</summary>
        public int Hidden1 { get; init; } = 128;

        /// <summary>Gets the second hidden layer's width.</summary>
        public int Hidden2 { get; init; } = 64;

        /// <summary>Gets the seed for the data, the initial weights and the batch order.</summary>
        public ulong Seed { get; init; } = 42;
    }

    /// <summary>The runs, one per optimizer.</summary>
    /// <param name="Runs">The loss curves.</param>
    /// <param name="Plots">The files written.</param>
    public sealed record Result(IReadOnlyList<RegressionRun> Runs, IReadOnlyList<string> Plots);

    /// <summary>The optimizers compared: a label and a factory over the model's parameters.</summary>
    /// <returns>The six optimizers.</returns>
    public static IReadOnlyList<(string Label, Func<IReadOnlyList<ParameterSlot>, Optimizer> Create)> Optimizers() =>
    [
        ("SGD lr 0.01", p => new Sgd(p, new SgdOptions { LearningRate = 0.01 })),
        ("Momentum 0.9, lr 0.01", p => new Sgd(p, new SgdOptions { LearningRate = 0.01, Momentum = 0.9 })),
        ("Nesterov 0.9, lr 0.01", p => new Sgd(p, new SgdOptions { LearningRate = 0.01, Momentum = 0.9, Nesterov = true })),
        ("AdaGrad lr 0.01", p => new AdaGrad(p, new AdaGradOptions { LearningRate = 0.01 })),
        ("RMSprop lr 0.001", p => new RmsProp(p, new RmsPropOptions { LearningRate = 0.001 })),
        ("Adam lr 0.001", p => new Adam(p, new AdamOptions { LearningRate = 0.001 })),
    ];

    /// <summary>Runs the sample.</summary>
    /// <param name="options">How to run.</param>
    /// <param name="output">Where to print and write plots.</param>
    /// <returns>One run per optimizer.</returns>
    public static Result Run(Options options, SampleOutput output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        RegressionData data = RegressionData.Create(options.TrainSamples, options.ValidationSamples, 10, new TrainingRandom(options.Seed));
        output.Heading(
            $"Six optimizers on the MLP 10 → {options.Hidden1} → {options.Hidden2} → 1 (ReLU), {data.TrainCount} samples, " +
            $"batch {options.BatchSize}, {options.Epochs} epochs, same initial weights");

        var runs = new List<RegressionRun>();
        foreach ((string label, Func<IReadOnlyList<ParameterSlot>, Optimizer> create) in Optimizers())
        {
            var model = new MlpRegressor(data, options.Hidden1, options.Hidden2, new TrainingRandom(options.Seed + 1));
            runs.Add(RegressionTraining.Train(label, model, data, create, options.Epochs, options.BatchSize, options.Seed + 2, output));
        }

        AdamMlpSample.Summarise(output, runs);
        RegressionRun best = runs.MinBy(run => run.FinalValidationLoss)!;
        output.Line($"Lowest validation loss after {options.Epochs} epochs: {best.Label} ({Fmt(best.FinalValidationLoss)}).");
        var plots = new List<string>();
        AddIf(plots, Plots.Lines(
            output.FilePath("optimizers-loss.png"), "Optimizers on the MLP 10-128-64-1: validation loss",
            "epoch (0 = before training)", "mean squared error",
            runs.Select(run => new Series(run.Label, Enumerable.Range(0, run.ValidationLosses.Count).Select(i => (double)i).ToArray(), run.ValidationLosses.ToArray()))));
        foreach (string plot in plots)
        {
            output.Wrote("plot", plot);
        }

        return new Result(runs, plots);
    }
}
