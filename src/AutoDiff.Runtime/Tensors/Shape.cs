using System.Runtime.CompilerServices;

namespace AutoDiff;

/// <summary>
/// The dimensions of a contiguous row-major tensor of rank 0 to <see cref="MaxRank"/> (for images: N, C, H, W).
/// </summary>
/// <remarks>A value type of four integers: creating, comparing and passing a shape never allocates.</remarks>
public readonly struct Shape : IEquatable<Shape>
{
    /// <summary>The highest rank a tensor may have.</summary>
    public const int MaxRank = 4;

    private readonly int _d0, _d1, _d2, _d3;

    /// <summary>Creates a shape from its dimensions, outermost first.</summary>
    /// <param name="dimensions">Between 0 and <see cref="MaxRank"/> non-negative sizes.</param>
    /// <exception cref="ArgumentException">More than <see cref="MaxRank"/> dimensions, or a negative size.</exception>
    public Shape(params ReadOnlySpan<int> dimensions)
    {
        if (dimensions.Length > MaxRank)
        {
            throw new ArgumentException($"A tensor has at most {MaxRank} dimensions; got {dimensions.Length}.", nameof(dimensions));
        }

        long length = 1;
        foreach (int d in dimensions)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Dimensions must be non-negative; got {Format(dimensions)}.", nameof(dimensions));
            }

            length *= d;
        }

        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"The shape {Format(dimensions)} has more elements than an array can hold.", nameof(dimensions));
        }

        Rank = dimensions.Length;
        _d0 = Rank > 0 ? dimensions[0] : 1;
        _d1 = Rank > 1 ? dimensions[1] : 1;
        _d2 = Rank > 2 ? dimensions[2] : 1;
        _d3 = Rank > 3 ? dimensions[3] : 1;
        Length = (int)length;
    }

    /// <summary>Gets the number of dimensions.</summary>
    public int Rank { get; }

    /// <summary>Gets the number of elements: the product of the dimensions (1 for rank 0).</summary>
    public int Length { get; }

    /// <summary>Gets the size of one dimension.</summary>
    /// <param name="axis">The axis, 0 being the outermost; negative values count from the end (-1 is the last).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not an axis of this shape.</exception>
    public int this[int axis]
    {
        get
        {
            int a = NormalizeAxis(axis);
            return a switch { 0 => _d0, 1 => _d1, 2 => _d2, _ => _d3 };
        }
    }

    /// <summary>Converts a possibly negative axis to its index from 0, checking that it exists.</summary>
    /// <param name="axis">The axis; -1 is the last.</param>
    /// <returns>The axis in 0 .. <see cref="Rank"/> - 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not an axis of this shape.</exception>
    public int NormalizeAxis(int axis)
    {
        int a = axis < 0 ? axis + Rank : axis;
        if ((uint)a >= (uint)Rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"Axis {axis} does not exist in a tensor of shape {this}.");
        }

        return a;
    }

    /// <summary>
    /// Splits the shape around <paramref name="axis"/> into the product of the dimensions before it, its size and the
    /// product of those after it: the three loop bounds of a reduction along that axis.
    /// </summary>
    /// <param name="axis">The axis; -1 is the last.</param>
    /// <returns>(outer, axis size, inner); the element (o, a, i) lies at <c>(o * size + a) * inner + i</c>.</returns>
    public (int Outer, int Size, int Inner) SplitAt(int axis)
    {
        int a = NormalizeAxis(axis);
        int outer = 1, inner = 1;
        for (int i = 0; i < a; i++)
        {
            outer *= this[i];
        }

        for (int i = a + 1; i < Rank; i++)
        {
            inner *= this[i];
        }

        return (outer, this[a], inner);
    }

    /// <summary>Copies the dimensions into a new array (for display and tests; allocates).</summary>
    /// <returns>The dimensions, outermost first.</returns>
    public int[] ToArray()
    {
        var dims = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            dims[i] = this[i];
        }

        return dims;
    }

    /// <inheritdoc/>
    public bool Equals(Shape other) =>
        Rank == other.Rank && _d0 == other._d0 && _d1 == other._d1 && _d2 == other._d2 && _d3 == other._d3;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Rank, _d0, _d1, _d2, _d3);

    /// <summary>Compares two shapes dimension by dimension.</summary>
    /// <param name="left">The first shape.</param>
    /// <param name="right">The second shape.</param>
    /// <returns><see langword="true"/> when both have the same rank and sizes.</returns>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Compares two shapes dimension by dimension.</summary>
    /// <param name="left">The first shape.</param>
    /// <param name="right">The second shape.</param>
    /// <returns><see langword="true"/> when the ranks or any size differ.</returns>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>Formats the shape as <c>[64, 1, 28, 28]</c>.</summary>
    /// <returns>The dimensions in brackets.</returns>
    public override string ToString() => Format(ToArray());

    private static string Format(ReadOnlySpan<int> dims)
    {
        var handler = new DefaultInterpolatedStringHandler(2, dims.Length);
        handler.AppendLiteral("[");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0)
            {
                handler.AppendLiteral(", ");
            }

            handler.AppendFormatted(dims[i]);
        }

        handler.AppendLiteral("]");
        return handler.ToStringAndClear();
    }
}
