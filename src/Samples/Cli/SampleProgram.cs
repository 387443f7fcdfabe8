using AutoDiff.Samples.AdamMlp;
using AutoDiff.Data;
using AutoDiff.Samples.Common;
using AutoDiff.Samples.Data;
using AutoDiff.Samples.LinearRegression;
using AutoDiff.Samples.OptimizerComparison;
using AutoDiff.Samples.TwoLayer;
using AutoDiff.Samples.Xor;
using AutoDiff.Training;
using Spectre.Console;

namespace AutoDiff.Samples.Cli;

/// <summary>An option a command accepts.</summary>
/// <param name="Name">The name without dashes.</param>
/// <param name="Value">The value placeholder, or empty for a flag.</param>
/// <param name="Description">What it does, with its default.</param>
public sealed record OptionSpec(string Name, string Value, string Description);

/// <summary>A subcommand.</summary>
/// <param name="Name">The name typed on the command line.</param>
/// <param name="Summary">One line for the command list.</param>
/// <param name="Options">The options it accepts besides the common ones.</param>
/// <param name="Run">Runs it.</param>
public sealed record SampleCommand(string Name, string Summary, IReadOnlyList<OptionSpec> Options, Action<ParsedArguments, SampleOutput> Run);

/// <summary>The samples' command line: <c>AutoDiff.Samples &lt;command&gt; [options]</c>.</summary>
public static class SampleProgram
{
    /// <summary>Options every command accepts.</summary>
    public static readonly IReadOnlyList<OptionSpec> CommonOptions =
    [
        new("out", "DIR", "folder for the PNG plots (default out/)"),
        new("no-plots", "", "write no files"),
        new("seed", "N", "random seed (default 42)"),
        new("progress", "MODE", "auto, rich, plain or none (default auto: a live bar on a terminal, plain lines otherwise)"),
        new("threads", "N", $"threads per kernel call, KernelSettings.MaxThreads (default {Environment.ProcessorCount}, the cores); results are reproducible for a given N and seed"),
    ];

