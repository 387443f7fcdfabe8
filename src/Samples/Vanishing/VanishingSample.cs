using System.Globalization;
using System.Text.RegularExpressions;
using AutoDiff.Diagnostics;
using AutoDiff.Optimizers;
using AutoDiff.Samples.Common;
using AutoDiff.Training;
using Spectre.Console;

namespace AutoDiff.Samples.Vanishing;

/// <summary>
/// Seed 003's subject: a 20-layer MLP with sigmoid and naive initialisation, then ReLU with He initialisation, then
/// residual connections, then batch normalisation, trained on the same data with the gradient monitor attached;
/// prints the per-layer gradient norms (first to last layer) and what the monitor found.
/// </summary>
public static partial class VanishingSample
{
    /// <summary>The sample's settings.</summary>
    public sealed record Options
    {
        /// <summary>Gets the number of hidden layers.</summary>
        public int Depth { get; init; } = 20;

        /// <summary>Gets the number of SGD steps per network.</summary>
        public int Steps { get; init; } = 150;

        /// <summary>Gets the seed.</summary>
        public ulong Seed { get; init; } = 42;
    }

    /// <summary>What one network showed.</summary>
    /// <param name="Name">The variant.</param>
    /// <param name="FirstToLast">First hidden layer's gradient norm over the last's, at the last record.</param>
    /// <param name="Findings">What the monitor reported.</param>
    /// <param name="FirstLoss">Loss at the first step.</param>
    /// <param name="LastLoss">Loss at the last step.</param>
    public sealed record Run(string Name, double FirstToLast, IReadOnlyList<DiagnosticFinding> Findings, double FirstLoss, double LastLoss);

    /// <summary>Trains the four networks and reports.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="output">Where to print and write plots.</param>
    /// <returns>One entry per network.</returns>
    public static IReadOnlyList<Run> Execute(Options options, SampleOutput output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        output.Heading($"Vanishing gradients: {options.Depth} hidden layers of {Layers.Width}, the same data, SGD, gradient monitor every step");
        (Tensor x, int[] labels) = Data(128, options.Seed);
        int seed = (int)options.Seed;
        var runs = new List<Run>
        {
            Train("sigmoid, naive init N(0, 0.1²)", new SigmoidNetwork(options.Depth, seed), x, labels, options, output),
            Train("ReLU, He init", new ReluHeNetwork(options.Depth, seed), x, labels, options, output),
            Train("sigmoid + residual connections", new ResidualSigmoidNetwork(options.Depth, seed), x, labels, options, output),
            Train("sigmoid + batch norm", new BatchNormSigmoidNetwork(options.Depth, seed), x, labels, options, output),
        };

        var table = new Table().AddColumns("network", "‖g first‖ / ‖g last‖", "loss first → last", "findings");
        foreach (Run run in runs)
        {
            string findings = run.Findings.Count == 0 ? "none" : string.Join(", ", run.Findings.Select(f => f.Kind.ToString()).Distinct());
            table.AddRow(Markup.Escape(run.Name), run.FirstToLast.ToString("E2", CultureInfo.InvariantCulture), $"{run.FirstLoss:F3} → {run.LastLoss:F3}", Markup.Escape(findings));
        }

        output.Console.Write(table);
        return runs;
    }

    private const double LearningRate = 0.02;

    private static Run Train(string name, IDeepNetwork network, Tensor x, int[] labels, Options options, SampleOutput output)
    {
        // Depth order: the monitor groups tensors by layer ("W[3]" and "B[3]" are layer 3), inputs first.
        ParameterSlot[] slots = network.GetParameters().OrderBy(s => Depth(s.Name)).ToArray();
        var monitor = new GradientMonitor(slots, new GradientMonitorOptions { Interval = 1, LayerOf = LayerOf });
        var optimizer = new Sgd(slots, new SgdOptions { LearningRate = LearningRate });
        float first = float.NaN, last = float.NaN;
        for (int step = 1; step <= options.Steps; step++)
        {
            last = network.LossAndGradient(x, labels);
            first = step == 1 ? last : first;
            monitor.OnStepEnd(step, last, LearningRate);
            optimizer.Step();
        }

        IReadOnlyList<string> layers = monitor.Layers;
        ReadOnlySpan<double> norms = monitor.LayerNormsAt(monitor.RecordCount - 1);
        int firstHidden = layers.ToList().FindIndex(l => l.StartsWith("layer", StringComparison.Ordinal));
        int lastHidden = layers.ToList().FindLastIndex(l => l.StartsWith("layer", StringComparison.Ordinal));
        double ratio = norms[firstHidden] / norms[lastHidden];
        IReadOnlyList<DiagnosticFinding> findings = monitor.GetFindings();
        output.Line();
        output.Line($"{name}: loss {first:F3} → {last:F3}; gradient norm, first hidden layer / last: {ratio:E2}");
        foreach (DiagnosticFinding finding in findings)
        {
            output.Line("  " + finding.Message);
        }

        if (output.FilePath($"vanishing-{Slug(name)}.png") is { } path)
        {
            monitor.SaveNormsByDepth(path);
            output.Wrote("plot", path);
        }

        return new Run(name, ratio, findings, first, last);
    }

    private static string LayerOf(string name) =>
        LayerIndex().Match(name) is { Success: true } m ? "layer" + int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture).ToString("D2", CultureInfo.InvariantCulture) : name.ToLowerInvariant();

    private static double Depth(string name) => name switch
    {
        "Input" => -1,
        "Head" => double.MaxValue,
        _ => LayerIndex().Match(name) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
    };

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex LayerIndex();

    private static string Slug(string name) => new string(name.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');

    /// <summary>Inputs N(0, 1), three classes given by a fixed linear rule.</summary>
    private static (Tensor X, int[] Labels) Data(int count, ulong seed)
    {
        var random = new TrainingRandom(seed);
        var x = Tensor.Zeros(count, Layers.Inputs);
        var labels = new int[count];
        Span<float> values = x.Span;
        for (int n = 0; n < count; n++)
        {
            float a = 0, b = 0;
            for (int j = 0; j < Layers.Inputs; j++)
            {
                float v = (random.NextSingle() * 2) - 1;
                values[(n * Layers.Inputs) + j] = v;
                a += j % 2 == 0 ? v : -v;
                b += j < Layers.Inputs / 2 ? v : -v;
            }

            labels[n] = a > 0.5f ? 0 : b > 0 ? 1 : 2;
        }

        return (x, labels);
    }
}
