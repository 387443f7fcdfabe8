using System.ComponentModel;
using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>
/// Creates the concrete tensor type of a <see cref="TensorBase{T, TSelf}"/>; lets the shared base return
/// <see cref="Tensor"/> from <see cref="Tensor"/> and <see cref="TensorD"/> from <see cref="TensorD"/>.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TSelf">The tensor type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ITensorFactory<T, TSelf>
{
    /// <summary>Wraps existing storage without copying.</summary>
    /// <param name="data">The array holding the elements.</param>
    /// <param name="offset">The index of the first element in <paramref name="data"/>.</param>
    /// <param name="shape">The shape of the view.</param>
    /// <returns>A tensor viewing <c>data[offset .. offset + shape.Length]</c>.</returns>
    static abstract TSelf Create(T[] data, int offset, Shape shape);
}

/// <summary>
/// A dense, contiguous, row-major tensor of rank 0 to 4. Reshapes and batch slices are views that share storage;
/// the elements are reached as a <see cref="Span{T}"/>.
/// </summary>
/// <typeparam name="T">The element type: <see cref="float"/> (<see cref="Tensor"/>) or <see cref="double"/> (<see cref="TensorD"/>).</typeparam>
/// <typeparam name="TSelf">The concrete tensor type, returned by views and factories.</typeparam>
public abstract class TensorBase<T, TSelf>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TSelf : TensorBase<T, TSelf>, ITensorFactory<T, TSelf>
{
    private protected TensorBase(T[] data, int offset, Shape shape)
    {
        Data = data;
        Offset = offset;
        Shape = shape;
    }

    /// <summary>Gets the array that holds the elements (shared with every view of it).</summary>
    internal T[] Data { get; }

    /// <summary>Gets the index of this tensor's first element in <see cref="Data"/>.</summary>
    internal int Offset { get; }

    /// <summary>Gets the dimensions.</summary>
    public Shape Shape { get; }

    /// <summary>Gets the number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>Gets the number of elements.</summary>
    public int Length => Shape.Length;

    /// <summary>Gets the elements in row-major order; writes go to the storage shared with every view.</summary>
    public Span<T> Span
    {
        get
        {
            if (_pendingZero)
            {
                ResolvePendingZero();
            }

            return new(Data, Offset, Shape.Length);
        }
    }

    /// <summary>Gets the elements in row-major order, read-only.</summary>
    public ReadOnlySpan<T> ReadOnlySpan
    {
        get
        {
            if (_pendingZero)
            {
                ResolvePendingZero();
            }

            return new(Data, Offset, Shape.Length);
        }
    }

    /// <summary>
    /// True while the tensor is logically all zeros but its storage has not been cleared yet (a gradient that no
    /// pullback has written). Reading it in any way clears it first; a pullback that will write every element can
    /// skip the clear and the accumulation with <see cref="TryBeginOverwrite"/>.
    /// </summary>
    public bool IsPendingZero => _pendingZero;

    /// <summary>
    /// For a pullback's gradient argument: true when the tensor holds pending zeros (see <see cref="IsPendingZero"/>),
    /// in which case the caller must now write every element (overwrite instead of add); false when it holds values,
    /// to which the caller adds as usual.
    /// </summary>
    /// <returns>Whether the caller overwrites.</returns>
    public bool TryBeginOverwrite()
    {
        if (!_pendingZero)
        {
            return false;
        }

        _pendingZero = false;
        return true;
    }

    /// <summary>Makes the tensor logically zero without touching its storage until it is next read or written.</summary>
    internal void MarkPendingZero() => _pendingZero = true;

    /// <summary>Forgets pending zeros: the caller is about to overwrite every element.</summary>
    internal void DiscardPendingZero() => _pendingZero = false;

    private void ResolvePendingZero()
    {
        _pendingZero = false;
        new Span<T>(Data, Offset, Shape.Length).Clear();
    }

    private bool _pendingZero;

    private ref T Element(int index)
    {
        if (_pendingZero)
        {
            ResolvePendingZero();
        }

        return ref Data[Offset + index];
    }


    /// <summary>Gets the size of one dimension.</summary>
    /// <param name="axis">The axis; -1 is the last.</param>
    /// <returns>The size along <paramref name="axis"/>.</returns>
    public int Dim(int axis) => Shape[axis];

    /// <summary>Gets or sets an element of a rank-1 tensor.</summary>
    /// <param name="i0">The index.</param>
    public ref T this[int i0] => ref Element(Index(1, i0, 0, 0, 0));

    /// <summary>Gets or sets an element of a rank-2 tensor.</summary>
    /// <param name="i0">The row.</param>
    /// <param name="i1">The column.</param>
    public ref T this[int i0, int i1] => ref Element(Index(2, i0, i1, 0, 0));

    /// <summary>Gets or sets an element of a rank-3 tensor.</summary>
    /// <param name="i0">The index along axis 0.</param>
    /// <param name="i1">The index along axis 1.</param>
    /// <param name="i2">The index along axis 2.</param>
    public ref T this[int i0, int i1, int i2] => ref Element(Index(3, i0, i1, i2, 0));

