namespace AutoDiff.Checkpoints;

/// <summary>Collects the tensors and metadata entries of a checkpoint before <see cref="Checkpoint.Save"/> writes them.</summary>
/// <remarks>Tensors are referenced, not copied: they must not change until the save returns.</remarks>
public sealed class CheckpointWriter
{
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private readonly List<SafeTensorsEntry> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);
    private readonly List<ReadOnlyMemory<float>> _data = [];
    private long _dataLength;

    internal CheckpointWriter()
    {
    }

    internal IReadOnlyDictionary<string, string> Metadata => _metadata;

    internal IReadOnlyList<SafeTensorsEntry> Tensors => _tensors;

    internal IReadOnlyList<ReadOnlyMemory<float>> Data => _data;

    /// <summary>Adds a float32 tensor.</summary>
    /// <param name="name">The tensor's name, unique within the checkpoint.</param>
    /// <param name="shape">The tensor's dimensions; their product must equal the data's length.</param>
    /// <param name="data">The tensor's elements in row-major order.</param>
    /// <exception cref="ArgumentException">The name is taken or reserved, or the data does not match the shape.</exception>
    public void AddTensor(string name, ReadOnlySpan<int> shape, ReadOnlyMemory<float> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name == SafeTensorsFile.MetadataKey || !_tensorNames.Add(name))
        {
            throw new ArgumentException($"The checkpoint already has a tensor named '{name}', or the name is reserved.", nameof(name));
        }

        long elementCount = 1;
        var dimensions = new long[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            dimensions[i] = shape[i];
            elementCount *= shape[i];
        }

        if (elementCount != data.Length)
        {
            _tensorNames.Remove(name);
            throw new ArgumentException($"Tensor '{name}' has {data.Length} elements but its shape holds {elementCount}.", nameof(data));
        }

        long byteLength = (long)data.Length * sizeof(float);
        _tensors.Add(new SafeTensorsEntry(name, SafeTensorsDType.F32, dimensions, _dataLength, _dataLength + byteLength));
        _data.Add(data);
        _dataLength += byteLength;
    }

    /// <summary>Adds a metadata entry (safetensors keeps metadata as a string-to-string map).</summary>
    /// <param name="key">The key, unique within the checkpoint.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The key is already present or reserved.</exception>
    public void AddMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key == SafeTensorsFile.ChecksumKey || !_metadata.TryAdd(key, value))
        {
            throw new ArgumentException($"The checkpoint already has a metadata entry '{key}', or the key is reserved.", nameof(key));
        }
    }
}
