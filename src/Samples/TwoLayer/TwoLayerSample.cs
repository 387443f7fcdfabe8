using AutoDiff.Optimizers;
using AutoDiff.Samples.Common;
using AutoDiff.Samples.LinearRegression;
using AutoDiff.Training;
using Spectre.Console;
using static AutoDiff.Samples.Common.Format;

namespace AutoDiff.Samples.TwoLayer;

/// <summary>
/// Seed article 000, section 4.2: two chained linear units, y₁ = w₁x + b₁ and ŷ = w₂y₁ + b₂, fitted to the same data
/// as the linear regression. The article computes each unit's gradient against the target as if the other unit did
/// not exist, so its first unit never learns through the second; the generated gradient follows the chain rule
/// through both. The composition is still a line, ŷ = (w₂w₁)x + (w₂b₁ + b₂), so it should find w₂w₁ ≈ 3 and
/// w₂b₁ + b₂ ≈ 2.5 — one of infinitely many equivalent parameter settings.
/// </summary>
public static partial class TwoLayerSample
{
    /// <summary>How to run the sample.</summary>
    public sealed record Options
    {
        /// <summary>Gets the number of data points.</summary>
        public int Points { get; init; } = 100;

        /// <summary>Gets the number of full-batch gradient-descent steps.</summary>
        public int Steps { get; init; } = 2000;

        /// <summary>Gets the learning rate.</summary>
        public double LearningRate { get; init; } = 0.1;

        /// <summary>Gets the seed for the data and the initial parameters.</summary>
        public ulong Seed { get; init; } = 42;
    }

    /// <summary>What the run found.</summary>
    /// <param name="W1">First unit's weight.</param>
    /// <param name="B1">First unit's bias.</param>
    /// <param name="W2">Second unit's weight.</param>
    /// <param name="B2">Second unit's bias.</param>
    /// <param name="Losses">The loss before each step, then the final loss.</param>
    /// <param name="Plots">The files written.</param>
    public sealed record Result(double W1, double B1, double W2, double B2, IReadOnlyList<double> Losses, IReadOnlyList<string> Plots)
    {
        /// <summary>Gets the slope of the composed line, w₂w₁.</summary>
        public double EffectiveW => W2 * W1;

        /// <summary>Gets the intercept of the composed line, w₂b₁ + b₂.</summary>
        public double EffectiveB => W2 * B1 + B2;

        /// <summary>Gets the loss before training.</summary>
        public double InitialLoss => Losses[0];

        /// <summary>Gets the loss after training.</summary>
        public double FinalLoss => Losses[^1];
    }

    /// <summary>The model and its loss: mean squared error of w₂(w₁x + b₁) + b₂.</summary>
    /// <param name="w1">First unit's weight.</param>
    /// <param name="b1">First unit's bias.</param>
    /// <param name="w2">Second unit's weight.</param>
    /// <param name="b2">Second unit's bias.</param>
    /// <param name="xs">The inputs.</param>
    /// <param name="ys">The targets.</param>
    /// <returns>The mean squared error.</returns>
    [Differentiable]
    public static float Mse(float w1, float b1, float w2, float b2, [NoDerivative] float[] xs, [NoDerivative] float[] ys)
    {
        float sum = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            float y1 = w1 * xs[i] + b1;
            float y2 = w2 * y1 + b2;
            float error = y2 - ys[i];
            sum += error * error;
        }

        return sum / xs.Length;
    }

    /// <summary>Runs the sample.</summary>
    /// <param name="options">How to run.</param>
    /// <param name="output">Where to print and write plots.</param>
    /// <returns>The learned units and the loss curve.</returns>
    public static Result Run(Options options, SampleOutput output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var random = new TrainingRandom(options.Seed);
        (float[] xs, float[] ys) = LinearRegressionSample.MakeData(options.Points, random);

        // np.random.rand initialisation, as in the article.
        float[] w1 = [random.NextSingle()], b1 = [random.NextSingle()], w2 = [random.NextSingle()], b2 = [random.NextSingle()];
        float[] dw1 = new float[1], db1 = new float[1], dw2 = new float[1], db2 = new float[1];
        var optimizer = new Sgd(
            [
                new ParameterSlot("unit1.weight", [1], w1, dw1),
                new ParameterSlot("unit1.bias", [1], b1, db1),
                new ParameterSlot("unit2.weight", [1], w2, dw2),
                new ParameterSlot("unit2.bias", [1], b2, db2),
            ],
            new SgdOptions { LearningRate = options.LearningRate });

        output.Heading($"Two chained linear units: ŷ = w₂(w₁x + b₁) + b₂, gradient descent (lr {Fmt(options.LearningRate)})");
        var losses = new List<double>(options.Steps + 1);
        int every = Math.Max(1, options.Steps / 10);
        for (int step = 0; step < options.Steps; step++)
        {
            float loss = MseGradient(w1[0], b1[0], w2[0], b2[0], xs, ys, out dw1[0], out db1[0], out dw2[0], out db2[0]);
            losses.Add(loss);
            if (step % every == 0)
            {
                output.Line($"step {step,5}  loss {Fmt(loss),-12} w1 {Fmt(w1[0]),-9} b1 {Fmt(b1[0]),-9} w2 {Fmt(w2[0]),-9} b2 {Fmt(b2[0])}");
            }

            optimizer.Step();
        }

        losses.Add(Mse(w1[0], b1[0], w2[0], b2[0], xs, ys));
        var result = new Result(w1[0], b1[0], w2[0], b2[0], losses, []);

        var table = new Table().AddColumns("w₁", "b₁", "w₂", "b₂", "w₂w₁ (slope)", "w₂b₁ + b₂ (intercept)", "loss");
        table.AddRow(Fmt(result.W1), Fmt(result.B1), Fmt(result.W2), Fmt(result.B2), Fmt(result.EffectiveW), Fmt(result.EffectiveB), Fmt(result.FinalLoss));
        output.Console.Write(table);
        output.Line("The composed line should have slope ≈ 3 and intercept ≈ 2.5 (noise mean 0.5), like linear-regression.");

        var plots = new List<string>();
        AddIf(plots, Plots.Lines(
            output.FilePath("two-layer-loss.png"), "Two chained linear units: training loss", "step", "mean squared error",
            [Series.OverSteps("loss", losses)]));
        foreach (string plot in plots)
        {
            output.Wrote("plot", plot);
        }

        return result with { Plots = plots };
    }
}