    /// <summary>Gets or sets an element of a rank-4 tensor (N, C, H, W).</summary>
    /// <param name="i0">The index along axis 0.</param>
    /// <param name="i1">The index along axis 1.</param>
    /// <param name="i2">The index along axis 2.</param>
    /// <param name="i3">The index along axis 3.</param>
    public ref T this[int i0, int i1, int i2, int i3] => ref Element(Index(4, i0, i1, i2, i3));

    /// <summary>Creates a tensor of zeros.</summary>
    /// <param name="dimensions">The shape, outermost first.</param>
    /// <returns>A new tensor.</returns>
    public static TSelf Zeros(params ReadOnlySpan<int> dimensions) => Zeros(new Shape(dimensions));

    /// <summary>Creates a tensor of zeros.</summary>
    /// <param name="shape">The shape.</param>
    /// <returns>A new tensor.</returns>
    public static TSelf Zeros(Shape shape) => TSelf.Create(new T[shape.Length], 0, shape);

    /// <summary>Creates a tensor of ones.</summary>
    /// <param name="dimensions">The shape, outermost first.</param>
    /// <returns>A new tensor.</returns>
    public static TSelf Ones(params ReadOnlySpan<int> dimensions) => Full(new Shape(dimensions), T.One);

    /// <summary>Creates a tensor with every element equal to <paramref name="value"/>.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="value">The value of every element.</param>
    /// <returns>A new tensor.</returns>
    public static TSelf Full(Shape shape, T value)
    {
        var data = new T[shape.Length];
        data.AsSpan().Fill(value);
        return TSelf.Create(data, 0, shape);
    }

    /// <summary>Creates a tensor holding a copy of <paramref name="values"/>.</summary>
    /// <param name="values">The elements in row-major order.</param>
    /// <param name="dimensions">The shape; when empty, a rank-1 tensor of <c>values.Length</c> elements.</param>
    /// <returns>A new tensor that does not share storage with <paramref name="values"/>.</returns>
    /// <exception cref="ArgumentException">The number of values differs from the shape's element count.</exception>
    public static TSelf FromArray(ReadOnlySpan<T> values, params ReadOnlySpan<int> dimensions)
    {
        Shape shape = dimensions.IsEmpty ? new Shape(values.Length) : new Shape(dimensions);
        if (shape.Length != values.Length)
        {
            ThrowHelper.ShapeMismatch("FromArray", new Shape(values.Length), shape, "the number of values differs from the shape's element count");
        }

        return TSelf.Create(values.ToArray(), 0, shape);
    }

    /// <summary>Creates a tensor of independent normal samples, reproducible from <paramref name="seed"/>.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="mean">The mean of the distribution.</param>
    /// <param name="standardDeviation">The standard deviation of the distribution.</param>
    /// <param name="seed">The seed; the same seed gives the same tensor.</param>
    /// <returns>A new tensor.</returns>
    public static TSelf Normal(Shape shape, T mean, T standardDeviation, int seed)
    {
        TSelf result = Zeros(shape);
        TensorRandom.FillNormal(result.Span, mean, standardDeviation, new Random(seed));
        return result;
    }

    /// <summary>Creates a tensor of independent samples uniform in [<paramref name="low"/>, <paramref name="high"/>), reproducible from <paramref name="seed"/>.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="low">The inclusive lower bound.</param>
    /// <param name="high">The exclusive upper bound.</param>
    /// <param name="seed">The seed; the same seed gives the same tensor.</param>
    /// <returns>A new tensor.</returns>
    public static TSelf Uniform(Shape shape, T low, T high, int seed)
    {
        TSelf result = Zeros(shape);
        TensorRandom.FillUniform(result.Span, low, high, new Random(seed));
        return result;
    }

    /// <summary>Views the same elements with another shape of the same element count; no copy.</summary>
    /// <param name="dimensions">The new shape; one dimension may be -1, inferred from the others.</param>
    /// <returns>A view sharing storage with this tensor.</returns>
    /// <exception cref="ArgumentException">The element counts differ, or more than one dimension is -1.</exception>
    public TSelf Reshape(params ReadOnlySpan<int> dimensions)
    {
        Span<int> dims = stackalloc int[Shape.MaxRank];
        if (dimensions.Length > Shape.MaxRank)
        {
            ThrowHelper.ShapeMismatch("Reshape", $"a tensor has at most {Shape.MaxRank} dimensions; got {dimensions.Length}");
        }

        dimensions.CopyTo(dims);
        dims = dims[..dimensions.Length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == -1)
            {
                if (inferred >= 0)
                {
                    ThrowHelper.ShapeMismatch("Reshape", "only one dimension may be -1");
                }

                inferred = i;
            }
            else
            {
                known *= dims[i];
            }
        }

