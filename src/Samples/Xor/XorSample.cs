using AutoDiff.Optimizers;
using AutoDiff.Samples.Common;
using AutoDiff.Training;
using Spectre.Console;
using static AutoDiff.Samples.Common.Format;

namespace AutoDiff.Samples.Xor;

/// <summary>
/// Seed article 002: logistic regression on XOR, trained by full-batch gradient descent and by stochastic gradient
/// descent (one random sample per step), then a 2-2-1 network (tanh hidden layer, sigmoid output) that solves it.
/// </summary>
/// <remarks>
/// No line separates XOR's classes: (0,1) and (1,0) must score above (0,0) and (1,1), but w·(0,1) + w·(1,0) =
/// w·(0,0) + w·(1,1) for every w, so a linear score cannot put both positives above both negatives. Logistic
/// regression's best cross-entropy is at w = 0, b = 0 (p = 0.5 everywhere, loss ln 2 ≈ 0.693) and at most 3 of 4
/// points can be right. A hidden layer bends the boundary. The article's SGD bias update has the wrong sign
/// (y − p instead of p − y); the gradients here are generated.
/// </remarks>
public static partial class XorSample
{
    /// <summary>The four XOR inputs, row-major.</summary>
    public static readonly float[] Inputs = [0, 0, 0, 1, 1, 0, 1, 1];

    /// <summary>The XOR labels.</summary>
    public static readonly float[] Labels = [0, 1, 1, 0];

    /// <summary>How to run the sample.</summary>
    public sealed record Options
    {
        /// <summary>Gets the number of steps for each logistic regression (the article uses 1000).</summary>
        public int LogisticSteps { get; init; } = 1000;

        /// <summary>Gets the logistic regression learning rate (the article uses 0.1).</summary>
        public double LogisticLearningRate { get; init; } = 0.1;

        /// <summary>Gets the number of full-batch steps for the 2-2-1 network.</summary>
        public int MlpSteps { get; init; } = 3000;

        /// <summary>Gets the 2-2-1 network's learning rate.</summary>
        public double MlpLearningRate { get; init; } = 0.5;

        /// <summary>
        /// Gets the most initialisations the 2-2-1 network is trained from: about half of all starting points lead
        /// gradient descent into a local minimum (two points stuck at p = 0.5, loss ln 2 / 2 ≈ 0.35), so training
        /// restarts from a fresh draw until one solves XOR.
        /// </summary>
        public int MlpAttempts { get; init; } = 10;

        /// <summary>Gets the seed for the initial parameters and the SGD sample order.</summary>
        public ulong Seed { get; init; } = 42;
    }

    /// <summary>One trained model's outcome.</summary>
    /// <param name="Name">The model and optimizer.</param>
    /// <param name="Losses">The full-data loss after each step (the first entry before training).</param>
    /// <param name="Probabilities">P(y = 1) for the four inputs after training.</param>
    /// <param name="Probability">The trained model: P(y = 1) at any point (x₁, x₂).</param>
    public sealed record ModelResult(string Name, IReadOnlyList<double> Losses, IReadOnlyList<double> Probabilities, Func<double, double, double> Probability)
    {
        /// <summary>Gets the number of the four points classified correctly (p &gt; 0.5 means 1).</summary>
        public int Correct => Enumerable.Range(0, 4).Count(i => Probabilities[i] > 0.5 == (Labels[i] == 1));

        /// <summary>Gets whether all four points are classified correctly.</summary>
        public bool Solved => Correct == 4;

        /// <summary>Gets the final loss.</summary>
        public double FinalLoss => Losses[^1];
    }

    /// <summary>The three runs.</summary>
    /// <param name="LogisticGd">Logistic regression, full-batch gradient descent.</param>
    /// <param name="LogisticSgd">Logistic regression, stochastic gradient descent.</param>
    /// <param name="Mlp">The 2-2-1 network (the last attempt).</param>
    /// <param name="MlpAttempts">How many initialisations the network was trained from.</param>
    /// <param name="Plots">The files written.</param>
    public sealed record Result(ModelResult LogisticGd, ModelResult LogisticSgd, ModelResult Mlp, int MlpAttempts, IReadOnlyList<string> Plots);

    /// <summary>Binary cross-entropy of a logit z against a 0/1 label, in the stable form max(z, 0) − zy + log(1 + e^−|z|).</summary>
    /// <param name="z">The logit.</param>
    /// <param name="y">The label.</param>
    /// <returns>−[y log σ(z) + (1 − y) log(1 − σ(z))].</returns>
    [Differentiable]
    public static float CrossEntropyWithLogit(float z, [NoDerivative] float y) =>
        MathF.Max(z, 0) - z * y + MathF.Log(1 + MathF.Exp(-MathF.Abs(z)));

