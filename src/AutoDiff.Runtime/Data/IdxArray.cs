namespace AutoDiff.Data;

/// <summary>
/// The contents of one IDX file of unsigned bytes (the MNIST format): the dimensions from the header and the data in
/// row-major order, for example <c>[60000, 28, 28]</c> for an image file and <c>[60000]</c> for a label file.
/// </summary>
public sealed class IdxArray
{
    private readonly int[] _dimensions;

    /// <summary>Creates an array, checking that the data length is the product of the dimensions.</summary>
    /// <param name="dimensions">The dimensions, each at least 0; at least one.</param>
    /// <param name="data">The bytes in row-major order; the array is not copied.</param>
    /// <exception cref="ArgumentException">There are no dimensions, one is negative, or the length does not match.</exception>
    public IdxArray(ReadOnlySpan<int> dimensions, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (dimensions.Length is 0 or > byte.MaxValue)
        {
            throw new ArgumentException($"An IDX array has 1 to 255 dimensions, not {dimensions.Length}.", nameof(dimensions));
        }

        long count = 1;
        foreach (int dimension in dimensions)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"IDX dimensions cannot be negative ({dimension}).", nameof(dimensions));
            }

            count *= dimension;
            if (count > Array.MaxLength)
            {
                throw new ArgumentException("The dimensions describe more elements than an array can hold.", nameof(dimensions));
            }
        }

        if (data.Length != count)
        {
            throw new ArgumentException(
                $"Dimensions [{string.Join(", ", dimensions.ToArray())}] need {count} bytes, but the data has {data.Length}.", nameof(data));
        }

        _dimensions = dimensions.ToArray();
        Data = data;
    }

    /// <summary>Gets the dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Dimensions => _dimensions;

    /// <summary>Gets the elements in row-major order.</summary>
    public byte[] Data { get; }

    /// <inheritdoc/>
    public override string ToString() => $"IDX unsigned bytes [{string.Join(", ", _dimensions)}]";
}
