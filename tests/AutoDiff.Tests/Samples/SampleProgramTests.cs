using AutoDiff.Data;
using AutoDiff.Samples.Cli;
using AutoDiff.Samples.Common;
using AutoDiff.Samples.Data;
using Spectre.Console;
using Xunit;

namespace AutoDiff.Tests.Samples;

/// <summary>The samples' command line and the embedded dataset.</summary>
public sealed class SampleProgramTests
{
    private static (int ExitCode, string Output) Run(params string[] args)
    {
        var writer = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        int exitCode = SampleProgram.Run(args, console);
        return (exitCode, writer.ToString());
    }

    [Fact]
    public void HelpListsEveryCommand()
    {
        (int exitCode, string output) = Run("--help");

        Assert.Equal(0, exitCode);
        foreach (string command in new[] { "linear-regression", "two-layer", "xor", "adam-mlp", "optimizers", "newton", "data", "make-subset" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }

        Assert.Contains("--out DIR", output, StringComparison.Ordinal);
    }

    [Fact]
    public void CommandHelpListsItsOptions()
    {
        (int exitCode, string output) = Run("adam-mlp", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--epochs N", output, StringComparison.Ordinal);
        Assert.Contains("--seed N", output, StringComparison.Ordinal);
    }

    [Fact]
    public void NoCommandPrintsHelpAndFails()
    {
        (int exitCode, string output) = Run();
        Assert.Equal(2, exitCode);
        Assert.Contains("usage:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Unknown command 'fly'", "fly")]
    [InlineData("Unknown option --epochs", "linear-regression", "--epochs", "3")]
    [InlineData("Option --steps expects an integer from 1", "linear-regression", "--steps", "many")]
    [InlineData("Option --lr expects a positive number", "linear-regression", "--lr", "-1")]
    [InlineData("Option --seed needs a value", "xor", "--seed")]
    [InlineData("Option --progress expects auto, rich, plain or none", "xor", "--progress", "loud")]
    public void UsageErrorsAreExplained(string message, params string[] args)
    {
        (int exitCode, string output) = Run(args);
        Assert.Equal(2, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Fact]
    public void RunsACommandWithOptions()
    {
        (int exitCode, string output) = Run("linear-regression", "--steps=200", "--lr", "0.5", "--seed", "7", "--no-plots", "--progress", "none");

        Assert.Equal(0, exitCode);
        Assert.Contains("gradient descent", output, StringComparison.Ordinal);
        Assert.DoesNotContain("plot:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void NewtonCommandReachesTheMinimum()
    {
        (int exitCode, string output) = Run("newton", "--dimensions", "2");
        Assert.Equal(0, exitCode);
        Assert.Contains("Reached the global minimum", output, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingDataFolderIsAnError()
    {
        (int exitCode, string output) = Run("data", "--data", Path.Combine(Path.GetTempPath(), "no-such-dataset-folder"));
        Assert.Equal(1, exitCode);
        Assert.Contains("does not exist", output, StringComparison.Ordinal);
    }

    [Fact]
    public void EmbeddedSubsetIsUsedWhenTheFullSetIsAbsent()
    {
        var log = new StringWriter();
        ImageDataset dataset = DatasetCommands.Load(
            requested: null, SampleOutput.Plain(log), defaultDirectory: Path.Combine(Path.GetTempPath(), "no-fashion-mnist-here"));

        Assert.Equal(2000, dataset.Train.Count);
        Assert.Equal(500, dataset.Test.Count);
        Assert.All(dataset.Train.ClassCounts(), count => Assert.Equal(200, count));
        Assert.All(dataset.Test.ClassCounts(), count => Assert.Equal(50, count));
        Assert.Equal((28, 28), (dataset.Train.Rows, dataset.Train.Columns));
        Assert.Contains("embedded Fashion-MNIST subset", log.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(DatasetCommands.SubsetDirectory, "NOTICE.md")));
    }
}