    /// <summary>Logistic regression: mean cross-entropy of σ(w·x + b) over samples first … first + count − 1.</summary>
    /// <param name="w">The two weights.</param>
    /// <param name="b">The bias (one element).</param>
    /// <param name="x">Inputs, row-major, two per sample.</param>
    /// <param name="y">Labels.</param>
    /// <param name="first">The first sample.</param>
    /// <param name="count">How many samples.</param>
    /// <returns>The mean loss.</returns>
    [Differentiable]
    public static float LogisticLoss(float[] w, float[] b, [NoDerivative] float[] x, [NoDerivative] float[] y, int first, int count)
    {
        float sum = 0;
        for (int n = first; n < first + count; n++)
        {
            float z = w[0] * x[2 * n] + w[1] * x[2 * n + 1] + b[0];
            sum += CrossEntropyWithLogit(z, y[n]);
        }

        return sum / count;
    }

    /// <summary>The 2-2-1 network: h = tanh(W₁x + b₁), p = σ(w₂·h + b₂); mean cross-entropy over all samples.</summary>
    /// <param name="w1">Hidden weights, 2 × 2 row-major.</param>
    /// <param name="b1">Hidden biases.</param>
    /// <param name="w2">Output weights.</param>
    /// <param name="b2">Output bias (one element).</param>
    /// <param name="x">Inputs, row-major, two per sample.</param>
    /// <param name="y">Labels.</param>
    /// <returns>The mean loss.</returns>
    [Differentiable]
    public static float MlpLoss(float[] w1, float[] b1, float[] w2, float[] b2, [NoDerivative] float[] x, [NoDerivative] float[] y)
    {
        float sum = 0;
        for (int n = 0; n < y.Length; n++)
        {
            float h0 = MathF.Tanh(w1[0] * x[2 * n] + w1[1] * x[2 * n + 1] + b1[0]);
            float h1 = MathF.Tanh(w1[2] * x[2 * n] + w1[3] * x[2 * n + 1] + b1[1]);
            float z = w2[0] * h0 + w2[1] * h1 + b2[0];
            sum += CrossEntropyWithLogit(z, y[n]);
        }

        return sum / y.Length;
    }

    /// <summary>Runs the sample.</summary>
    /// <param name="options">How to run.</param>
    /// <param name="output">Where to print and write plots.</param>
    /// <returns>The three models' outcomes.</returns>
    public static Result Run(Options options, SampleOutput output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var random = new TrainingRandom(options.Seed);
        output.Heading("XOR: logistic regression cannot separate it, a 2-2-1 network (tanh hidden, sigmoid output) can");

        ModelResult gd = TrainLogistic("logistic, full-batch GD", stochastic: false, options, random, output);
        ModelResult sgd = TrainLogistic("logistic, SGD", stochastic: true, options, random, output);
        ModelResult mlp = TrainMlp(options, random, output);
        int attempts = 1;
        while (!mlp.Solved && attempts < options.MlpAttempts)
        {
            attempts++;
            output.Line($"  stuck in a local minimum (loss {Fmt(mlp.FinalLoss)}, {mlp.Correct}/4 right): restarting from a new initialisation, attempt {attempts}");
            mlp = TrainMlp(options, random, output);
        }

        var table = new Table().AddColumns("model", "p(0,0)", "p(0,1)", "p(1,0)", "p(1,1)", "correct", "loss");
        table.AddRow("target", "0", "1", "1", "0", "4/4", "0");
        foreach (ModelResult model in new[] { gd, sgd, mlp })
        {
            table.AddRow(
                [Markup.Escape(model.Name), .. model.Probabilities.Select(p => Fmt(p)), $"{model.Correct}/4", Fmt(model.FinalLoss)]);
        }

        output.Console.Write(table);
        output.Line(
            "Logistic regression drifts to w ≈ 0, b ≈ 0: p ≈ 0.5 everywhere, loss ln 2 ≈ 0.693, the best a line can do on XOR, " +
            "since no line puts (0,1) and (1,0) on one side and (0,0), (1,1) on the other.");
        output.Line(mlp.Solved
            ? $"The 2-2-1 network's two hidden units each draw a line; together they solve XOR ({Plural(attempts, "initialisation")} tried)."
            : $"The 2-2-1 network did not solve XOR in {Plural(attempts, "initialisation")} (local minima); try another --seed.");

        var plots = new List<string>();
        AddIf(plots, Plots.Lines(
            output.FilePath("xor-loss.png"), "XOR: training loss (ln 2 = 0.693 is chance)", "step", "cross-entropy",
            [Series.OverSteps(gd.Name, gd.Losses), Series.OverSteps(sgd.Name, sgd.Losses), Series.OverSteps(mlp.Name, mlp.Losses)]));
        double[] x1 = [0, 0, 1, 1], x2 = [0, 1, 0, 1];
        AddIf(plots, Plots.ProbabilityMap(
            output.FilePath("xor-logistic.png"), "XOR, logistic regression (full-batch GD): no line separates the classes", gd.Probability, x1, x2, Labels));
        AddIf(plots, Plots.ProbabilityMap(
            output.FilePath("xor-mlp.png"), "XOR, 2-2-1 MLP: two hidden units bend the boundary", mlp.Probability, x1, x2, Labels));
        foreach (string plot in plots)
        {
            output.Wrote("plot", plot);
        }

        return new Result(gd, sgd, mlp, attempts, plots);
    }

