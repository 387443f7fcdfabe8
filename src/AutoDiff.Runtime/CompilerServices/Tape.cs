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

    private void Grow() => Array.Resize(ref _items, _items.Length * 2);

    private static void ThrowEmpty() =>
        throw new InvalidOperationException("The gradient tape is empty: the reverse sweep read more values than the forward sweep recorded.");
}
