namespace AutoDiff.Generator.Model;

// The equatable intermediate representation of a [Differentiable] method body. The parser builds it from Roslyn's
// IOperation tree; after parsing nothing refers to a symbol, a syntax node or a compilation, so the transform step
// caches on these values. Every local has a unique name (the parser renames shadowed locals).

/// <summary>An expression. <see cref="Type"/> is the type of its value after C#'s implicit conversions.</summary>
internal abstract record Expr(TypeRef Type);

/// <summary>A constant, already written as C# (<c>2d</c>, <c>0.5f</c>, <c>3</c>, <c>true</c>).</summary>
internal sealed record Literal(TypeRef Type, string Text) : Expr(Type);

/// <summary>A local or a parameter.</summary>
internal sealed record VarRef(TypeRef Type, string Name) : Expr(Type);

/// <summary><c>collection[index]</c> on an array or span.</summary>
internal sealed record ElementRef(TypeRef Type, Expr Collection, Expr Index) : Expr(Type);

/// <summary>Unary <c>-</c>, <c>+</c>, <c>!</c> or <c>~</c>.</summary>
internal sealed record Unary(TypeRef Type, string Operator, Expr Operand) : Expr(Type);

/// <summary>A binary operator on operands of the same type (comparisons yield <c>bool</c>).</summary>
internal sealed record Binary(TypeRef Type, string Operator, Expr Left, Expr Right) : Expr(Type);

/// <summary><c>condition ? whenTrue : whenFalse</c>.</summary>
internal sealed record Conditional(TypeRef Type, Expr Condition, Expr WhenTrue, Expr WhenFalse) : Expr(Type);

/// <summary>A numeric conversion to <see cref="Expr.Type"/>.</summary>
internal sealed record Cast(TypeRef Type, Expr Operand) : Expr(Type);

/// <summary>A call to a <c>System.Math</c> or <c>System.MathF</c> function with a known derivative.</summary>
internal sealed record MathCall(TypeRef Type, string ClassName, string Name, EquatableArray<Expr> Arguments) : Expr(Type);

/// <summary>A call to another <c>[Differentiable]</c> method, differentiated through its generated gradient.</summary>
internal sealed record DiffCall(TypeRef Type, CalleeRef Callee, Expr? Receiver, EquatableArray<Expr> Arguments) : Expr(Type);

/// <summary>
/// A value the transform treats as a constant: a field, a property, <c>this</c>, a call with a non-floating result.
/// <see cref="Format"/> is C# text in which <c>{0}</c>, <c>{1}</c>… stand for <see cref="Arguments"/>.
/// </summary>
internal sealed record Opaque(TypeRef Type, string Format, EquatableArray<Expr> Arguments) : Expr(Type);

/// <summary><c>new T[length]</c>.</summary>
internal sealed record NewArray(TypeRef Type, Expr Length) : Expr(Type);

/// <summary>
/// The callee of a <see cref="DiffCall"/>. <see cref="Key"/> identifies it in the table of registered derivatives;
/// <see cref="IsDifferentiable"/> says it has a generated <c>NameGradient</c> to fall back on.
/// </summary>
internal sealed record CalleeRef(string ContainingType, string Name, bool IsStatic, bool SameType, EquatableArray<CalleeParameter> Parameters, string Key, bool IsDifferentiable);

internal sealed record CalleeParameter(TypeRef Type, bool IsDifferentiable);

/// <summary>A statement, with the user's line (1-based) and source text for comments in the generated code.</summary>
internal abstract record Stmt(int Line, string Source);

/// <summary>
/// <c>Target = Value</c>. <see cref="CompoundOperator"/> remembers <c>+=</c>-style writing (then <see cref="Value"/>
/// is <c>Target op rhs</c>); <see cref="IsDeclaration"/> marks a local's initializer.
/// </summary>
internal sealed record Assign(int Line, string Source, Expr Target, Expr Value, string? CompoundOperator, bool IsDeclaration) : Stmt(Line, Source);

internal sealed record If(int Line, string Source, Expr Condition, Block Then, Block Else) : Stmt(Line, Source);

/// <summary>
/// Every loop: <c>for (Init; Condition; Step) Body</c>; <c>while</c> has no init or step; <c>do … while</c> sets
/// <see cref="ConditionAtEnd"/>; <c>foreach</c> arrives lowered to an indexed <c>for</c>.
/// </summary>
internal sealed record Loop(int Line, string Source, Block Init, Expr? Condition, Block Step, Block Body, bool ConditionAtEnd) : Stmt(Line, Source);

internal sealed record Break(int Line, string Source) : Stmt(Line, Source);

internal sealed record Continue(int Line, string Source) : Stmt(Line, Source);

/// <summary><c>return Value;</c>, or <c>return;</c> (null value) in a method with a vector output.</summary>
internal sealed record Return(int Line, string Source, Expr? Value) : Stmt(Line, Source);

/// <summary>A statement with no derivative (a <c>throw</c>, a call for its side effect): runs in the forward sweep only.</summary>
internal sealed record ForwardOnly(int Line, string Source, string Code) : Stmt(Line, Source);

internal sealed record Block(EquatableArray<Stmt> Statements)
{
    public static readonly Block Empty = new(EquatableArray<Stmt>.Empty);
}

/// <summary>A local of the user's method, by its unique name.</summary>
internal sealed record LocalModel(string Name, TypeRef Type);
