using System.Diagnostics.CodeAnalysis;

namespace AutoDiff.Kernels;

/// <summary>The one place kernels and tensors build their exceptions, so messages name the operation and both shapes.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ShapeMismatch(string operation, Shape left, Shape right, string detail) =>
        throw new ArgumentException($"{operation}: shapes {left} and {right} do not match: {detail}.");

    [DoesNotReturn]
    public static void ShapeMismatch(string operation, string detail) =>
        throw new ArgumentException($"{operation}: {detail}.");

    [DoesNotReturn]
    public static void DestinationTooShort(string operation, int required, int actual) =>
        throw new ArgumentException($"{operation}: the destination has {actual} elements but {required} are needed.", "destination");

    [DoesNotReturn]
    public static void InputTooShort(string operation, string name, int required, int actual) =>
        throw new ArgumentException($"{operation}: '{name}' has {actual} elements but {required} are needed.", name);

    [DoesNotReturn]
    public static void Overlap(string operation) =>
        throw new ArgumentException($"{operation}: the destination overlaps an input; the kernel does not support in-place use here.", "destination");

    [DoesNotReturn]
    public static void NotSupportedType<T>(string operation) =>
        throw new NotSupportedException($"{operation}: element type {typeof(T).Name} is not supported; use float or double.");

    /// <summary>Throws when two spans that must have the same length do not.</summary>
    public static void RequireSameLength(string operation, int expected, int actual, string name)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"{operation}: '{name}' has {actual} elements but {expected} are expected.", name);
        }
    }

    /// <summary>Throws when a span is shorter than <paramref name="required"/>.</summary>
    public static void RequireLength(string operation, int required, int actual, string name)
    {
        if (actual < required)
        {
            InputTooShort(operation, name, required, actual);
        }
    }

    /// <summary>Throws unless the element type is float or double.</summary>
    public static void RequireFloatOrDouble<T>(string operation)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            NotSupportedType<T>(operation);
        }
    }
}