    /// <summary>The subcommands, in the order <c>--help</c> lists them.</summary>
    public static readonly IReadOnlyList<SampleCommand> Commands =
    [
        new(
            "linear-regression",
            "fit y = 3x + 2 + noise by gradient descent with the generated gradient (seed 000)",
            [new("steps", "N", "gradient-descent steps (default 1000)"), new("lr", "RATE", "learning rate (default 0.1)"), new("points", "N", "data points (default 100)")],
            (args, output) => LinearRegressionSample.Run(
                new LinearRegressionSample.Options
                {
                    Steps = args.GetInt("steps", 1000, 1),
                    LearningRate = args.GetPositiveDouble("lr", 0.1),
                    Points = args.GetInt("points", 100, 2),
                    Seed = args.GetUInt64("seed", 42),
                },
                output)),
        new(
            "two-layer",
            "two chained linear units trained through the chain rule (seed 000)",
            [new("steps", "N", "gradient-descent steps (default 2000)"), new("lr", "RATE", "learning rate (default 0.1)"), new("points", "N", "data points (default 100)")],
            (args, output) => TwoLayerSample.Run(
                new TwoLayerSample.Options
                {
                    Steps = args.GetInt("steps", 2000, 1),
                    LearningRate = args.GetPositiveDouble("lr", 0.1),
                    Points = args.GetInt("points", 100, 2),
                    Seed = args.GetUInt64("seed", 42),
                },
                output)),
        new(
            "xor",
            "logistic regression (GD and SGD) fails on XOR, a 2-2-1 MLP solves it (seed 002)",
            [
                new("steps", "N", "logistic-regression steps (default 1000)"),
                new("lr", "RATE", "logistic-regression learning rate (default 0.1)"),
                new("mlp-steps", "N", "MLP steps (default 3000)"),
                new("mlp-lr", "RATE", "MLP learning rate (default 0.5)"),
            ],
            (args, output) => XorSample.Run(
                new XorSample.Options
                {
                    LogisticSteps = args.GetInt("steps", 1000, 1),
                    LogisticLearningRate = args.GetPositiveDouble("lr", 0.1),
                    MlpSteps = args.GetInt("mlp-steps", 3000, 1),
                    MlpLearningRate = args.GetPositiveDouble("mlp-lr", 0.5),
                    Seed = args.GetUInt64("seed", 42),
                },
                output)),
        new(
            "adam-mlp",
            "MLP 10-128-64-1 (ReLU) with Adam at lr 1e-2, 1e-3, 1e-4, one loss plot (seed 003)",
            [new("epochs", "N", "epochs per learning rate (default 30)"), new("batch", "N", "minibatch size (default 32)"), new("samples", "N", "training samples (default 1000)")],
            (args, output) => AdamMlpSample.Run(
                new AdamMlpSample.Options
                {
                    Epochs = args.GetInt("epochs", 30, 1),
                    BatchSize = args.GetInt("batch", 32, 1),
                    TrainSamples = args.GetInt("samples", 1000, 1),
                    Seed = args.GetUInt64("seed", 42),
                },
                output)),
        new(
            "optimizers",
            "SGD, Momentum, Nesterov, AdaGrad, RMSprop and Adam on the same MLP, one loss plot (seed 002)",
            [new("epochs", "N", "epochs per optimizer (default 20)"), new("batch", "N", "minibatch size (default 32)"), new("samples", "N", "training samples (default 1000)")],
            (args, output) => OptimizerComparisonSample.Run(
                new OptimizerComparisonSample.Options
                {
                    Epochs = args.GetInt("epochs", 20, 1),
                    BatchSize = args.GetInt("batch", 32, 1),
                    TrainSamples = args.GetInt("samples", 1000, 1),
                    Seed = args.GetUInt64("seed", 42),
                },
                output)),
        new(
            "fashion-mnist",
            "the seed's CNN (or --model mlp) on Fashion-MNIST with RMSprop, gradients generated from the model's Loss (seed 001)",
            [
                new("model", "NAME", "cnn (default) or mlp"),
                new("epochs", "N", "passes over the training set (default 5)"),
                new("batch", "N", "minibatch size (default 64)"),
                new("lr", "RATE", "RMSprop learning rate (default 0.001)"),
                new("limit", "N", "use only the first N training images (default all)"),
                new("data", "DIR", $"folder with the four IDX files (default {AutoDiff.Data.FashionMnist.DefaultDirectory}, else the embedded subset)"),
            ],
            (args, output) => ImageClassification.FashionMnistSample.Run(
                new ImageClassification.FashionMnistSample.Options
                {
                    Model = args.GetString("model", "cnn"),
                    Epochs = args.GetInt("epochs", 5, 1),
                    BatchSize = args.GetInt("batch", 64, 1),
                    LearningRate = args.GetPositiveDouble("lr", 1e-3),
                    TrainLimit = args.GetInt("limit", 0, 0),
                    Data = args.GetStringOrNull("data"),
                    Seed = args.GetUInt64("seed", 42),
                },
                output)),
        new(
            "vanishing",
            "a 20-layer MLP: sigmoid, then ReLU + He, then residual, then batch norm, each with the gradient monitor (seed 003)",
            [new("depth", "N", "hidden layers (default 20)"), new("steps", "N", "SGD steps per network (default 150)")],
            (args, output) => Vanishing.VanishingSample.Execute(
                new Vanishing.VanishingSample.Options { Depth = args.GetInt("depth", 20, 1, 200), Steps = args.GetInt("steps", 150, 1), Seed = args.GetUInt64("seed", 42) },
                output)),
        new(
            "sequence",
            "a long-range dependency: tanh RNN vs GRU, with the input gradient per time step ([RequiresGradient]; seed 003's remedy for recurrent networks)",
            [new("length", "N", "sequence length (default 60)"), new("steps", "N", "Adam steps per network (default 400)")],
            (args, output) => Sequence.SequenceSample.Execute(
                new Sequence.SequenceSample.Options { Steps = args.GetInt("length", 60, 2, 1000), TrainingSteps = args.GetInt("steps", 400, 1), Seed = args.GetUInt64("seed", 42) },
                output)),
        new(
            "newton",
            "Newton's method on Rosenbrock with exact Hessians from the generator (second-order mode)",
            [new("dimensions", "N", "dimensions of the Rosenbrock function (default 4)")],
            (args, output) =>
            {
                var text = new StringWriter();
                Newton.NewtonSample.Run(args.GetInt("dimensions", 4, 2, 1000), text);
                output.Console.Write(new Spectre.Console.Text(text.ToString()));
            }),
        new(
            "data",
            "load Fashion-MNIST (installed full set, --data DIR, or the embedded subset) and print what was read",
            [new("data", "DIR", $"folder with the four IDX files, plain or .gz (default {AutoDiff.Data.FashionMnist.DefaultDirectory}, else the embedded subset)")],
            (args, output) => DatasetCommands.Describe(args.GetStringOrNull("data"), output)),
        new(
            "make-subset",
            "(maintainers) rebuild the embedded Fashion-MNIST subset from the full set",
            [
                new("data", "DIR", $"the full set (default {AutoDiff.Data.FashionMnist.DefaultDirectory})"),
                new("to", "DIR", "where to write (default src/Samples/Data/fashion-mnist-subset)"),
                new("train-per-class", "N", "training images per class (default 200)"),
                new("test-per-class", "N", "test images per class (default 50)"),
            ],
            (args, output) => DatasetCommands.MakeSubset(
                args.GetString("data", AutoDiff.Data.FashionMnist.DefaultDirectory),
                args.GetString("to", Path.Combine("src", "Samples", "Data", DatasetCommands.SubsetFolder)),
                args.GetInt("train-per-class", 200, 1),
                args.GetInt("test-per-class", 50, 1),
                output)),
    ];

