using AutoDiff.Optimizers;
using AutoDiff.Samples.Common;
using AutoDiff.Training;
using Spectre.Console;
using static AutoDiff.Samples.Common.Format;

namespace AutoDiff.Samples.LinearRegression;

/// <summary>
/// Seed article 000, section 4.1: fit y = w·x + b to y = 3x + 2 + noise (x and the noise uniform in [0, 1), 100
/// points) by gradient descent on the mean squared error. The article's hand-written gradient is wrong (it uses
/// 2(y − ŷ) as the gradient of both w and b); here the generator writes <c>MseGradient</c> from <see cref="Mse"/>.
/// Because the noise has mean 0.5, the best line is about y = 3x + 2.5.
/// </summary>
public static partial class LinearRegressionSample
{
    /// <summary>How to run the sample.</summary>
    public sealed record Options
    {
        /// <summary>Gets the number of data points.</summary>
        public int Points { get; init; } = 100;

        /// <summary>Gets the number of full-batch gradient-descent steps.</summary>
        public int Steps { get; init; } = 1000;

        /// <summary>Gets the learning rate.</summary>
        public double LearningRate { get; init; } = 0.1;

        /// <summary>Gets the seed for the data and the initial parameters.</summary>
        public ulong Seed { get; init; } = 42;
    }

    /// <summary>What the run found.</summary>
    /// <param name="W">The learned slope.</param>
    /// <param name="B">The learned intercept.</param>
    /// <param name="LeastSquaresW">The exact least-squares slope, for comparison.</param>
    /// <param name="LeastSquaresB">The exact least-squares intercept.</param>
    /// <param name="Losses">The loss before each step, then the final loss.</param>
    /// <param name="Plots">The files written.</param>
    public sealed record Result(double W, double B, double LeastSquaresW, double LeastSquaresB, IReadOnlyList<double> Losses, IReadOnlyList<string> Plots)
    {
        /// <summary>Gets the loss before training.</summary>
        public double InitialLoss => Losses[0];

        /// <summary>Gets the loss after training.</summary>
        public double FinalLoss => Losses[^1];
    }

    /// <summary>The model and its loss: mean squared error of the line w·x + b.</summary>
    /// <param name="w">The slope.</param>
    /// <param name="b">The intercept.</param>
    /// <param name="xs">The inputs.</param>
    /// <param name="ys">The targets.</param>
    /// <returns>The mean squared error.</returns>
    [Differentiable]
    public static float Mse(float w, float b, [NoDerivative] float[] xs, [NoDerivative] float[] ys)
    {
        float sum = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            float error = w * xs[i] + b - ys[i];
            sum += error * error;
        }

        return sum / xs.Length;
    }

    /// <summary>Draws the data: x uniform in [0, 1), y = 3x + 2 + u with u uniform in [0, 1).</summary>
    /// <param name="count">Number of points.</param>
    /// <param name="random">The generator.</param>
    /// <returns>The points.</returns>
    public static (float[] X, float[] Y) MakeData(int count, TrainingRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var x = new float[count];
        var y = new float[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = random.NextSingle();
            y[i] = 3 * x[i] + 2 + random.NextSingle();
        }

        return (x, y);
    }

    /// <summary>Runs the sample.</summary>
    /// <param name="options">How to run.</param>
    /// <param name="output">Where to print and write plots.</param>
    /// <returns>The learned line and the loss curve.</returns>
    public static Result Run(Options options, SampleOutput output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var random = new TrainingRandom(options.Seed);
        (float[] xs, float[] ys) = MakeData(options.Points, random);

        // Parameters live in one-element arrays so that the runtime's optimizer can update them in place.
        float[] w = [random.NextSingle()], b = [random.NextSingle()];
        float[] dw = new float[1], db = new float[1];
        var optimizer = new Sgd(
            [new ParameterSlot("w", [1], w, dw), new ParameterSlot("b", [1], b, db)],
            new SgdOptions { LearningRate = options.LearningRate });

        output.Heading($"Linear regression: y = 3x + 2 + U[0,1), {options.Points} points, gradient descent (lr {Fmt(options.LearningRate)})");
        output.Line($"start: w = {Fmt(w[0])}, b = {Fmt(b[0])}");
        var losses = new List<double>(options.Steps + 1);
        int every = Math.Max(1, options.Steps / 10);
        for (int step = 0; step < options.Steps; step++)
        {
            // The generated gradient: the loss, and ∂loss/∂w, ∂loss/∂b written straight into the optimizer's buffers.
            float loss = MseGradient(w[0], b[0], xs, ys, out dw[0], out db[0]);
            losses.Add(loss);
            if (step % every == 0)
            {
                output.Line($"step {step,5}  loss {Fmt(loss),-12} w {Fmt(w[0]),-10} b {Fmt(b[0])}");
            }

            optimizer.Step();
        }

        losses.Add(Mse(w[0], b[0], xs, ys));
        (double olsW, double olsB) = LeastSquares(xs, ys);

        var table = new Table().AddColumns("", "w", "b", "loss");
        table.AddRow("gradient descent", Fmt(w[0]), Fmt(b[0]), Fmt(losses[^1]));
        table.AddRow("exact least squares", Fmt(olsW), Fmt(olsB), Fmt(Mse((float)olsW, (float)olsB, xs, ys)));
        table.AddRow("truth (noise mean 0.5 added to b)", "3", "2.5", "≈ 1/12 ≈ 0.0833");
        output.Console.Write(table);

        var plots = new List<string>();
        double[] x = xs.Select(v => (double)v).ToArray(), y = ys.Select(v => (double)v).ToArray();
        AddIf(plots, Plots.PointsAndLines(
            output.FilePath("linear-regression-fit.png"), "Linear regression by gradient descent", x, y,
            [($"fit: y = {Fmt(w[0])}x + {Fmt(b[0])}", w[0], b[0]), ("y = 3x + 2.5", 3, 2.5)]));
        // The distance to the least-squares optimum shows gradient descent's linear convergence, down to float rounding.
        double optimum = Mse((float)olsW, (float)olsB, xs, ys);
        double[] excess = losses.Select(loss => loss - optimum).TakeWhile(gap => gap > 1e-6).ToArray();
        AddIf(plots, Plots.Lines(
            output.FilePath("linear-regression-loss.png"), "Linear regression: training loss", "step", "mean squared error",
            [Series.OverSteps("loss", losses), Series.OverSteps("loss − least-squares optimum", excess)]));
        foreach (string plot in plots)
        {
            output.Wrote("plot", plot);
        }

        return new Result(w[0], b[0], olsW, olsB, losses, plots);
    }

    /// <summary>The closed-form least-squares line, for comparison.</summary>
    private static (double W, double B) LeastSquares(float[] xs, float[] ys)
    {
        double meanX = xs.Average(), meanY = ys.Average();
        double covariance = 0, variance = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            covariance += (xs[i] - meanX) * (ys[i] - meanY);
            variance += (xs[i] - meanX) * (xs[i] - meanX);
        }

        double w = covariance / variance;
        return (w, meanY - w * meanX);
    }
}
