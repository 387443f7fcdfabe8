using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AutoDiff.Checkpoints;

/// <summary>The element types of the safetensors format, named as in its header.</summary>
internal enum SafeTensorsDType
{
    BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, I64, U64, F64,
}

/// <summary>One tensor's header entry; offsets are relative to the start of the data section.</summary>
internal sealed record SafeTensorsEntry(string Name, SafeTensorsDType DType, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (count, dimension) => checked(count * dimension));
}

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// (padded with spaces to a multiple of 8, so the data is 8-byte aligned), then the tensors' raw little-endian bytes,
/// contiguous and without holes. The JSON maps each tensor name to <c>{"dtype", "shape", "data_offsets"}</c> and the
/// optional key <c>__metadata__</c> to a string-to-string map.
/// </summary>
/// <remarks>
/// Our files add <c>autodiff.checksum</c> to the metadata: the SHA-256 of a canonical description of every tensor
/// entry and every other metadata entry, followed by the data section. A changed byte anywhere that the header's
/// structure does not already catch changes the checksum.
/// </remarks>
internal sealed class SafeTensorsFile
{
    public const string MetadataKey = "__metadata__";
    public const string ChecksumKey = "autodiff.checksum";
    private const string ChecksumPrefix = "sha256:";
    private const long MaximumHeaderLength = 100_000_000;

    private static readonly Dictionary<string, SafeTensorsDType> s_dtypesByName =
        Enum.GetValues<SafeTensorsDType>().ToDictionary(dtype => dtype.ToString(), StringComparer.Ordinal);

    private readonly byte[] _bytes;
    private readonly long _dataStart;

    private SafeTensorsFile(byte[] bytes, long dataStart, Dictionary<string, SafeTensorsEntry> tensors, Dictionary<string, string> metadata)
    {
        _bytes = bytes;
        _dataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
    }

    public IReadOnlyDictionary<string, SafeTensorsEntry> Tensors { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public bool HasChecksum => Metadata.ContainsKey(ChecksumKey);

    public ReadOnlySpan<byte> GetData(SafeTensorsEntry entry) =>
        _bytes.AsSpan((int)(_dataStart + entry.Begin), (int)(entry.End - entry.Begin));

    public static int ElementSize(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.BOOL or SafeTensorsDType.U8 or SafeTensorsDType.I8 or SafeTensorsDType.F8_E5M2 or SafeTensorsDType.F8_E4M3 => 1,
        SafeTensorsDType.I16 or SafeTensorsDType.U16 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.I32 or SafeTensorsDType.U32 or SafeTensorsDType.F32 => 4,
        _ => 8,
    };

    /// <summary>Writes a file atomically: to a temporary file in the same folder, flushed to disk, then renamed over <paramref name="path"/>.</summary>
    public static void Write(
        string path,
        IReadOnlyList<SafeTensorsEntry> entries,
        IReadOnlyList<ReadOnlyMemory<float>> data,
        IReadOnlyDictionary<string, string> metadata)
    {
        RequireLittleEndian();
        var fullMetadata = new Dictionary<string, string>(metadata, StringComparer.Ordinal)
        {
            [ChecksumKey] = ComputeChecksum(entries, metadata, data.Select(d => (ByteSource)(() => MemoryMarshal.AsBytes(d.Span)))),
        };
        byte[] header = BuildHeader(entries, fullMetadata);

        string fullPath = Path.GetFullPath(path);
        string temporaryPath = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (ReadOnlyMemory<float> tensor in data)
                {
                    stream.Write(MemoryMarshal.AsBytes(tensor.Span));
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temporaryPath, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporaryPath);
            throw;
        }
    }

    /// <summary>Reads a whole file and validates its structure and, when present or required, its checksum.</summary>
    public static SafeTensorsFile Read(string path, bool requireChecksum)
    {
        RequireLittleEndian();
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException exception) when (exception is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new CheckpointException($"Cannot read checkpoint '{path}': {exception.Message}", exception);
        }

        string Fail(string problem) => $"Checkpoint '{path}' is damaged or not a safetensors file: {problem}";

        if (bytes.Length < 8)
        {
            throw new CheckpointException(Fail($"it has {bytes.Length} bytes, fewer than the 8-byte header length (truncated)."));
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaximumHeaderLength || headerLength > (ulong)(bytes.Length - 8))
        {
            throw new CheckpointException(Fail($"the header claims {headerLength} bytes but the file has {bytes.Length - 8} after the length (truncated?)."));
        }

        long dataStart = 8 + (long)headerLength;
        long dataLength = bytes.Length - dataStart;
        Dictionary<string, SafeTensorsEntry> tensors;
        Dictionary<string, string> metadata;
        try
        {
            (tensors, metadata) = ParseHeader(bytes.AsMemory(8, (int)headerLength));
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException or OverflowException or ArgumentException or KeyNotFoundException)
        {
            throw new CheckpointException(Fail($"its header is not valid ({exception.Message})."), exception);
        }

