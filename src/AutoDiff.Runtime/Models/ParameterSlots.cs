using System.ComponentModel;
using AutoDiff.Optimizers;

namespace AutoDiff.CompilerServices;

/// <summary>Helpers for the members the generator adds to models (<c>GetParameters</c>, the gradient tensors).</summary>
/// <remarks>
/// Infrastructure for the code the AutoDiff source generator writes into your assembly, public only because that
/// code must call it; hidden from IntelliSense. Not meant to be used directly: it can change in any release.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ModelSupport
{
    /// <summary>An optimizer slot over a parameter tensor and its gradient tensor.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="value">The parameter.</param>
    /// <param name="gradient">Its gradient, same shape.</param>
    /// <returns>The slot.</returns>
    public static ParameterSlot Slot(string name, Tensor value, Tensor gradient)
    {
        value.RequireSameShape("GetParameters", gradient);
        return new ParameterSlot(name, value.Shape.ToArray(), new Memory<float>(value.Data, value.Offset, value.Length), new Memory<float>(gradient.Data, gradient.Offset, gradient.Length));
    }

    /// <summary>The gradient tensor for <paramref name="parameter"/>, (re)allocated when missing or of another shape.</summary>
    /// <param name="gradient">The field that holds it.</param>
    /// <param name="parameter">The parameter.</param>
    /// <returns>The gradient tensor.</returns>
    public static Tensor GradientFor(ref Tensor? gradient, Tensor parameter)
    {
        if (gradient is null || gradient.Shape != parameter.Shape)
        {
            gradient = Tensor.Zeros(parameter.Shape);
        }

        return gradient;
    }

    /// <summary>Gradient tensors for a <c>Tensor[]</c> parameter, (re)allocated when missing or of other shapes.</summary>
    /// <param name="gradients">The field that holds them.</param>
    /// <param name="parameters">The parameter tensors.</param>
    /// <returns>One gradient per parameter tensor.</returns>
    public static Tensor[] GradientFor(ref Tensor[]? gradients, Tensor[] parameters)
    {
        if (gradients is null || gradients.Length != parameters.Length)
        {
            gradients = new Tensor[parameters.Length];
        }

        for (int i = 0; i < parameters.Length; i++)
        {
            if (gradients[i] is null || gradients[i].Shape != parameters[i].Shape)
            {
                gradients[i] = Tensor.Zeros(parameters[i].Shape);
            }
        }

        return gradients;
    }

    /// <summary>Adds one slot per tensor of a <c>Tensor[]</c> parameter, named <c>name[i]</c>.</summary>
    /// <param name="slots">The list to add to.</param>
    /// <param name="name">The parameter's name.</param>
    /// <param name="values">The parameter tensors.</param>
    /// <param name="gradients">Their gradients.</param>
    public static void AddSlots(List<ParameterSlot> slots, string name, Tensor[] values, Tensor[] gradients)
    {
        ArgumentNullException.ThrowIfNull(slots);
        for (int i = 0; i < values.Length; i++)
        {
            slots.Add(Slot($"{name}[{i}]", values[i], gradients[i]));
        }
    }
}
