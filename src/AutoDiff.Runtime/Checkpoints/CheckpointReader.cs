using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace AutoDiff.Checkpoints;

/// <summary>
/// A verified checkpoint being loaded: participants read metadata, and stage tensor copies and commit actions,
/// which <see cref="Checkpoint.Load"/> runs only after every participant has staged without error.
/// </summary>
public sealed class CheckpointReader
{
    private readonly SafeTensorsFile _file;
    private readonly string _path;
    private readonly List<(SafeTensorsEntry Entry, Memory<float> Destination)> _stagedTensors = [];
    private readonly List<Action> _stagedCommits = [];
    private readonly bool _convertFloatTypes;

    internal CheckpointReader(SafeTensorsFile file, string path, bool convertFloatTypes = false)
    {
        _file = file;
        _path = path;
        _convertFloatTypes = convertFloatTypes;
    }

    /// <summary>Gets the checkpoint's metadata entries.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _file.Metadata;

    /// <summary>Gets a value indicating whether the checkpoint holds a tensor with the given name.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <returns><see langword="true"/> when the tensor is present.</returns>
    public bool ContainsTensor(string name) => _file.Tensors.ContainsKey(name);

    /// <summary>Gets a metadata entry.</summary>
    /// <param name="key">The entry's key.</param>
    /// <returns>The entry's value.</returns>
    /// <exception cref="CheckpointException">The entry is missing.</exception>
    public string GetMetadata(string key) =>
        _file.Metadata.TryGetValue(key, out string? value)
            ? value
            : throw new CheckpointException($"Checkpoint '{_path}' has no metadata entry '{key}'.");

    /// <summary>Gets a metadata entry written as an invariant-culture integer.</summary>
    /// <param name="key">The entry's key.</param>
    /// <returns>The parsed value.</returns>
    /// <exception cref="CheckpointException">The entry is missing or not an integer.</exception>
    public long GetInt64(string key) =>
        long.TryParse(GetMetadata(key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new CheckpointException($"Checkpoint '{_path}': metadata entry '{key}' is not an integer.");

    /// <summary>Gets a metadata entry written as an invariant-culture round-trip floating-point number.</summary>
    /// <param name="key">The entry's key.</param>
    /// <returns>The parsed value.</returns>
    /// <exception cref="CheckpointException">The entry is missing or not a number.</exception>
    public double GetDouble(string key) =>
        double.TryParse(GetMetadata(key), NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new CheckpointException($"Checkpoint '{_path}': metadata entry '{key}' is not a number.");

    /// <summary>
    /// Checks that the checkpoint holds a float32 tensor of the given name and shape, and stages its copy into
    /// <paramref name="destination"/> for when every participant has staged.
    /// </summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="expectedShape">The shape the tensor must have.</param>
    /// <param name="destination">Where the values go; its length must match the shape.</param>
    /// <exception cref="CheckpointException">The tensor is missing, not float32, or of another shape.</exception>
    public void StageTensor(string name, ReadOnlySpan<int> expectedShape, Memory<float> destination)
    {
        if (!_file.Tensors.TryGetValue(name, out SafeTensorsEntry? entry))
        {
            throw new CheckpointException($"Checkpoint '{_path}' has no tensor '{name}'.");
        }

        bool convertible = entry.DType is SafeTensorsDType.F64 or SafeTensorsDType.F16 or SafeTensorsDType.BF16;
        if (entry.DType != SafeTensorsDType.F32 && !(_convertFloatTypes && convertible))
        {
            throw new CheckpointException(
                $"Checkpoint '{_path}': tensor '{name}' is {entry.DType}; only F32 can be loaded here" +
                (convertible ? " (LoadParameters converts F64, F16 and BF16)." : "."));
        }

        bool sameShape = entry.Shape.Length == expectedShape.Length;
        for (int i = 0; sameShape && i < expectedShape.Length; i++)
        {
            sameShape = entry.Shape[i] == expectedShape[i];
        }

        if (!sameShape || entry.ElementCount != destination.Length)
        {
            throw new CheckpointException(
                $"Checkpoint '{_path}': tensor '{name}' has shape [{string.Join(", ", entry.Shape)}] but [{string.Join(", ", expectedShape.ToArray())}] is expected.");
        }

        _stagedTensors.Add((entry, destination));
    }

    /// <summary>Stages an action that applies state parsed from the checkpoint; it runs after all tensors are copied and must not fail.</summary>
    /// <param name="commit">The action.</param>
    public void StageCommit(Action commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        _stagedCommits.Add(commit);
    }

    internal void Commit()
    {
        foreach ((SafeTensorsEntry entry, Memory<float> destination) in _stagedTensors)
        {
            ReadOnlySpan<byte> data = _file.GetData(entry);
            Span<float> target = destination.Span;
            switch (entry.DType)
            {
                case SafeTensorsDType.F32:
                    MemoryMarshal.Cast<byte, float>(data).CopyTo(target);
                    break;
                case SafeTensorsDType.F64:
                    TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, double>(data), target);
                    break;
                case SafeTensorsDType.F16:
                    TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(data), target);
                    break;
                default:
                    // bfloat16 is the upper half of a float32: widen by shifting the bits into place.
                    ReadOnlySpan<ushort> bits = MemoryMarshal.Cast<byte, ushort>(data);
                    for (int i = 0; i < bits.Length; i++)
                    {
                        target[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
                    }

                    break;
            }
        }

        foreach (Action commit in _stagedCommits)
        {
            commit();
        }
    }
}
