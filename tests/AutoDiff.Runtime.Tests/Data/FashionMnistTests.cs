using AutoDiff.Data;
using Xunit;

namespace AutoDiff.Runtime.Tests.Data;

public sealed class FashionMnistTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "autodiff-fashion-" + Guid.NewGuid().ToString("N"));

    public FashionMnistTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteDataset(string name, int trainCount, int testCount, int rows = 28, bool gzip = true)
    {
        string directory = Path.Combine(_directory, name);
        Directory.CreateDirectory(directory);
        string suffix = gzip ? ".gz" : "";
        LabeledImagesTests.Make(trainCount, rows, 28, seed: 1).Save(
            Path.Combine(directory, FashionMnist.TrainImagesFile + suffix), Path.Combine(directory, FashionMnist.TrainLabelsFile + suffix), gzip);
        LabeledImagesTests.Make(testCount, rows, 28, seed: 2).Save(
            Path.Combine(directory, FashionMnist.TestImagesFile + suffix), Path.Combine(directory, FashionMnist.TestLabelsFile + suffix), gzip);
        return directory;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadsTheFourFilesPlainOrGzip(bool gzip)
    {
        string directory = WriteDataset("set", 30, 20, gzip: gzip);

        ImageDataset dataset = FashionMnist.Load(directory);

        Assert.True(FashionMnist.IsPresent(directory));
        Assert.Equal(30, dataset.Train.Count);
        Assert.Equal(20, dataset.Test.Count);
        Assert.Equal(10, dataset.Train.ClassCount);
        Assert.Equal(directory, dataset.Directory);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        string directory = WriteDataset("set", 10, 10);
        File.Delete(Path.Combine(directory, FashionMnist.TestLabelsFile + ".gz"));

        Assert.False(FashionMnist.IsPresent(directory));
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(directory));
        Assert.Contains("has no t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFolderIsRefused()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load(Path.Combine(_directory, "absent")));
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImagesThatAreNot28By28AreRefused()
    {
        string directory = WriteDataset("small", 10, 10, rows: 27);
        var e = Assert.Throws<IdxFormatException>(() => FashionMnist.Load(directory));
        Assert.Contains("holds 27 × 28 images; Fashion-MNIST images are 28 × 28", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedFileInTheSetIsRefused()
    {
        string directory = WriteDataset("set", 10, 10, gzip: false);
        string images = Path.Combine(directory, FashionMnist.TrainImagesFile);
        byte[] bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..^1]);

        var e = Assert.Throws<IdxFormatException>(() => FashionMnist.Load(directory));

        Assert.Contains("is truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsesTheDefaultFolderWhenPresentElseTheFallback()
    {
        string full = WriteDataset("full", 40, 20);
        string subset = WriteDataset("subset", 10, 5);

        ImageDataset fromDefault = FashionMnist.LoadRequestedDefaultOrFallback(null, full, subset, "the subset");
        ImageDataset fromFallback = FashionMnist.LoadRequestedDefaultOrFallback(null, Path.Combine(_directory, "absent"), subset, "the subset");
        ImageDataset fromRequest = FashionMnist.LoadRequestedDefaultOrFallback(subset, full, full, "unused");

        Assert.Equal(40, fromDefault.Train.Count);
        Assert.Contains("full set", fromDefault.Description, StringComparison.Ordinal);
        Assert.Equal(10, fromFallback.Train.Count);
        Assert.Equal("the subset", fromFallback.Description);
        Assert.Equal(10, fromRequest.Train.Count);
        Assert.Contains(subset, fromRequest.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestedFolderMustHoldTheFiles()
    {
        string subset = WriteDataset("subset", 10, 5);
        Assert.Throws<DirectoryNotFoundException>(() =>
            FashionMnist.LoadRequestedDefaultOrFallback(Path.Combine(_directory, "typo"), subset, subset, "subset"));
    }

    [Fact]
    public void InstalledFullSetHasTheDocumentedSizes()
    {
        if (!FashionMnist.IsPresent(FashionMnist.DefaultDirectory))
        {
            return; // Debian's dataset-fashion-mnist is not installed on this machine.
        }

        ImageDataset dataset = FashionMnist.Load(FashionMnist.DefaultDirectory);

        Assert.Equal(60000, dataset.Train.Count);
        Assert.Equal(10000, dataset.Test.Count);
        Assert.All(dataset.Train.ClassCounts(), count => Assert.Equal(6000, count));
        Assert.All(dataset.Test.ClassCounts(), count => Assert.Equal(1000, count));
        Assert.Equal(0.2860, dataset.Train.Pixels.Average(p => (double)p) / 255, precision: 3);
    }
}
