using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace AutoDiff.CompilerServices;

/// <summary>
/// A last-in, first-out store of values that generated reverse-mode code records during its forward sweep and reads
/// back during its reverse sweep (values a loop overwrites, branch decisions, loop trip counts).
/// </summary>
/// <remarks>
/// Generated code rents one tape per element type with <see cref="Rent"/> and gives it back with
/// <see cref="Return"/>. Tapes are pooled per thread and keep their storage, so a gradient call allocates nothing
/// once its tapes have grown to the size it needs.
/// Infrastructure for the code the AutoDiff source generator writes into your assembly, public only because that
/// code must call it; hidden from IntelliSense. Not meant to be used directly: it can change in any release.
/// </remarks>
/// <typeparam name="T">The type of the recorded values.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class Tape<T>
{
    [ThreadStatic] private static Tape<T>? s_free;
    [ThreadStatic] private static Tape<T>? s_shared;

    private T[] _items = new T[64];
    private int _count;
    private Tape<T>? _nextFree;

    /// <summary>
    /// Gets this thread's shared tape, on which the recording forward of a differentiable tensor function
    /// (<c>FForward</c>) leaves what its pullback (<c>FReverse</c>) pops later. Calls nest: every forward's values are
    /// popped by its reverse before anything recorded earlier, so one last-in, first-out tape serves them all.
    /// </summary>
    public static Tape<T> Shared => s_shared ??= new Tape<T>();

    /// <summary>Gets the number of values currently on the tape.</summary>
    public int Count => _count;

    /// <summary>Takes an empty tape from this thread's pool, or creates one when the pool is empty.</summary>
    /// <returns>An empty tape.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Tape<T> Rent()
    {
        Tape<T>? tape = s_free;
        if (tape is null)
        {
            return new Tape<T>();
        }

        s_free = tape._nextFree;
        tape._nextFree = null;
        return tape;
    }

    /// <summary>Clears <paramref name="tape"/> and puts it back into this thread's pool.</summary>
    /// <param name="tape">A tape obtained from <see cref="Rent"/>.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Return(Tape<T> tape)
    {
        tape._count = 0;
        tape._nextFree = s_free;
        s_free = tape;
    }

    /// <summary>Records <paramref name="value"/>.</summary>
    /// <param name="value">The value to record.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T value)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        _items[_count++] = value;
    }

    /// <summary>Removes and returns the most recently recorded value.</summary>
    /// <returns>The most recently recorded value.</returns>
    /// <exception cref="InvalidOperationException">The tape is empty (a bug in generated code).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Pop()
    {
        if (_count == 0)
        {
            ThrowEmpty();
        }

        return _items[--_count];
    }

    /// <summary>Returns the last value recorded without removing it.</summary>
    /// <returns>The value <see cref="Pop"/> would return.</returns>
    public T Peek()
    {
        if (_count == 0)
        {
            ThrowEmpty();
        }

        return _items[_count - 1];
    }

    /// <summary>Records every value of <paramref name="values"/> (an array saved whole at the start of a loop iteration).</summary>
    /// <param name="values">The values, pushed in order.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void PushAll(ReadOnlySpan<T> values)
    {
        while (_count + values.Length > _items.Length)
        {
            Grow();
        }

        values.CopyTo(_items.AsSpan(_count));
        _count += values.Length;
    }

    /// <summary>Reads back the values of the matching <see cref="PushAll"/> into <paramref name="destination"/>.</summary>
    /// <param name="destination">Receives the values; its length is the number popped.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void PopAll(Span<T> destination)
    {
        if (_count < destination.Length)
        {
            ThrowEmpty();
        }

        _count -= destination.Length;
        _items.AsSpan(_count, destination.Length).CopyTo(destination);
    }

    /// <summary>
    /// Reserves <paramref name="length"/> values on top of the tape and returns them for the caller to fill: the
    /// storage of a scratch array during one loop iteration that writes it whole before reading it. The forward sweep
    /// writes the iteration's values there in place, and the reverse sweep reads them back in place with
    /// <see cref="PeekWindow"/>, where saving and restoring the array would copy it twice.
    /// </summary>
    /// <remarks>
    /// The returned span is valid until the next <see cref="PushWindow"/> on this tape (which may move the storage),
    /// so generated code keeps one tape per windowed array and pushes nothing else on it.
    /// </remarks>
    /// <param name="length">The number of values.</param>
    /// <returns>The reserved values, whose contents are whatever the storage last held.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> PushWindow(int length)
    {
        if (_items.Length - _count < length)
        {
            GrowFor(length);
        }

        var window = new Span<T>(_items, _count, length);
        _count += length;
        return window;
    }

    /// <summary>Returns the most recent window (<see cref="PushWindow"/>) of <paramref name="length"/> values, in place.</summary>
    /// <param name="length">The window's length.</param>
    /// <returns>The values the forward sweep wrote into the window.</returns>
    /// <exception cref="InvalidOperationException">The tape holds fewer values (a bug in generated code).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> PeekWindow(int length)
    {
        if ((uint)length > (uint)_count)
        {
            ThrowEmpty();
        }

        return new Span<T>(_items, _count - length, length);
    }

    /// <summary>Removes the most recent window of <paramref name="length"/> values.</summary>
    /// <param name="length">The window's length.</param>
    /// <exception cref="InvalidOperationException">The tape holds fewer values (a bug in generated code).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PopWindow(int length)
    {
        if ((uint)length > (uint)_count)
        {
            ThrowEmpty();
        }

        _count -= length;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void GrowFor(int length)
    {
        if (length < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A window's length cannot be negative.");
        }

        int size = _items.Length;
        while (size - _count < length)
        {
            size = checked(size * 2);
        }

        Array.Resize(ref _items, size);
    }

    private void Grow() => Array.Resize(ref _items, _items.Length * 2);

    private static void ThrowEmpty() =>
        throw new InvalidOperationException("The gradient tape is empty: the reverse sweep read more values than the forward sweep recorded.");
}
