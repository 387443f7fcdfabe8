namespace AutoDiff.Optimizers;

/// <summary>
/// One trainable tensor as an optimizer sees it: a name, a shape, the values and the gradient of the same length,
/// both stored contiguously in row-major order.
/// </summary>
/// <remarks>
/// A slot does not own its memory: it views buffers that a model (and, later, <c>AutoDiff.Tensor</c>) owns, so an
/// optimizer updates the model's parameters in place. The name identifies the tensor in checkpoints, so names must
/// be unique within a model.
/// </remarks>
public sealed class ParameterSlot
{
    private readonly int[] _shape;

    /// <summary>Creates a slot over existing value and gradient buffers.</summary>
    /// <param name="name">The tensor's name, unique within its model (for example <c>layer1.weight</c>).</param>
    /// <param name="shape">The tensor's dimensions; their product must equal the length of both buffers.</param>
    /// <param name="value">The parameter values the optimizer updates in place.</param>
    /// <param name="gradient">The gradient of the loss with respect to <paramref name="value"/>.</param>
    /// <exception cref="ArgumentException">The name is empty, a dimension is negative, or a length does not match the shape.</exception>
    public ParameterSlot(string name, ReadOnlySpan<int> shape, Memory<float> value, Memory<float> gradient)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        long elementCount = 1;
        foreach (int dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"Parameter '{name}' has a negative dimension ({dimension}).", nameof(shape));
            }

            elementCount *= dimension;
        }

        if (value.Length != elementCount || gradient.Length != elementCount)
        {
            throw new ArgumentException(
                $"Parameter '{name}' has shape [{string.Join(", ", shape.ToArray())}] ({elementCount} elements) but its value has " +
                $"{value.Length} and its gradient {gradient.Length} elements.");
        }

        Name = name;
        _shape = shape.ToArray();
        Value = value;
        Gradient = gradient;
    }

    /// <summary>Creates a slot that owns new zero-filled value and gradient arrays of the given shape.</summary>
    /// <param name="name">The tensor's name, unique within its model.</param>
    /// <param name="shape">The tensor's dimensions.</param>
    /// <returns>The new slot.</returns>
    public static ParameterSlot Create(string name, params ReadOnlySpan<int> shape)
    {
        long elementCount = 1;
        foreach (int dimension in shape)
        {
            elementCount *= Math.Max(dimension, 0);
        }

        return new ParameterSlot(name, shape, new float[elementCount], new float[elementCount]);
    }

    /// <summary>Gets the tensor's name, unique within its model.</summary>
    public string Name { get; }

    /// <summary>Gets the tensor's dimensions.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Gets the number of elements (the product of <see cref="Shape"/>).</summary>
    public int Length => Value.Length;

    /// <summary>Gets the parameter values, updated in place by optimizers.</summary>
    public Memory<float> Value { get; }

    /// <summary>Gets the gradient of the loss with respect to <see cref="Value"/>.</summary>
    public Memory<float> Gradient { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [{string.Join(", ", _shape)}]";
}