    /// <summary>Runs the command line on the process console.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The exit code: 0 on success, 2 on a usage error.</returns>
    public static int Run(string[] args) => Run(args, AnsiConsole.Console);

    /// <summary>Runs the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="console">Where to print.</param>
    /// <returns>The exit code: 0 on success, 1 when data cannot be read, 2 on a usage error.</returns>
    public static int Run(IReadOnlyList<string> args, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        SampleCommand? command = null;
        try
        {
            ParsedArguments parsed = ParsedArguments.Parse(args, name => name is "no-plots");
            if (parsed.Command is null)
            {
                PrintHelp(console);
                return parsed.HelpRequested ? 0 : 2;
            }

            command = Commands.FirstOrDefault(c => c.Name == parsed.Command)
                ?? throw new UsageException($"Unknown command '{parsed.Command}'.");
            if (parsed.HelpRequested)
            {
                PrintHelp(console, command);
                return 0;
            }

            parsed.RejectUnknown(CommonOptions.Concat(command.Options).Select(o => o.Name));
            ProgressMode progress = parsed.GetString("progress", "auto") switch
            {
                "auto" => ProgressMode.Auto,
                "rich" => ProgressMode.Rich,
                "plain" => ProgressMode.Plain,
                "none" => ProgressMode.None,
                string other => throw new UsageException($"Option --progress expects auto, rich, plain or none, not '{other}'."),
            };
            string? directory = parsed.GetFlag("no-plots") ? null : parsed.GetString("out", "out");
            AutoDiff.Kernels.KernelSettings.MaxThreads = parsed.GetInt("threads", Environment.ProcessorCount, 1);
            command.Run(parsed, new SampleOutput(console, directory, progress));
            return 0;
        }
        catch (Exception e) when (e is IdxFormatException or FileNotFoundException or DirectoryNotFoundException)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 1;
        }
        catch (UsageException e)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            console.WriteLine();
            if (command is null)
            {
                PrintHelp(console);
            }
            else
            {
                PrintHelp(console, command);
            }

            return 2;
        }
    }

    private static void PrintHelp(IAnsiConsole console)
    {
        console.MarkupLine("[bold]AutoDiff samples[/]: the seed articles' models, differentiated at compile time.");
        console.WriteLine();
        console.WriteLine("usage: AutoDiff.Samples <command> [options]");
        console.WriteLine("       AutoDiff.Samples <command> --help");
        console.WriteLine();
        var table = new Table().NoBorder().HideHeaders().AddColumns("command", "summary");
        foreach (SampleCommand c in Commands)
        {
            table.AddRow($"[bold]{c.Name}[/]", Markup.Escape(c.Summary));
        }

        console.WriteLine("commands:");
        console.Write(table);
        console.WriteLine();
        PrintOptions(console, "options for every command:", CommonOptions);
        console.WriteLine();
        console.WriteLine("example: dotnet run --project src/Samples -c Release -- linear-regression --out out/");
    }

    private static void PrintHelp(IAnsiConsole console, SampleCommand command)
    {
        console.MarkupLine($"[bold]{command.Name}[/]: {Markup.Escape(command.Summary)}");
        console.WriteLine();
        console.WriteLine($"usage: AutoDiff.Samples {command.Name} [options]");
        console.WriteLine();
        PrintOptions(console, "options:", command.Options.Concat(CommonOptions).ToArray());
    }

    private static void PrintOptions(IAnsiConsole console, string title, IReadOnlyList<OptionSpec> options)
    {
        console.WriteLine(title);
        var table = new Table().NoBorder().HideHeaders().AddColumns("option", "description");
        foreach (OptionSpec option in options)
        {
            string usage = option.Value.Length == 0 ? $"--{option.Name}" : $"--{option.Name} {option.Value}";
            table.AddRow(Markup.Escape(usage), Markup.Escape(option.Description));
        }

        console.Write(table);
    }
}
