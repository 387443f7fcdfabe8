namespace AutoDiff.Data;

/// <summary>The training and test sets of an MNIST-format dataset, and where they were read from.</summary>
/// <param name="Train">The training images.</param>
/// <param name="Test">The test images.</param>
/// <param name="Directory">The folder the files were read from.</param>
/// <param name="Description">Which data this is, for messages (for example "Fashion-MNIST, full set").</param>
public sealed record ImageDataset(LabeledImages Train, LabeledImages Test, string Directory, string Description);

/// <summary>
/// Fashion-MNIST (Zalando Research, MIT licence): 28 × 28 grey-scale images of clothing in 10 classes, 60 000 for
/// training and 10 000 for testing, in MNIST's IDX format with MNIST's file names.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist/";

    /// <summary>The training image file name (a <c>.gz</c> variant is also accepted).</summary>
    public const string TrainImagesFile = "train-images-idx3-ubyte";

    /// <summary>The training label file name.</summary>
    public const string TrainLabelsFile = "train-labels-idx1-ubyte";

    /// <summary>The test image file name.</summary>
    public const string TestImagesFile = "t10k-images-idx3-ubyte";

    /// <summary>The test label file name.</summary>
    public const string TestLabelsFile = "t10k-labels-idx1-ubyte";

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Whether a folder holds the four files (plain or gzip).</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>Whether all four are present.</returns>
    public static bool IsPresent(string directory) =>
        Directory.Exists(directory) &&
        new[] { TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile }.All(name => Find(directory, name) is not null);

    /// <summary>Loads the four files from a folder, each as <c>name</c> or <c>name.gz</c>.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="description">Which data this is, for messages.</param>
    /// <returns>The training and test sets.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="IdxFormatException">A file is malformed or the images are not 28 × 28.</exception>
    public static ImageDataset Load(string directory, string description = "Fashion-MNIST")
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Dataset folder '{directory}' does not exist.");
        }

        LabeledImages train = LoadPair(directory, TrainImagesFile, TrainLabelsFile);
        LabeledImages test = LoadPair(directory, TestImagesFile, TestLabelsFile);
        return new ImageDataset(train, test, directory, description);
    }

    /// <summary>
    /// Finds the data to use: <paramref name="requested"/> when given (it must hold the files), else the full set in
    /// <paramref name="defaultDirectory"/> when all four files are there, else <paramref name="fallback"/> (for
    /// example a smaller embedded subset). The result's <see cref="ImageDataset.Description"/> says which was used.
    /// </summary>
    /// <param name="requested">A folder the user asked for, or <see langword="null"/>.</param>
    /// <param name="defaultDirectory">Where the full set is normally installed, usually <see cref="DefaultDirectory"/>.</param>
    /// <param name="fallback">The folder to use when the full set is absent.</param>
    /// <param name="fallbackDescription">How to describe the fallback data in messages.</param>
    /// <returns>The loaded data.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder that was chosen does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file is missing from the folder that was chosen.</exception>
    /// <exception cref="IdxFormatException">A file is malformed.</exception>
    public static ImageDataset LoadRequestedDefaultOrFallback(string? requested, string defaultDirectory, string fallback, string fallbackDescription)
    {
        ArgumentException.ThrowIfNullOrEmpty(defaultDirectory);
        ArgumentException.ThrowIfNullOrEmpty(fallback);
        if (requested is not null)
        {
            return Load(requested, $"Fashion-MNIST from {requested}");
        }

        return IsPresent(defaultDirectory)
            ? Load(defaultDirectory, $"Fashion-MNIST, full set ({defaultDirectory})")
            : Load(fallback, fallbackDescription);
    }

    private static LabeledImages LoadPair(string directory, string imagesName, string labelsName)
    {
        string images = Find(directory, imagesName)
            ?? throw new FileNotFoundException($"Dataset folder '{directory}' has no {imagesName} or {imagesName}.gz.", Path.Combine(directory, imagesName));
        string labels = Find(directory, labelsName)
            ?? throw new FileNotFoundException($"Dataset folder '{directory}' has no {labelsName} or {labelsName}.gz.", Path.Combine(directory, labelsName));
        LabeledImages set = LabeledImages.Load(images, labels, ClassNames.Count);
        if (set.Rows != 28 || set.Columns != 28)
        {
            throw new IdxFormatException($"'{images}' holds {set.Rows} × {set.Columns} images; Fashion-MNIST images are 28 × 28.");
        }

        return set;
    }

    private static string? Find(string directory, string name)
    {
        string plain = Path.Combine(directory, name);
        if (File.Exists(plain))
        {
            return plain;
        }

        string gzip = plain + ".gz";
        return File.Exists(gzip) ? gzip : null;
    }
}
