using System.Buffers.Binary;
using System.IO.Compression;

namespace AutoDiff.Data;

/// <summary>
/// Reads and writes IDX files of unsigned bytes, the format of MNIST and Fashion-MNIST, plain or gzip-compressed.
/// </summary>
/// <remarks>
/// <para>
/// An IDX file is a header — two zero bytes, an element-type code (<c>0x08</c> for unsigned bytes), the number of
/// dimensions — then each dimension as a big-endian 32-bit integer, then the elements in row-major order. MNIST
/// images are <c>00 00 08 03</c> with dimensions count × rows × columns; labels are <c>00 00 08 01</c> with one
/// dimension.
/// </para>
/// <para>
/// Reading is strict: a wrong magic number, another element type, an unexpected number of dimensions, a file
/// shorter or longer than its header says, or a damaged gzip stream throws <see cref="IdxFormatException"/> with a
/// message naming the file, and nothing is returned. Gzip is recognised by its signature (<c>1F 8B</c>), not by the
/// file name.
/// </para>
/// </remarks>
public static class Idx
{
    /// <summary>The element-type code for unsigned bytes.</summary>
    public const byte UnsignedByteType = 0x08;

    private const int HeaderPrefixLength = 4;

    /// <summary>Reads an IDX file of unsigned bytes.</summary>
    /// <param name="path">The file, plain or gzip-compressed.</param>
    /// <param name="expectedDimensions">The number of dimensions required (3 for images, 1 for labels), or <see langword="null"/> for any.</param>
    /// <returns>The dimensions and data.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IdxFormatException">The file is not a valid IDX file of unsigned bytes with the expected dimensions.</exception>
    public static IdxArray ReadFile(string path, int? expectedDimensions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        }

