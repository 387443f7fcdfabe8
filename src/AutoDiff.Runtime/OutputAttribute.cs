namespace AutoDiff;

/// <summary>
/// Marks the <c>Span&lt;double&gt;</c> or <c>Span&lt;float&gt;</c> parameter that holds the vector result of a
/// <see cref="DifferentiableAttribute"/> method returning <c>void</c>.
/// </summary>
/// <remarks>
/// For <c>[Differentiable] void F(ReadOnlySpan&lt;double&gt; x, [Output] Span&lt;double&gt; y)</c> the generator writes
/// <c>FVjp(x, y, ReadOnlySpan&lt;double&gt; yBar, Span&lt;double&gt; dx)</c> (reverse mode: dx = yBarᵀ ∂y/∂x).
/// With <see cref="DifferentiationMode.Forward"/> it also writes <c>FJvp(x, y, xDot, Span&lt;double&gt; yDot)</c>
/// (yDot = ∂y/∂x · xDot) and, when x is the only differentiable input, <c>FJacobian(x, y, jacobian)</c>, which
/// fills the y.Length × x.Length Jacobian with whichever mode needs fewer passes.
/// </remarks>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class OutputAttribute : Attribute
{
}
