using AutoDiff.Data;
using AutoDiff.Samples.Common;
using Spectre.Console;

namespace AutoDiff.Samples.Data;

/// <summary>
/// Finding Fashion-MNIST (the full set installed by Debian's <c>dataset-fashion-mnist</c>, a folder given with
/// <c>--data</c>, or the subset committed under <c>src/Samples/Data/fashion-mnist-subset</c>) and making that subset.
/// </summary>
public static class DatasetCommands
{
    /// <summary>The embedded subset's folder name, next to the samples' executable.</summary>
    public const string SubsetFolder = "fashion-mnist-subset";

    /// <summary>Gets the embedded subset's folder in the build output.</summary>
    public static string SubsetDirectory => Path.Combine(AppContext.BaseDirectory, "Data", SubsetFolder);

    /// <summary>Loads <paramref name="requested"/>, else the installed full set, else the embedded subset, and says which.</summary>
    /// <param name="requested">The <c>--data</c> folder, or <see langword="null"/>.</param>
    /// <param name="output">Where to say which data was used.</param>
    /// <param name="defaultDirectory">Where the full set is looked for (tests point it elsewhere).</param>
    /// <returns>The dataset.</returns>
    public static ImageDataset Load(string? requested, SampleOutput output, string defaultDirectory = AutoDiff.Data.FashionMnist.DefaultDirectory)
    {
        ArgumentNullException.ThrowIfNull(output);
        ImageDataset dataset = AutoDiff.Data.FashionMnist.LoadRequestedDefaultOrFallback(
            requested, defaultDirectory, SubsetDirectory,
            $"embedded Fashion-MNIST subset ({SubsetDirectory}); install dataset-fashion-mnist or pass --data DIR for the full set");
        output.Line($"data: {dataset.Description}");
        output.Line($"      {dataset.Train.Count} training and {dataset.Test.Count} test images of {dataset.Train.Rows} × {dataset.Train.Columns}");
        return dataset;
    }

    /// <summary>The <c>data</c> command: loads the dataset and prints its class counts.</summary>
    /// <param name="requested">The <c>--data</c> folder, or <see langword="null"/>.</param>
    /// <param name="output">Where to print.</param>
    /// <param name="defaultDirectory">Where the full set is looked for (tests point it elsewhere).</param>
    /// <returns>The dataset.</returns>
    public static ImageDataset Describe(string? requested, SampleOutput output, string defaultDirectory = AutoDiff.Data.FashionMnist.DefaultDirectory)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Heading("Fashion-MNIST: which data is used, and what it holds");
        ImageDataset dataset = Load(requested, output, defaultDirectory);
        int[] train = dataset.Train.ClassCounts(), test = dataset.Test.ClassCounts();
        var table = new Table().AddColumns("label", "class", "train", "test");
        for (int c = 0; c < AutoDiff.Data.FashionMnist.ClassNames.Count; c++)
        {
            table.AddRow(c.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(AutoDiff.Data.FashionMnist.ClassNames[c]), train[c].ToString(System.Globalization.CultureInfo.InvariantCulture), test[c].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        output.Console.Write(table);
        double mean = dataset.Train.Pixels.Average(p => (double)p) / 255;
        output.Line($"mean training pixel {Format.Fmt(mean)} (0 = background, 1 = ink)");
        return dataset;
    }

    /// <summary>
    /// The <c>make-subset</c> command: writes the first <paramref name="trainPerClass"/> training and
    /// <paramref name="testPerClass"/> test images of each class, in file order, as gzip IDX files.
    /// </summary>
    /// <param name="source">The full dataset's folder.</param>
    /// <param name="destination">The folder to write.</param>
    /// <param name="trainPerClass">Training images per class.</param>
    /// <param name="testPerClass">Test images per class.</param>
    /// <param name="output">Where to print.</param>
    public static void MakeSubset(string source, string destination, int trainPerClass, int testPerClass, SampleOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ImageDataset full = AutoDiff.Data.FashionMnist.Load(source);
        Directory.CreateDirectory(destination);
        LabeledImages train = Balanced(full.Train, trainPerClass, "subset of " + full.Train.Source);
        LabeledImages test = Balanced(full.Test, testPerClass, "subset of " + full.Test.Source);
        train.Save(
            Path.Combine(destination, AutoDiff.Data.FashionMnist.TrainImagesFile + ".gz"), Path.Combine(destination, AutoDiff.Data.FashionMnist.TrainLabelsFile + ".gz"), gzip: true);
        test.Save(
            Path.Combine(destination, AutoDiff.Data.FashionMnist.TestImagesFile + ".gz"), Path.Combine(destination, AutoDiff.Data.FashionMnist.TestLabelsFile + ".gz"), gzip: true);
        output.Line($"wrote {train.Count} training and {test.Count} test images ({trainPerClass} and {testPerClass} per class) to {destination}");
    }

    private static LabeledImages Balanced(LabeledImages set, int perClass, string description)
    {
        var taken = new int[set.ClassCount];
        var indices = new List<int>();
        for (int i = 0; i < set.Count; i++)
        {
            if (taken[set.Labels[i]] < perClass)
            {
                taken[set.Labels[i]]++;
                indices.Add(i);
            }
        }

        if (taken.Any(count => count < perClass))
        {
            throw new InvalidOperationException($"{set.Source} has fewer than {perClass} images of some class.");
        }

        return set.Select(indices, description);
    }
}