        using FileStream stream = File.OpenRead(path);
        return Read(stream, path, expectedDimensions);
    }

    /// <summary>Reads an IDX array of unsigned bytes from a stream, plain or gzip-compressed, to its end.</summary>
    /// <param name="stream">The stream, positioned at the start of the file.</param>
    /// <param name="name">The name used in error messages (a file path).</param>
    /// <param name="expectedDimensions">The number of dimensions required, or <see langword="null"/> for any.</param>
    /// <returns>The dimensions and data.</returns>
    /// <exception cref="IdxFormatException">The stream does not hold a valid IDX array with the expected dimensions.</exception>
    public static IdxArray Read(Stream stream, string name, int? expectedDimensions = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        Span<byte> signature = stackalloc byte[2];
        int signatureLength = ReadUpTo(stream, signature, name, compressed: false);
        Stream source = signatureLength == 2 && signature[0] == 0x1F && signature[1] == 0x8B
            ? new GZipStream(new PrefixedStream(signature.ToArray(), stream), CompressionMode.Decompress, leaveOpen: true)
            : new PrefixedStream(signature[..signatureLength].ToArray(), stream);
        bool compressed = source is GZipStream;
        try
        {
            return ReadDecoded(source, compressed ? $"{name} (gzip)" : name, compressed, expectedDimensions);
        }
        finally
        {
            source.Dispose();
        }
    }

    /// <summary>Writes an IDX file of unsigned bytes.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="array">The dimensions and data.</param>
    /// <param name="gzip">Whether to gzip-compress the file.</param>
    public static void WriteFile(string path, IdxArray array, bool gzip)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = File.Create(path);
        Write(stream, array, gzip);
    }

    /// <summary>Writes an IDX array of unsigned bytes to a stream.</summary>
    /// <param name="stream">The destination; left open.</param>
    /// <param name="array">The dimensions and data.</param>
    /// <param name="gzip">Whether to gzip-compress what is written.</param>
    public static void Write(Stream stream, IdxArray array, bool gzip)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        Stream target = gzip ? new GZipStream(stream, CompressionLevel.SmallestSize, leaveOpen: true) : stream;
        try
        {
            ReadOnlySpan<int> dimensions = array.Dimensions;
            var header = new byte[HeaderPrefixLength + 4 * dimensions.Length];
            header[2] = UnsignedByteType;
            header[3] = (byte)dimensions.Length;
            for (int i = 0; i < dimensions.Length; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(HeaderPrefixLength + 4 * i), dimensions[i]);
            }

            target.Write(header);
            target.Write(array.Data);
        }
        finally
        {
            if (gzip)
            {
                target.Dispose();
            }
        }
    }

    private static IdxArray ReadDecoded(Stream stream, string name, bool compressed, int? expectedDimensions)
    {
        Span<byte> prefix = stackalloc byte[HeaderPrefixLength];
        int read = ReadUpTo(stream, prefix, name, compressed);
        if (read < HeaderPrefixLength)
        {
            throw new IdxFormatException($"'{name}' is not an IDX file: it has {read} bytes, fewer than the 4-byte magic number.");
        }

        if (prefix[0] != 0 || prefix[1] != 0)
        {
            throw new IdxFormatException(
                $"'{name}' is not an IDX file: its magic number {Hex(prefix)} does not start with two zero bytes " +
                "(expected 00 00 08 03 for images, 00 00 08 01 for labels).");
        }

        if (prefix[2] != UnsignedByteType)
        {
            throw new IdxFormatException(
                $"'{name}' has element type 0x{prefix[2]:X2} (magic number {Hex(prefix)}); only unsigned bytes (0x08) are supported.");
        }

        int rank = prefix[3];
        if (rank == 0 || (expectedDimensions is int expected && rank != expected))
        {
            string wanted = expectedDimensions is int e ? $"{e} ({(e == 3 ? "images: count, rows, columns" : e == 1 ? "labels: count" : "as requested")})" : "at least 1";
            throw new IdxFormatException(
                $"'{name}' has {rank} dimensions (magic number {Hex(prefix)}), expected {wanted}. Is it the wrong file of the pair?");
        }

        Span<byte> dimensionBytes = stackalloc byte[4 * rank];
        read = ReadUpTo(stream, dimensionBytes, name, compressed);
        if (read < dimensionBytes.Length)
        {
            throw new IdxFormatException(
                $"'{name}' is truncated: its header declares {rank} dimensions ({4 * rank} bytes) but only {read} bytes follow the magic number.");
        }

        var dimensions = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(dimensionBytes[(4 * i)..]);
            if (dimensions[i] < 0)
            {
                throw new IdxFormatException($"'{name}' declares a negative size ({dimensions[i]}) for dimension {i}.");
            }

            count *= dimensions[i];
            if (count > Array.MaxLength)
            {
                throw new IdxFormatException($"'{name}' declares dimensions [{string.Join(", ", dimensions[..(i + 1)])}, …], more bytes than can be loaded.");
            }
        }

        if (!compressed && stream.CanSeek)
        {
            // A plain file's size is known: refuse a wrong one before allocating anything.
            long dataLength = stream.Length - stream.Position;
            if (dataLength != count)
            {
                throw new IdxFormatException(SizeMismatch(name, dimensions, count, dataLength));
            }
        }

        var data = new byte[count];
        read = ReadUpTo(stream, data, name, compressed);
        if (read < count)
        {
            throw new IdxFormatException(SizeMismatch(name, dimensions, count, read));
        }

        Span<byte> extra = stackalloc byte[1];
        if (ReadUpTo(stream, extra, name, compressed) != 0)
        {
            long trailing = 1;
            var buffer = new byte[81920];
            int n;
            while ((n = ReadUpTo(stream, buffer, name, compressed)) > 0)
            {
                trailing += n;
            }

            throw new IdxFormatException(SizeMismatch(name, dimensions, count, count + trailing));
        }

        return new IdxArray(dimensions, data);
    }

    private static string SizeMismatch(string name, int[] dimensions, long expected, long actual) =>
        actual < expected
            ? $"'{name}' is truncated: its header declares [{string.Join(" × ", dimensions)}] = {expected} bytes of data but only {actual} follow."
            : $"'{name}' is longer than its header says: [{string.Join(" × ", dimensions)}] = {expected} bytes of data, but {actual} follow.";

    private static int ReadUpTo(Stream stream, Span<byte> buffer, string name, bool compressed)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = stream.Read(buffer[total..]);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }
        catch (InvalidDataException e) when (compressed)
        {
            throw new IdxFormatException($"'{name}' is not a valid gzip stream or is damaged: {e.Message}", e);
        }

        return total;
    }

    private static string Hex(ReadOnlySpan<byte> bytes) =>
        string.Join(' ', bytes.ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A read-only stream that returns already-read bytes before the rest of another stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position - (prefix.Length - _position);
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }

            return inner.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