        long expectedOffset = 0;
        foreach (SafeTensorsEntry entry in tensors.Values.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            long byteLength;
            try
            {
                byteLength = checked(entry.ElementCount * ElementSize(entry.DType));
            }
            catch (OverflowException exception)
            {
                throw new CheckpointException(Fail($"tensor '{entry.Name}' has an impossible shape."), exception);
            }

            if (entry.Begin != expectedOffset || entry.End - entry.Begin != byteLength)
            {
                throw new CheckpointException(Fail(
                    $"tensor '{entry.Name}' ({entry.DType} [{string.Join(", ", entry.Shape)}], {byteLength} bytes) has data offsets " +
                    $"[{entry.Begin}, {entry.End}]; the tensors must be contiguous, without holes or overlaps."));
            }

            expectedOffset = entry.End;
        }

        if (expectedOffset != dataLength)
        {
            throw new CheckpointException(Fail(
                $"the header describes {expectedOffset} bytes of tensor data but the file holds {dataLength}" +
                (expectedOffset > dataLength ? " (truncated)." : " (trailing bytes).")));
        }

        var file = new SafeTensorsFile(bytes, dataStart, tensors, metadata);
        if (metadata.TryGetValue(ChecksumKey, out string? storedChecksum))
        {
            var others = metadata.Where(pair => pair.Key != ChecksumKey).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
            SafeTensorsEntry[] ordered = tensors.Values.OrderBy(e => e.Begin).ThenBy(e => e.End).ToArray();
            string actual = ComputeChecksum(ordered, others, [() => bytes.AsSpan((int)dataStart)]);
            if (!string.Equals(actual, storedChecksum, StringComparison.Ordinal))
            {
                throw new CheckpointException(Fail($"its checksum does not match (stored {storedChecksum}, computed {actual})."));
            }
        }
        else if (requireChecksum)
        {
            throw new CheckpointException($"Checkpoint '{path}' has no '{ChecksumKey}' metadata entry, so it cannot be verified.");
        }

        return file;
    }

    private static (Dictionary<string, SafeTensorsEntry> Tensors, Dictionary<string, string> Metadata) ParseHeader(ReadOnlyMemory<byte> header)
    {
        using JsonDocument document = JsonDocument.Parse(header);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("the header is not a JSON object");
        }

        var tensors = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        bool sawMetadata = false;
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            if (property.Name == MetadataKey)
            {
                if (sawMetadata || property.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException("__metadata__ is repeated or not an object");
                }

                sawMetadata = true;
                foreach (JsonProperty item in property.Value.EnumerateObject())
                {
                    if (!metadata.TryAdd(item.Name, item.Value.GetString() ?? throw new FormatException($"metadata '{item.Name}' is null")))
                    {
                        throw new FormatException($"metadata key '{item.Name}' is repeated");
                    }
                }

                continue;
            }

            JsonElement value = property.Value;
            string dtypeName = value.GetProperty("dtype").GetString() ?? string.Empty;
            if (!s_dtypesByName.TryGetValue(dtypeName, out SafeTensorsDType dtype))
            {
                throw new FormatException($"tensor '{property.Name}' has an unknown dtype");
            }

            long[] shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            long[] offsets = value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (shape.Any(d => d < 0) || offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
            {
                throw new FormatException($"tensor '{property.Name}' has a negative dimension or invalid data offsets");
            }

            if (!tensors.TryAdd(property.Name, new SafeTensorsEntry(property.Name, dtype, shape, offsets[0], offsets[1])))
            {
                throw new FormatException($"tensor '{property.Name}' is repeated");
            }
        }

        return (tensors, metadata);
    }

    private static byte[] BuildHeader(IReadOnlyList<SafeTensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataKey);
            foreach (KeyValuePair<string, string> pair in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WriteString(pair.Key, pair.Value);
            }

            json.WriteEndObject();
            foreach (SafeTensorsEntry entry in entries)
            {
                json.WriteStartObject(entry.Name);
                json.WriteString("dtype", entry.DType.ToString());
                json.WriteStartArray("shape");
                foreach (long dimension in entry.Shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(entry.Begin);
                json.WriteNumberValue(entry.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        byte[] header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static string ComputeChecksum(
        IEnumerable<SafeTensorsEntry> entriesInDataOrder,
        IReadOnlyDictionary<string, string> metadataWithoutChecksum,
        IEnumerable<ByteSource> dataParts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];

        void AppendNumber(long value, Span<byte> scratch)
        {
            BinaryPrimitives.WriteInt64LittleEndian(scratch, value);
            hash.AppendData(scratch);
        }

        void AppendString(string value, Span<byte> scratch)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(value);
            AppendNumber(utf8.Length, scratch);
            hash.AppendData(utf8);
        }

        foreach (SafeTensorsEntry entry in entriesInDataOrder)
        {
            AppendString(entry.Name, number);
            AppendString(entry.DType.ToString(), number);
            AppendNumber(entry.Shape.Length, number);
            foreach (long dimension in entry.Shape)
            {
                AppendNumber(dimension, number);
            }

            AppendNumber(entry.Begin, number);
            AppendNumber(entry.End, number);
        }

        foreach (KeyValuePair<string, string> pair in metadataWithoutChecksum.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            AppendString(pair.Key, number);
            AppendString(pair.Value, number);
        }

        foreach (ByteSource part in dataParts)
        {
            hash.AppendData(part());
        }

        return ChecksumPrefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private delegate ReadOnlySpan<byte> ByteSource();

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Checkpoints are only supported on little-endian machines.");
        }
    }
}
