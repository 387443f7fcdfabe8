namespace AutoDiff.Generator.Model;

/// <summary>The scalar kinds the transform distinguishes. Only <see cref="Double"/> and <see cref="Float"/> carry derivatives.</summary>
internal enum ScalarKind
{
    Other,
    Double,
    Float,
    Int,
    Long,
    Bool,

    /// <summary>Elements of a <c>Tensor[]</c>.</summary>
    Tensor,
}

/// <summary>How a value is stored: a scalar, an array, a span, or anything else (passed through untouched).</summary>
internal enum TypeShape
{
    Scalar,
    Array,
    Span,
    ReadOnlySpan,
    Other,

    /// <summary><c>AutoDiff.Tensor</c> (float32): differentiated through registered pullbacks.</summary>
    Tensor,
}

/// <summary>A type reduced to its <c>global::</c>-qualified name and the facts the transform needs.</summary>
internal sealed record TypeRef(string Name, TypeShape Shape, ScalarKind Element)
{
    public static readonly TypeRef Double = new("double", TypeShape.Scalar, ScalarKind.Double);
    public static readonly TypeRef Float = new("float", TypeShape.Scalar, ScalarKind.Float);
    public static readonly TypeRef Int = new("int", TypeShape.Scalar, ScalarKind.Int);
    public static readonly TypeRef Bool = new("bool", TypeShape.Scalar, ScalarKind.Bool);

    /// <summary>True for <c>double</c> and <c>float</c> scalars: the values that have adjoints.</summary>
    public bool IsFloating => Shape == TypeShape.Scalar && Element is ScalarKind.Double or ScalarKind.Float;

    /// <summary>True for arrays and spans of <c>double</c> or <c>float</c>.</summary>
    public bool IsFloatingCollection =>
        Shape is TypeShape.Array or TypeShape.Span or TypeShape.ReadOnlySpan && Element is ScalarKind.Double or ScalarKind.Float;

    public bool IsCollection => Shape is TypeShape.Array or TypeShape.Span or TypeShape.ReadOnlySpan;

    /// <summary>True for <c>AutoDiff.Tensor</c>.</summary>
    public bool IsTensor => Shape == TypeShape.Tensor;

    /// <summary>True for <c>AutoDiff.Tensor[]</c> (a model's layers).</summary>
    public bool IsTensorArray => Shape == TypeShape.Array && Element == ScalarKind.Tensor;

    public static readonly TypeRef Tensor = new("global::AutoDiff.Tensor", TypeShape.Tensor, ScalarKind.Float);

    /// <summary>The C# keyword of the element type (<c>double</c>, <c>float</c>, <c>int</c>, …).</summary>
    public string ElementName => Element switch
    {
        ScalarKind.Double => "double",
        ScalarKind.Float => "float",
        ScalarKind.Int => "int",
        ScalarKind.Long => "long",
        ScalarKind.Bool => "bool",
        _ => Name,
    };

    public static TypeRef Scalar(ScalarKind kind) => kind switch
    {
        ScalarKind.Double => Double,
        ScalarKind.Float => Float,
        ScalarKind.Int => Int,
        ScalarKind.Bool => Bool,
        _ => new TypeRef("long", TypeShape.Scalar, ScalarKind.Long),
    };
}
