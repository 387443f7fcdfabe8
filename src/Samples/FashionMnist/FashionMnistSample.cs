using System.Diagnostics;
using AutoDiff.CompilerServices;
using AutoDiff.Data;
using AutoDiff.Optimizers;
using AutoDiff.Samples.Common;
using AutoDiff.Samples.Data;
using AutoDiff.Training;

namespace AutoDiff.Samples.ImageClassification;

/// <summary>
/// Seed 001's image classifier on Fashion-MNIST: the CNN (or <c>--model mlp</c>) trained with RMSprop on minibatches
/// of 64 for 5 epochs, gradients generated from the model's <c>Loss</c>; reports test accuracy and time per epoch.
/// </summary>
public static class FashionMnistSample
{
    /// <summary>The sample's settings.</summary>
    public sealed record Options
    {
        /// <summary>Gets <c>cnn</c> or <c>mlp</c>.</summary>
        public string Model { get; init; } = "cnn";

        /// <summary>Gets the number of passes over the training set.</summary>
        public int Epochs { get; init; } = 5;

        /// <summary>Gets the minibatch size.</summary>
        public int BatchSize { get; init; } = 64;

        /// <summary>Gets RMSprop's learning rate (Keras' default, as in the seed).</summary>
        public double LearningRate { get; init; } = 1e-3;

        /// <summary>Gets the data folder (<c>--data</c>), or null for the installed set or the embedded subset.</summary>
        public string? Data { get; init; }

        /// <summary>Gets the seed for initialisation and shuffling.</summary>
        public ulong Seed { get; init; } = 42;

        /// <summary>Gets a limit on training images (0: all), for quick runs and tests.</summary>
        public int TrainLimit { get; init; }

        /// <summary>Gets where the full dataset is looked for.</summary>
        public string DefaultDirectory { get; init; } = AutoDiff.Data.FashionMnist.DefaultDirectory;
    }

    /// <summary>What a run produced.</summary>
    /// <param name="TestAccuracy">Accuracy on the test set after each epoch.</param>
    /// <param name="EpochLosses">Mean training loss of each epoch.</param>
    /// <param name="EpochSeconds">Wall time of each epoch.</param>
    /// <param name="Data">Which data was used.</param>
    public sealed record Result(IReadOnlyList<double> TestAccuracy, IReadOnlyList<double> EpochLosses, IReadOnlyList<double> EpochSeconds, string Data);

    /// <summary>Trains and evaluates.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="output">Where to print and write plots.</param>
    /// <returns>The accuracies, losses and times.</returns>
    public static Result Run(Options options, SampleOutput output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ImageDataset data = DatasetCommands.Load(options.Data, output, options.DefaultDirectory);
        IImageClassifier model = options.Model switch
        {
            "cnn" => new SeedCnn((int)options.Seed),
            "mlp" => new FashionMlp((int)options.Seed),
            _ => throw new ArgumentException($"Unknown model '{options.Model}'; use cnn or mlp."),
        };
        output.Heading($"Fashion-MNIST, {options.Model.ToUpperInvariant()} with generated gradients, RMSprop lr {options.LearningRate}, batch {options.BatchSize}, {options.Epochs} epochs");

        // Keras' RMSprop (the seed's optimizer) smooths with ρ = 0.9 and ε = 1e-7.
        var optimizer = new RmsProp(model.GetParameters(), new RmsPropOptions { LearningRate = options.LearningRate, Alpha = 0.9, Epsilon = 1e-7 });
        int trainCount = options.TrainLimit > 0 ? Math.Min(options.TrainLimit, data.Train.Count) : data.Train.Count;
        float[] trainPixels = data.Train.PixelsAsFloats();
        float[] testPixels = data.Test.PixelsAsFloats();
        int pixels = data.Train.PixelsPerImage;
        var order = Enumerable.Range(0, trainCount).ToArray();
        var random = new TrainingRandom(options.Seed);
        Tensor batch = Tensor.Zeros(options.BatchSize, 1, data.Train.Rows, data.Train.Columns);
        int[] labels = new int[options.BatchSize];
        int batches = trainCount / options.BatchSize; // the last partial batch is dropped: every step has the same shape
        var accuracies = new List<double>();
        var losses = new List<double>();
        var seconds = new List<double>();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            random.Shuffle(order);
            var clock = Stopwatch.StartNew();
            double total = 0;
            for (int b = 0; b < batches; b++)
            {
                for (int i = 0; i < options.BatchSize; i++)
                {
                    int index = order[b * options.BatchSize + i];
                    trainPixels.AsSpan(index * pixels, pixels).CopyTo(batch.Span.Slice(i * pixels, pixels));
                    labels[i] = data.Train.Labels[index];
                }

                total += model.LossAndGradient(batch, labels);
                optimizer.Step();
                if (output.Progress != ProgressMode.None && (b + 1) % Math.Max(1, batches / 10) == 0)
                {
                    output.Line($"  epoch {epoch}: {b + 1}/{batches} batches, mean loss {total / (b + 1):F4}, {clock.Elapsed.TotalSeconds:F1} s");
                }
            }

            clock.Stop();
            double accuracy = Accuracy(model, testPixels, data.Test.Labels, data.Test.Rows, data.Test.Columns);
            accuracies.Add(accuracy);
            losses.Add(total / Math.Max(1, batches));
            seconds.Add(clock.Elapsed.TotalSeconds);
            output.Line($"epoch {epoch}: training loss {losses[^1]:F4}, test accuracy {accuracy:P2}, {seconds[^1]:F1} s");
        }

        output.Line($"Final test accuracy {accuracies[^1]:P2} on {data.Test.Count} test images ({data.Description}); median epoch {Median(seconds):F1} s.");
        output.Wrote("plot", Plots.Lines(
            output.FilePath($"fashion-mnist-{options.Model}.png"), $"Fashion-MNIST {options.Model.ToUpperInvariant()}: training loss by epoch",
            "epoch", "cross-entropy", [new Series("training loss", Enumerable.Range(1, losses.Count).Select(i => (double)i).ToArray(), losses.ToArray())]));
        return new Result(accuracies, losses, seconds, data.Description);
    }

    private static double Accuracy(IImageClassifier model, float[] pixels, byte[] labels, int rows, int columns)
    {
        const int BatchSize = 500;
        int count = labels.Length, correct = 0, perImage = rows * columns;
        var arena = new TensorArena();
        Tensor batch = Tensor.Zeros(BatchSize, 1, rows, columns);
        for (int start = 0; start < count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, count - start);
            Tensor input = n == BatchSize ? batch : Tensor.Zeros(n, 1, rows, columns);
            pixels.AsSpan(start * perImage, n * perImage).CopyTo(input.Span);
            using (arena.Enter())
            {
                ReadOnlySpan<float> logits = model.Logits(input).ReadOnlySpan;
                for (int i = 0; i < n; i++)
                {
                    ReadOnlySpan<float> row = logits.Slice(i * 10, 10);
                    int best = 0;
                    for (int c = 1; c < 10; c++)
                    {
                        best = row[c] > row[best] ? c : best;
                    }

                    correct += best == labels[start + i] ? 1 : 0;
                }
            }
        }

        return (double)correct / count;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
