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
/// <para>With <see cref="Mode"/> including <see cref="DifferentiationMode.Forward"/>, the generator also adds the
/// forward-mode (Jacobian-vector product) method <c>R MJvp(p1, …, pn, t1, …, tk, out R resultDot)</c>: one tangent
/// input per differentiable parameter (a scalar <c>xDot</c>, or a <c>ReadOnlySpan&lt;T&gt;</c> of the parameter's
/// length), returning M's value and, in <c>resultDot</c>, the directional derivative Σ ∂M/∂pᵢ · tᵢ. One forward
/// pass gives the derivative along one direction; one reverse pass gives the whole gradient.</para>
/// <para>With <see cref="DifferentiationMode.SecondOrder"/>, the generator also adds
/// <c>R MHessianVectorProduct(p1, …, pn, v1, …, vk, g1, …, gk, h1, …, hk)</c> (forward over reverse): the gradient
/// in <c>g</c> and the product of the Hessian with the direction <c>v</c> in <c>h</c>.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class DifferentiableAttribute : Attribute
{
    /// <summary>Gets or sets which derivative methods are generated. The default is <see cref="DifferentiationMode.Reverse"/>.</summary>
    public DifferentiationMode Mode { get; set; } = DifferentiationMode.Reverse;
}

/// <summary>Which derivative methods the generator writes for a <see cref="DifferentiableAttribute"/> method.</summary>
[Flags]
public enum DifferentiationMode
{
    /// <summary>Reverse mode: <c>MGradient</c>, the whole gradient in one pass (always generated).</summary>
    Reverse = 1,

    /// <summary>Forward mode: <c>MJvp</c>, the derivative along one direction (a Jacobian-vector product).</summary>
    Forward = 2,

    /// <summary>Second order: <c>MHessianVectorProduct</c>, forward mode over the reverse-mode gradient.</summary>
    SecondOrder = 4,
}

/// <summary>
/// Excludes a parameter of a <see cref="DifferentiableAttribute"/> method from differentiation: it is treated as a
/// constant (data, labels, hyper-parameters) and gets no gradient output.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class NoDerivativeAttribute : Attribute
{
}

/// <summary>
/// Asks for the gradient with respect to a <see cref="Tensor"/> input of a <see cref="DifferentiableAttribute"/>
/// model method, as <c>requires_grad</c> does in PyTorch: for saliency maps, adversarial examples or input
/// optimisation. The generated gradient method then takes one more argument after the model's inputs, a tensor of
/// the input's shape that it overwrites with ∂loss/∂input. Without it, tensor inputs are data and cost nothing.
/// </summary>
/// <example>
/// <code>
/// [Differentiable]
/// public float Loss([RequiresGradient] Tensor images, [NoDerivative] int[] labels) { … }
/// // generated: public float LossGradient(Tensor images, int[] labels, Tensor dimages)
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class RequiresGradientAttribute : Attribute
{
}
