using System.Globalization;
using AutoDiff.Optimizers;
using AutoDiff.Samples.Common;
using Spectre.Console;

namespace AutoDiff.Samples.Sequence;

/// <summary>
/// Seed 003's remedy for recurrent networks: the label of each sequence is the sign of its <em>first</em> value, the
/// rest is noise. A plain tanh RNN has to carry that value through every step, and its gradient with respect to
/// early inputs vanishes; a GRU's update gate lets it through. Both train with Adam on the same data; the sample
/// prints their test accuracy and ‖∂loss/∂x_t‖ per time step, which <c>[RequiresGradient]</c> on the sequence gives.
/// </summary>
public static class SequenceSample
{
    /// <summary>The sample's settings.</summary>
    public sealed record Options
    {
        /// <summary>Gets the sequence length.</summary>
        public int Steps { get; init; } = 60;

        /// <summary>Gets the number of Adam steps per network.</summary>
        public int TrainingSteps { get; init; } = 400;

        /// <summary>Gets the state size of both networks.</summary>
        public int Hidden { get; init; } = 16;

        /// <summary>Gets the seed.</summary>
        public ulong Seed { get; init; } = 42;
    }

    /// <summary>What one network showed.</summary>
    /// <param name="Name">The network.</param>
    /// <param name="TestAccuracy">Accuracy on held-out sequences after training.</param>
    /// <param name="InputGradientNorms">‖∂loss/∂x_t‖ for t = 0 … steps − 1 at the first step of training.</param>
    /// <param name="FinalLoss">The training loss at the last step.</param>
    public sealed record Run(string Name, double TestAccuracy, IReadOnlyList<double> InputGradientNorms, double FinalLoss)
    {
        /// <summary>Gets ‖∂loss/∂x₀‖ / ‖∂loss/∂x_last‖: how much of the gradient reaches the input that decides the label.</summary>
        public double FirstToLast => InputGradientNorms[0] / InputGradientNorms[^1];
    }

    private const int BatchSize = 64;

    /// <summary>Trains both networks and reports.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="output">Where to print.</param>
    /// <returns>The plain RNN's run, then the GRU's.</returns>
    public static IReadOnlyList<Run> Execute(Options options, SampleOutput output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        output.Heading($"Long-range dependency: the label is the sign of the first of {options.Steps} values; tanh RNN vs GRU, Adam, {options.TrainingSteps} steps");
        int seed = (int)options.Seed;
        var runs = new List<Run>
        {
            Train("tanh RNN", new TanhRnn(options.Hidden, seed), options, output),
            Train("GRU", new GruClassifier(options.Hidden, seed), options, output),
        };

        var table = new Table().AddColumns("network", "test accuracy", "‖∂L/∂x₀‖ / ‖∂L/∂x_last‖ (step 1)", "final training loss");
        foreach (Run run in runs)
        {
            table.AddRow(Markup.Escape(run.Name), $"{100 * run.TestAccuracy:F1} %", run.FirstToLast.ToString("E2", CultureInfo.InvariantCulture), run.FinalLoss.ToString("F3", CultureInfo.InvariantCulture));
        }

        output.Console.Write(table);
        return runs;
    }

    private static Run Train(string name, ISequenceClassifier model, Options options, SampleOutput output)
    {
        var random = new AutoDiff.Training.TrainingRandom(options.Seed);
        var optimizer = new Adam(model.GetParameters(), new AdamOptions { LearningRate = 1e-2 });
        Tensor initial = Tensor.Zeros(new Shape(BatchSize, options.Hidden));
        Tensor sequenceGradient = Tensor.Zeros(new Shape(options.Steps, BatchSize, 1));
        (Tensor sequence, Tensor targets) = Batch(random, options.Steps);
        double[] norms = Array.Empty<double>();
        float loss = float.NaN;
        for (int step = 1; step <= options.TrainingSteps; step++)
        {
            (sequence, targets) = Batch(random, options.Steps, sequence, targets);
            loss = model.LossAndGradient(sequence, initial, targets, options.Steps, sequenceGradient);
            if (step == 1)
            {
                norms = NormsPerStep(sequenceGradient, options.Steps);
            }

            optimizer.Step();
            if (step % 100 == 0 || step == options.TrainingSteps)
            {
                output.Line($"{name}: step {step}, loss {loss:F4}");
            }
        }

        double accuracy = TestAccuracy(model, initial, options);
        output.Line($"{name}: test accuracy {100 * accuracy:F1} %; ‖∂L/∂x_t‖ at step 1, first → last time step: {string.Join(" ", norms.Where((_, t) => t % Math.Max(1, options.Steps / 6) == 0 || t == options.Steps - 1).Select(n => n.ToString("E1", CultureInfo.InvariantCulture)))}");
        return new Run(name, accuracy, norms, loss);
    }

    /// <summary>A [steps, batch, 1] sequence of N(0, 1) values and, per sequence, 1 when its first value is positive.</summary>
    private static (Tensor Sequence, Tensor Targets) Batch(AutoDiff.Training.TrainingRandom random, int steps, Tensor? sequence = null, Tensor? targets = null)
    {
        sequence ??= Tensor.Zeros(new Shape(steps, BatchSize, 1));
        targets ??= Tensor.Zeros(new Shape(BatchSize, 1));
        Span<float> values = sequence.Span;
        for (int i = 0; i < values.Length; i++)
        {
            // Box–Muller from the reproducible training generator.
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        for (int b = 0; b < BatchSize; b++)
        {
            targets.Span[b] = values[b] > 0 ? 1f : 0f; // step 0 of sequence b
        }

        return (sequence, targets);
    }

    private static double[] NormsPerStep(Tensor gradient, int steps)
    {
        var norms = new double[steps];
        ReadOnlySpan<float> g = gradient.ReadOnlySpan;
        for (int t = 0; t < steps; t++)
        {
            norms[t] = Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(g.Slice(t * BatchSize, BatchSize)));
        }

        return norms;
    }

    private static double TestAccuracy(ISequenceClassifier model, Tensor initial, Options options)
    {
        var random = new AutoDiff.Training.TrainingRandom(options.Seed + 1000);
        int correct = 0, total = 0;
        for (int round = 0; round < 8; round++)
        {
            (Tensor sequence, Tensor targets) = Batch(random, options.Steps);
            Tensor logits = model.Logits(sequence, initial, options.Steps);
            for (int b = 0; b < BatchSize; b++)
            {
                correct += (logits.Span[b] > 0) == (targets.Span[b] > 0.5f) ? 1 : 0;
                total++;
            }
        }

        return (double)correct / total;
    }
}
