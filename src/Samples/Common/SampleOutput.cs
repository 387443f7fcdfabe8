using AutoDiff.Training;
using Spectre.Console;

namespace AutoDiff.Samples.Common;

/// <summary>Where a sample writes: the console (progress and summary), the plot folder, and the progress style.</summary>
public sealed class SampleOutput
{
    /// <summary>Creates an output.</summary>
    /// <param name="console">The console for progress lines, tables and the summary.</param>
    /// <param name="directory">The folder for plots, created on demand; <see langword="null"/> writes no files.</param>
    /// <param name="progress">How the trainer shows progress.</param>
    public SampleOutput(IAnsiConsole console, string? directory, ProgressMode progress = ProgressMode.Auto)
    {
        ArgumentNullException.ThrowIfNull(console);
        Console = console;
        Directory = directory;
        Progress = progress;
    }

    /// <summary>Gets the console.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Gets the plot folder, or <see langword="null"/> for none.</summary>
    public string? Directory { get; }

    /// <summary>Gets how the trainer shows progress.</summary>
    public ProgressMode Progress { get; }

    /// <summary>An output that prints to <paramref name="writer"/> without colours or live displays (tests, logs).</summary>
    /// <param name="writer">Where the text goes; <see cref="TextWriter.Null"/> to discard it.</param>
    /// <param name="directory">The plot folder, or <see langword="null"/> for none.</param>
    /// <returns>The output.</returns>
    public static SampleOutput Plain(TextWriter writer, string? directory = null)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 120;
        return new SampleOutput(console, directory, ProgressMode.None);
    }

    /// <summary>Returns the path for a file in the plot folder, creating the folder, or <see langword="null"/> when plots are off.</summary>
    /// <param name="fileName">The file name.</param>
    /// <returns>The full path, or <see langword="null"/>.</returns>
    public string? FilePath(string fileName)
    {
        if (Directory is null)
        {
            return null;
        }

        System.IO.Directory.CreateDirectory(Directory);
        return Path.GetFullPath(Path.Combine(Directory, fileName));
    }

    /// <summary>Prints a section heading.</summary>
    /// <param name="title">The heading.</param>
    public void Heading(string title)
    {
        Console.WriteLine();
        Console.MarkupLine($"[bold underline]{Markup.Escape(title)}[/]");
    }

    /// <summary>Prints a line of text (not markup).</summary>
    /// <param name="text">The text.</param>
    public void Line(string text = "") => Console.WriteLine(text);

    /// <summary>Prints where a file was written.</summary>
    /// <param name="what">What the file shows.</param>
    /// <param name="path">The file.</param>
    public void Wrote(string what, string? path)
    {
        if (path is not null)
        {
            Console.MarkupLine($"[grey]{Markup.Escape(what)}:[/] {Markup.Escape(path)}");
        }
    }
}