        if (inferred >= 0 && known > 0 && Length % known == 0)
        {
            dims[inferred] = (int)(Length / known);
        }

        if (inferred >= 0 && dims[inferred] == -1)
        {
            ThrowHelper.ShapeMismatch("Reshape", $"cannot infer the -1 dimension of {string.Join(", ", dimensions.ToArray())} from shape {Shape}");
        }

        var shape = new Shape(dims);
        if (shape.Length != Length)
        {
            ThrowHelper.ShapeMismatch("Reshape", Shape, shape, "the element counts differ");
        }

        if (_pendingZero)
        {
            ResolvePendingZero(); // a view shares the storage, not the flag
        }

        return TSelf.Create(Data, Offset, shape);
    }

    /// <summary>Views <paramref name="count"/> consecutive entries along axis 0 (a mini-batch); no copy.</summary>
    /// <param name="start">The first index along axis 0.</param>
    /// <param name="count">The number of entries.</param>
    /// <returns>A view of the same rank whose first dimension is <paramref name="count"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside axis 0.</exception>
    public TSelf Slice(int start, int count)
    {
        if (Rank == 0)
        {
            ThrowHelper.ShapeMismatch("Slice", $"a rank-0 tensor has no axis to slice");
        }

        int size = Shape[0];
        if ((uint)start > (uint)size || (uint)count > (uint)(size - start))
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Slice: [{start}, {start + count}) is outside axis 0 of shape {Shape}.");
        }

        int stride = size == 0 ? 0 : Length / size;
        Span<int> dims = stackalloc int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            dims[i] = Shape[i];
        }

        dims[0] = count;
        if (_pendingZero)
        {
            ResolvePendingZero();
        }

        return TSelf.Create(Data, Offset + start * stride, new Shape(dims));
    }

    /// <summary>Copies the elements into a new tensor that shares nothing with this one.</summary>
    /// <returns>The copy.</returns>
    public TSelf Clone() => TSelf.Create(ReadOnlySpan.ToArray(), 0, Shape);

    /// <summary>Copies the elements into a new array, row-major.</summary>
    /// <returns>The elements.</returns>
    public T[] ToArray() => ReadOnlySpan.ToArray();

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    /// <param name="value">The value.</param>
    public void Fill(T value) => Span.Fill(value);

    /// <summary>Copies this tensor's elements into <paramref name="destination"/>, which must have the same shape.</summary>
    /// <param name="destination">The tensor to overwrite.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public void CopyTo(TSelf destination)
    {
        RequireSameShape("CopyTo", destination);
        ReadOnlySpan.CopyTo(destination.Span);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="operation"/> and both shapes unless <paramref name="other"/> has this tensor's shape.</summary>
    /// <param name="operation">The operation to name in the message.</param>
    /// <param name="other">The other tensor.</param>
    public void RequireSameShape(string operation, TensorBase<T, TSelf> other)
    {
        if (Shape != other.Shape)
        {
            ThrowHelper.ShapeMismatch(operation, Shape, other.Shape, "they must be equal");
        }
    }

    /// <summary>Describes the tensor by its type and shape, e.g. <c>Tensor[64, 10]</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"{GetType().Name}{Shape}";

    private int Index(int rank, int i0, int i1, int i2, int i3)
    {
        Shape s = Shape;
        if (s.Rank != rank)
        {
            ThrowHelper.ShapeMismatch("Indexer", $"{rank} indices given for a tensor of shape {s}");
        }

        if ((uint)i0 >= (uint)s[0] || (rank > 1 && (uint)i1 >= (uint)s[1]) ||
            (rank > 2 && (uint)i2 >= (uint)s[2]) || (rank > 3 && (uint)i3 >= (uint)s[3]))
        {
            throw new IndexOutOfRangeException($"Indexer: index out of range for a tensor of shape {s}.");
        }

        return rank switch
        {
            1 => i0,
            2 => i0 * s[1] + i1,
            3 => (i0 * s[1] + i1) * s[2] + i2,
            _ => ((i0 * s[1] + i1) * s[2] + i2) * s[3] + i3,
        };
    }
}

/// <summary>Seeded random fills shared by the tensor factories and the dropout kernel.</summary>
internal static class TensorRandom
{
    public static void FillUniform<T>(Span<T> destination, T low, T high, Random random)
        where T : IFloatingPointIeee754<T>
    {
        T width = high - low;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = low + width * T.CreateTruncating(random.NextDouble());
        }
    }

    /// <summary>Box–Muller: two uniform samples give two independent standard normal samples.</summary>
    public static void FillNormal<T>(Span<T> destination, T mean, T standardDeviation, Random random)
        where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < destination.Length; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(); // in (0, 1]: log(u1) is finite
            double u2 = random.NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            destination[i] = mean + standardDeviation * T.CreateTruncating(radius * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < destination.Length)
            {
                destination[i + 1] = mean + standardDeviation * T.CreateTruncating(radius * Math.Sin(2 * Math.PI * u2));
            }
        }
    }
}
