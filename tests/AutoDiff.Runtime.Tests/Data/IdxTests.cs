using System.IO.Compression;
using AutoDiff.Data;
using Xunit;

namespace AutoDiff.Runtime.Tests.Data;

public sealed class IdxTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "autodiff-idx-" + Guid.NewGuid().ToString("N"));

    public IdxTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>An IDX file written by hand, independently of <see cref="Idx.Write"/>.</summary>
    private static byte[] HandMade(byte type, int[] dimensions, byte[] data)
    {
        var bytes = new List<byte> { 0, 0, type, (byte)dimensions.Length };
        foreach (int d in dimensions)
        {
            bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        }

        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return memory.ToArray();
    }

    private IdxFormatException Refused(byte[] fileBytes, int? expectedDimensions = null)
    {
        string path = PathOf("bad-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, fileBytes);
        var e = Assert.Throws<IdxFormatException>(() => Idx.ReadFile(path, expectedDimensions));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        return e;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteThenReadRoundTripsImagesAndLabels(bool gzip)
    {
        byte[] pixels = RandomBytes(3 * 4 * 5, seed: 1);
        string path = PathOf(gzip ? "images.gz" : "images");
        Idx.WriteFile(path, new IdxArray([3, 4, 5], pixels), gzip);

        IdxArray read = Idx.ReadFile(path, expectedDimensions: 3);

        Assert.Equal([3, 4, 5], read.Dimensions.ToArray());
        Assert.Equal(pixels, read.Data);
        Assert.Equal(gzip, File.ReadAllBytes(path) is [0x1F, 0x8B, ..]);
    }

    [Fact]
    public void ReadsHandMadeFilesPlainAndGzipAlike()
    {
        byte[] data = RandomBytes(2 * 3 * 2, seed: 2);
        byte[] file = HandMade(0x08, [2, 3, 2], data);
        IdxArray plain = Idx.Read(new MemoryStream(file), "plain");
        IdxArray compressed = Idx.Read(new MemoryStream(Gzip(file)), "compressed");

        Assert.Equal([2, 3, 2], plain.Dimensions.ToArray());
        Assert.Equal(data, plain.Data);
        Assert.Equal([2, 3, 2], compressed.Dimensions.ToArray());
        Assert.Equal(data, compressed.Data);
    }

    [Fact]
    public void GzipIsRecognisedByContentNotName()
    {
        byte[] file = HandMade(0x08, [4], [0, 1, 2, 3]);
        File.WriteAllBytes(PathOf("compressed-without-extension"), Gzip(file));
        File.WriteAllBytes(PathOf("plain-with-extension.gz"), file);

        Assert.Equal([0, 1, 2, 3], Idx.ReadFile(PathOf("compressed-without-extension")).Data);
        Assert.Equal([0, 1, 2, 3], Idx.ReadFile(PathOf("plain-with-extension.gz")).Data);
    }

    [Fact]
    public void EmptyArrayRoundTrips()
    {
        Idx.WriteFile(PathOf("empty"), new IdxArray([0, 28, 28], []), gzip: true);
        IdxArray read = Idx.ReadFile(PathOf("empty"), 3);
        Assert.Equal([0, 28, 28], read.Dimensions.ToArray());
        Assert.Empty(read.Data);
    }

    [Fact]
    public void MissingFileIsRefused()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Idx.ReadFile(PathOf("nowhere")));
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BadMagicIsRefused(bool gzip)
    {
        byte[] file = HandMade(0x08, [2], [1, 2]);
        file[0] = 0x12;
        IdxFormatException e = Refused(gzip ? Gzip(file) : file);
        Assert.Contains("is not an IDX file", e.Message, StringComparison.Ordinal);
        Assert.Contains("magic number 12 00 08 01", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextFileIsRefusedAsBadMagic()
    {
        IdxFormatException e = Refused("hello, world\n"u8.ToArray());
        Assert.Contains("is not an IDX file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherElementTypesAreRefused()
    {
        IdxFormatException e = Refused(HandMade(0x0D, [1], [0, 0, 0, 0]));
        Assert.Contains("element type 0x0D", e.Message, StringComparison.Ordinal);
        Assert.Contains("only unsigned bytes (0x08)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongNumberOfDimensionsIsRefused()
    {
        // A label file (one dimension) given where an image file (three) is expected.
        IdxFormatException e = Refused(HandMade(0x08, [3], [1, 2, 3]), expectedDimensions: 3);
        Assert.Contains("has 1 dimensions", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected 3 (images: count, rows, columns)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroDimensionsAreRefused()
    {
        IdxFormatException e = Refused([0, 0, 8, 0]);
        Assert.Contains("has 0 dimensions", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeDimensionIsRefused()
    {
        IdxFormatException e = Refused([0, 0, 8, 1, 0xFF, 0xFF, 0xFF, 0xFE]);
        Assert.Contains("negative size (-2)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeDimensionsAreRefusedBeforeAllocating()
    {
        IdxFormatException e = Refused(HandMade(0x08, [60000, 60000, 28], []));
        Assert.Contains("more bytes than can be loaded", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void FileShorterThanTheMagicNumberIsRefused(int length)
    {
        IdxFormatException e = Refused(new byte[length]);
        Assert.Contains($"it has {length} bytes, fewer than the 4-byte magic number", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedHeaderIsRefused(bool gzip)
    {
        byte[] file = HandMade(0x08, [10, 28, 28], new byte[10 * 28 * 28])[..10];
        IdxFormatException e = Refused(gzip ? Gzip(file) : file);
        Assert.Contains("is truncated: its header declares 3 dimensions (12 bytes) but only 6 bytes follow", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedDataIsRefused(bool gzip)
    {
        byte[] file = HandMade(0x08, [10, 28, 28], RandomBytes(10 * 28 * 28, 3));
        byte[] truncated = file[..^100];
        IdxFormatException e = Refused(gzip ? Gzip(truncated) : truncated);
        Assert.Contains("is truncated: its header declares [10 × 28 × 28] = 7840 bytes of data but only 7740 follow", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedGzipStreamIsRefused()
    {
        byte[] compressed = Gzip(HandMade(0x08, [10, 28, 28], RandomBytes(10 * 28 * 28, 4)));
        IdxFormatException e = Refused(compressed[..(compressed.Length / 2)]);
        Assert.Matches("is truncated|damaged", e.Message);
    }

    [Fact]
    public void DamagedGzipStreamIsRefused()
    {
        byte[] compressed = Gzip(HandMade(0x08, [10, 28, 28], RandomBytes(10 * 28 * 28, 5)));
        for (int i = 10; i < compressed.Length - 8; i += 7)
        {
            compressed[i] ^= 0x5A;
        }

        IdxFormatException e = Refused(compressed);
        Assert.Contains("(gzip)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TrailingBytesAreRefused(bool gzip)
    {
        byte[] file = [.. HandMade(0x08, [2, 2, 2], new byte[8]), 1, 2, 3];
        IdxFormatException e = Refused(gzip ? Gzip(file) : file);
        Assert.Contains("is longer than its header says: [2 × 2 × 2] = 8 bytes of data, but 11 follow", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdxArrayChecksItsLength()
    {
        Assert.Throws<ArgumentException>(() => new IdxArray([2, 3], new byte[5]));
        Assert.Throws<ArgumentException>(() => new IdxArray([], []));
        Assert.Throws<ArgumentException>(() => new IdxArray([-1], []));
    }
}
