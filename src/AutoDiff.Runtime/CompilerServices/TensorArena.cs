using System.ComponentModel;

namespace AutoDiff.CompilerServices;

/// <summary>
/// The workspace of a generated model gradient: hands out the tensors of one call (intermediate results, adjoints)
/// in call order and keeps them for the next call. The first call for an input shape allocates; later calls with the
/// same shapes reuse every buffer, so a training step allocates nothing. A new shape re-plans the slots that change.
/// </summary>
/// <remarks>
/// Infrastructure for the code the AutoDiff source generator writes into your assembly, public only because that
/// code must call it; hidden from IntelliSense, and it can change in any release. The one use outside generated code:
/// a custom tensor operation can take its result from <see cref="RentOrAllocate(Shape)"/>, as the <see cref="TensorOps"/>
/// do, so that a training step through it allocates nothing either.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TensorArena
{
    [ThreadStatic] private static TensorArena? s_current;

    private readonly List<Tensor> _slots = new();
    private readonly List<int[]> _indexSlots = new();
    private int _cursor;
    private int _indexCursor;

    /// <summary>Gets the arena of the generated gradient running on this thread, if any.</summary>
    public static TensorArena? Current => s_current;

    /// <summary>Gets how many times a slot was allocated (first use or a changed shape); for tests and diagnostics.</summary>
    public int Allocations { get; private set; }

    /// <summary>Gets the number of tensors one call uses.</summary>
    public int Count => _slots.Count;

    /// <summary>Makes this arena current for the thread and rewinds it; dispose the scope to restore the previous one.</summary>
    /// <returns>The scope.</returns>
    public Scope Enter()
    {
        var scope = new Scope(s_current);
        s_current = this;
        _cursor = 0;
        _indexCursor = 0;
        return scope;
    }

    /// <summary>The next tensor of <paramref name="shape"/>; its contents are whatever the last call left.</summary>
    /// <param name="shape">The shape.</param>
    /// <returns>The tensor.</returns>
    public Tensor Rent(Shape shape)
    {
        if (_cursor < _slots.Count)
        {
            Tensor slot = _slots[_cursor];
            if (slot.Shape == shape)
            {
                _cursor++;
                slot.DiscardPendingZero(); // the renter writes it whole
                return slot;
            }

            Allocations++;
            return _slots[_cursor++] = Tensor.Zeros(shape);
        }

        Allocations++;
        Tensor tensor = Tensor.Zeros(shape);
        _slots.Add(tensor);
        _cursor++;
        return tensor;
    }

    /// <summary>The next tensor of <paramref name="shape"/>, filled with zeros (for adjoints, which accumulate).</summary>
    /// <param name="shape">The shape.</param>
    /// <returns>The zeroed tensor.</returns>
    public Tensor RentZeroed(Shape shape)
    {
        Tensor tensor = Rent(shape);
        tensor.MarkPendingZero(); // cleared when first read, or overwritten by a pullback that writes it whole
        return tensor;
    }

    /// <summary>The next integer buffer of at least <paramref name="length"/> elements (for indices such as max-pool winners).</summary>
    /// <param name="length">The number of elements needed.</param>
    /// <returns>The buffer; only its first <paramref name="length"/> elements are meaningful.</returns>
    public int[] RentIndices(int length)
    {
        if (_indexCursor < _indexSlots.Count && _indexSlots[_indexCursor].Length >= length)
        {
            return _indexSlots[_indexCursor++];
        }

        Allocations++;
        int[] buffer = new int[length];
        if (_indexCursor < _indexSlots.Count)
        {
            _indexSlots[_indexCursor] = buffer;
        }
        else
        {
            _indexSlots.Add(buffer);
        }

        _indexCursor++;
        return buffer;
    }

    /// <summary>Rents integer indices from the current arena, or allocates them when no generated gradient is running.</summary>
    /// <param name="length">The number of elements needed.</param>
    /// <returns>The buffer.</returns>
    public static int[] RentIndicesOrAllocate(int length) => s_current is { } arena ? arena.RentIndices(length) : new int[length];

    /// <summary>
    /// A zeroed tensor of <paramref name="shape"/> from the workspace of the gradient running on this thread, or a
    /// new one outside a gradient.
    /// </summary>
    /// <param name="shape">The shape wanted.</param>
    /// <returns>A tensor of zeros.</returns>
    public static Tensor RentZeroedOrAllocate(Shape shape) => s_current is { } arena ? arena.RentZeroed(shape) : Tensor.Zeros(shape);

    /// <summary>
    /// Adds <paramref name="contribution"/> to the adjoint <paramref name="gradient"/>, first taking a zeroed tensor
    /// from the running workspace when it has none yet (generated code for <c>y = x</c> on tensors).
    /// </summary>
    /// <param name="gradient">The adjoint to add to; set when null.</param>
    /// <param name="contribution">The adjoint flowing in.</param>
    public static void Accumulate(ref Tensor? gradient, Tensor contribution)
    {
        gradient ??= RentZeroedOrAllocate(contribution.Shape);
        Accumulate(gradient, contribution);
    }

    /// <summary>Adds <paramref name="contribution"/> to <paramref name="gradient"/> (same shape).</summary>
    /// <param name="gradient">The adjoint to add to.</param>
    /// <param name="contribution">The adjoint flowing in.</param>
    public static void Accumulate(Tensor gradient, Tensor contribution)
    {
        gradient.RequireSameShape("gradient accumulation", contribution);
        if (gradient.TryBeginOverwrite())
        {
            contribution.ReadOnlySpan.CopyTo(gradient.Span);
        }
        else
        {
            System.Numerics.Tensors.TensorPrimitives.Add(gradient.ReadOnlySpan, contribution.ReadOnlySpan, gradient.Span);
        }
    }

    /// <summary>Rents a tensor from the current arena, or allocates one when no generated gradient is running.</summary>
    /// <param name="shape">The shape.</param>
    /// <returns>The tensor (contents unspecified when rented).</returns>
    public static Tensor RentOrAllocate(Shape shape) => s_current is { } arena ? arena.Rent(shape) : Tensor.Zeros(shape);

    /// <summary>Restores the previously current arena when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly TensorArena? _previous;

        internal Scope(TensorArena? previous) => _previous = previous;

        /// <inheritdoc />
        public void Dispose() => s_current = _previous;
    }
}
