using AutoDiff.Data;
using Xunit;

namespace AutoDiff.Runtime.Tests.Data;

public sealed class LabeledImagesTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "autodiff-images-" + Guid.NewGuid().ToString("N"));

    public LabeledImagesTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    internal static LabeledImages Make(int count, int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * rows * columns];
        random.NextBytes(pixels);
        byte[] labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
        return new LabeledImages(rows, columns, pixels, labels, 10, "generated");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SaveThenLoadRoundTrips(bool gzip)
    {
        LabeledImages images = Make(count: 25, rows: 28, columns: 28, seed: 1);
        images.Save(PathOf("images"), PathOf("labels"), gzip);

        LabeledImages read = LabeledImages.Load(PathOf("images"), PathOf("labels"));

        Assert.Equal(25, read.Count);
        Assert.Equal((28, 28), (read.Rows, read.Columns));
        Assert.Equal(images.Pixels, read.Pixels);
        Assert.Equal(images.Labels, read.Labels);
        Assert.Equal(images.Pixels.AsSpan(3 * 784, 784).ToArray(), read.Image(3).ToArray());
        Assert.Equal(Enumerable.Repeat(3, 5).Concat(Enumerable.Repeat(2, 5)).ToArray(), read.ClassCounts());
        Assert.Contains(PathOf("images"), read.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void PixelsAsFloatsScaleToUnitInterval()
    {
        var images = new LabeledImages(1, 3, [0, 51, 255], [7], 10, "x");
        Assert.Equal([0f, 0.2f, 1f], images.PixelsAsFloats());
    }

    [Fact]
    public void CountMismatchBetweenImagesAndLabelsIsRefused()
    {
        Idx.WriteFile(PathOf("images"), new IdxArray([3, 2, 2], new byte[12]), gzip: false);
        Idx.WriteFile(PathOf("labels"), new IdxArray([4], new byte[4]), gzip: true);

        var e = Assert.Throws<IdxFormatException>(() => LabeledImages.Load(PathOf("images"), PathOf("labels")));

        Assert.Contains("has 3 images but", e.Message, StringComparison.Ordinal);
        Assert.Contains("has 4 labels; they must be a matching pair", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SwappedFilesAreRefused()
    {
        Make(4, 2, 2, seed: 2).Save(PathOf("images"), PathOf("labels"), gzip: true);

        var e = Assert.Throws<IdxFormatException>(() => LabeledImages.Load(PathOf("labels"), PathOf("images")));

        Assert.Contains("has 1 dimensions", e.Message, StringComparison.Ordinal);
        Assert.Contains("wrong file of the pair", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelOutOfRangeIsRefused()
    {
        Idx.WriteFile(PathOf("images"), new IdxArray([3, 2, 2], new byte[12]), gzip: false);
        Idx.WriteFile(PathOf("labels"), new IdxArray([3], [1, 10, 2]), gzip: false);

        var e = Assert.Throws<IdxFormatException>(() => LabeledImages.Load(PathOf("images"), PathOf("labels")));

        Assert.Contains("label 1 is 10, outside the classes 0 … 9", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroSizedImagesAreRefused()
    {
        Idx.WriteFile(PathOf("images"), new IdxArray([3, 0, 2], []), gzip: false);
        Idx.WriteFile(PathOf("labels"), new IdxArray([3], [1, 2, 3]), gzip: false);

        var e = Assert.Throws<IdxFormatException>(() => LabeledImages.Load(PathOf("images"), PathOf("labels")));

        Assert.Contains("declares images of 0 × 2 pixels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConstructorChecksSizesAndLabels()
    {
        Assert.Throws<ArgumentException>(() => new LabeledImages(2, 2, new byte[7], new byte[2], 10, "x"));
        Assert.Throws<ArgumentException>(() => new LabeledImages(2, 2, new byte[8], [0, 3], 3, "x"));
    }

    [Fact]
    public void SelectKeepsTheChosenImagesInOrder()
    {
        LabeledImages images = Make(10, 2, 3, seed: 3);
        LabeledImages subset = images.Select([7, 2], "subset");
        Assert.Equal(2, subset.Count);
        Assert.Equal(images.Image(7).ToArray(), subset.Image(0).ToArray());
        Assert.Equal(images.Image(2).ToArray(), subset.Image(1).ToArray());
        Assert.Equal([images.Labels[7], images.Labels[2]], subset.Labels);
    }
}
