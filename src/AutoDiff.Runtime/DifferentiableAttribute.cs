namespace AutoDiff;

/// <summary>
/// Marks a method whose derivative the AutoDiff source generator writes at compile time.
/// </summary>
/// <remarks>
/// For <c>[Differentiable] R M(p1, …, pn)</c>, where <c>R</c> is <see cref="double"/> or <see cref="float"/> and the
/// method is declared in a <c>partial</c> type, the generator adds to the same type
/// <c>R MGradient(p1, …, pn, g1, …, gk)</c>: the original parameters, then one gradient output per differentiable
/// parameter in parameter order. A <see cref="double"/>/<see cref="float"/> parameter gets an <c>out</c> scalar;
/// a <c>double[]</c>, <c>float[]</c>, <c>ReadOnlySpan&lt;T&gt;</c> or <c>Span&lt;T&gt;</c> parameter gets a
/// <c>Span&lt;T&gt;</c> of the same length that is fully overwritten and never read. Parameters marked
/// <see cref="NoDerivativeAttribute"/> and parameters of other types are passed through unchanged.
/// The gradient method returns the value of <c>M</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class DifferentiableAttribute : Attribute
{
}

/// <summary>
/// Excludes a parameter of a <see cref="DifferentiableAttribute"/> method from differentiation: it is treated as a
/// constant (data, labels, hyper-parameters) and gets no gradient output.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class NoDerivativeAttribute : Attribute
{
}
