using AutoDiff.Generator.Model;

namespace AutoDiff.Generator.Differentiation;

/// <summary>
/// How generated code spells floating types. <see cref="Plain"/> writes them as the user did; <see cref="Dual"/>
/// writes <c>double</c> as <c>global::AutoDiff.Dual</c> and <c>System.Math</c> as <c>global::AutoDiff.DualMath</c>,
/// so that the very same reverse-mode code runs on dual numbers: forward mode over reverse mode, for
/// Hessian-vector products.
/// </summary>
internal sealed class TypeNames
{
    public const string DualType = "global::AutoDiff.Dual";

    public static readonly TypeNames Plain = new(false);

    public static readonly TypeNames Dual = new(true);

    private TypeNames(bool dual) => IsDual = dual;

    public bool IsDual { get; }

    /// <summary>The element type of a scalar, array or span (<c>double</c>, <c>Dual</c>, <c>int</c>…).</summary>
    public string Element(TypeRef type) => IsDual && type.Element == ScalarKind.Double ? DualType : type.ElementName;

    /// <summary>The full type: <c>double</c>, <c>double[]</c>, <c>global::System.Span&lt;double&gt;</c>, or their dual spelling.</summary>
    public string Of(TypeRef type)
    {
        if (!IsDual || type.Element != ScalarKind.Double)
        {
            return type.Name;
        }

        return type.Shape switch
        {
            TypeShape.Scalar => DualType,
            TypeShape.Array => DualType + "[]",
            TypeShape.Span => $"global::System.Span<{DualType}>",
            TypeShape.ReadOnlySpan => $"global::System.ReadOnlySpan<{DualType}>",
            _ => type.Name,
        };
    }

    public string MathClass(string className) =>
        IsDual && className == "global::System.Math" ? "global::AutoDiff.DualMath" : className;

    /// <summary>The gradient method of a callee: <c>FGradient</c>, or <c>FGradientDual</c> on dual numbers.</summary>
    public string GradientSuffix => IsDual ? "GradientDual" : "Gradient";
}
