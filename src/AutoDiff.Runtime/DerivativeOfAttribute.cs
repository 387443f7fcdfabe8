namespace AutoDiff;

/// <summary>
/// Registers the method it marks as the derivative of another function, which the generator then uses wherever a
/// <see cref="DifferentiableAttribute"/> method calls that function, instead of looking into (or failing on) its body.
/// Use it for library calls, native routines, or a numerically better formula than the one the generator would derive.
/// </summary>
/// <remarks>
/// <para>For a static function <c>R F(p1, …, pn)</c> (R <see cref="double"/> or <see cref="float"/>), the derivative is a
/// static method with F's parameters followed by one gradient output per differentiable parameter, exactly like a
/// generated <c>FGradient</c>:</para>
/// <code>
/// [DerivativeOf(typeof(MyMath), nameof(MyMath.SoftClip))]
/// public static double SoftClipGradient(double x, double limit, out double dx, out double dlimit) { … }
/// </code>
/// <para>It returns <c>F(p1, …, pn)</c> and writes ∂F/∂pᵢ: an <c>out</c> scalar for a <c>double</c>/<c>float</c>
/// parameter, a <c>Span&lt;T&gt;</c> of the same length (overwritten) for an array or span parameter. To leave a
/// floating parameter without a gradient, mark it <see cref="NoDerivativeAttribute"/> in the derivative's parameter
/// list and give it no output. A registration takes precedence over the body of a <c>[Differentiable]</c> function.
/// Registrations are found in the current project and in referenced assemblies, so a library can ship derivatives
/// for its own functions. A signature that does not match is error AD0014.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class DerivativeOfAttribute : Attribute
{
    /// <summary>Registers the marked method as the derivative of <paramref name="type"/>.<paramref name="methodName"/>.</summary>
    /// <param name="type">The type that declares the function.</param>
    /// <param name="methodName">The function's name; use <c>nameof</c>.</param>
    public DerivativeOfAttribute(Type type, string methodName)
    {
        Type = type;
        MethodName = methodName;
    }

    /// <summary>Gets the type that declares the differentiated function.</summary>
    public Type Type { get; }

    /// <summary>Gets the name of the differentiated function.</summary>
    public string MethodName { get; }

    /// <summary>
    /// Gets or sets, for a pullback, the name of a <em>recording forward</em> in the same class: a method with the
    /// function's parameters and result that computes it and pushes onto
    /// <see cref="CompilerServices.Tape{T}.Shared"/> what the pullback needs, which the pullback pops in reverse
    /// order. Generated code then calls the recording forward in its forward sweep and always calls the pullback
    /// (with a null result gradient when the result did not reach the loss), instead of recomputing intermediate
    /// values. The generator writes such pairs (<c>FForward</c>, <c>FReverse</c>) for every <c>[Differentiable]</c>
    /// method that returns a <see cref="Tensor"/>; null (the default) for an ordinary pullback.
    /// </summary>
    public string? Forward { get; set; }
}