    private static ModelResult TrainLogistic(string name, bool stochastic, Options options, TrainingRandom random, SampleOutput output)
    {
        float[] w = [(float)ArrayInit.Normal(random), (float)ArrayInit.Normal(random)], b = [(float)ArrayInit.Normal(random)];
        float[] dw = new float[2], db = new float[1];
        var optimizer = new Sgd(
            [new ParameterSlot("w", [2], w, dw), new ParameterSlot("b", [1], b, db)],
            new SgdOptions { LearningRate = options.LogisticLearningRate });
        var losses = new List<double> { LogisticLoss(w, b, Inputs, Labels, 0, 4) };
        for (int step = 0; step < options.LogisticSteps; step++)
        {
            int first = stochastic ? random.NextInt32(4) : 0;
            LogisticLossGradient(w, b, Inputs, Labels, first, stochastic ? 1 : 4, dw, db);
            optimizer.Step();
            losses.Add(LogisticLoss(w, b, Inputs, Labels, 0, 4));
        }

        output.Line($"{name}: {options.LogisticSteps} steps, lr {Fmt(options.LogisticLearningRate)}: w = ({Fmt(w[0])}, {Fmt(w[1])}), b = {Fmt(b[0])}, loss {Fmt(losses[^1])}");
        double Probability(double x1, double x2) => Sigmoid(w[0] * x1 + w[1] * x2 + b[0]);
        var probabilities = Enumerable.Range(0, 4).Select(n => Probability(Inputs[2 * n], Inputs[2 * n + 1])).ToArray();
        return new ModelResult(name, losses, probabilities, Probability);
    }

    private static ModelResult TrainMlp(Options options, TrainingRandom random, SampleOutput output)
    {
        const string name = "MLP 2-2-1, full-batch GD";
        float[] w1 = ArrayInit.XavierNormal(4, 2, 2, random), b1 = new float[2], w2 = ArrayInit.XavierNormal(2, 2, 1, random), b2 = new float[1];
        float[] dw1 = new float[4], db1 = new float[2], dw2 = new float[2], db2 = new float[1];
        var optimizer = new Sgd(
            [
                new ParameterSlot("hidden.weight", [2, 2], w1, dw1),
                new ParameterSlot("hidden.bias", [2], b1, db1),
                new ParameterSlot("output.weight", [1, 2], w2, dw2),
                new ParameterSlot("output.bias", [1], b2, db2),
            ],
            new SgdOptions { LearningRate = options.MlpLearningRate });
        var losses = new List<double>(options.MlpSteps + 1);
        int every = Math.Max(1, options.MlpSteps / 6);
        for (int step = 0; step < options.MlpSteps; step++)
        {
            float loss = MlpLossGradient(w1, b1, w2, b2, Inputs, Labels, dw1, db1, dw2, db2);
            losses.Add(loss);
            if (step % every == 0)
            {
                output.Line($"  MLP step {step,5}  loss {Fmt(loss)}");
            }

            optimizer.Step();
        }

        losses.Add(MlpLoss(w1, b1, w2, b2, Inputs, Labels));
        output.Line($"{name}: {options.MlpSteps} steps, lr {Fmt(options.MlpLearningRate)}, loss {Fmt(losses[^1])}");
        double Probability(double x1, double x2)
        {
            double h0 = Math.Tanh(w1[0] * x1 + w1[1] * x2 + b1[0]);
            double h1 = Math.Tanh(w1[2] * x1 + w1[3] * x2 + b1[1]);
            return Sigmoid(w2[0] * h0 + w2[1] * h1 + b2[0]);
        }

        var probabilities = Enumerable.Range(0, 4).Select(n => Probability(Inputs[2 * n], Inputs[2 * n + 1])).ToArray();
        return new ModelResult(name, losses, probabilities, Probability);
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
