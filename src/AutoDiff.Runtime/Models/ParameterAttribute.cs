namespace AutoDiff;

/// <summary>
/// Marks a <see cref="Tensor"/> field or property of a model as a trainable parameter. A <see cref="DifferentiableAttribute"/>
/// method of the model is differentiated with respect to every parameter it reads; the generator adds a gradient
/// tensor per parameter (<c>{Name}Gradient</c>), <c>GetParameters()</c> for optimizers and diagnostics, and
/// <c>ZeroGradients()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class ParameterAttribute : Attribute
{
}
