using Microsoft.CodeAnalysis;

namespace AutoDiff.Generator;

/// <summary>Every diagnostic the generator reports. Ids are never reused; docs/diagnostics.md explains each one.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "AutoDiff";
    private const string HelpLinkBase = "https://github.com/autodiff/autodiff/blob/main/docs/diagnostics.md#";

    /// <summary>AD0001: <c>[Differentiable] method '{0}' must be declared in a partial type; '{1}' is not partial</c>.</summary>
    public static readonly DiagnosticDescriptor TypeNotPartial = Create(
        "AD0001", "Containing type must be partial",
        "[Differentiable] method '{0}' must be declared in a partial type, but '{1}' is not partial; add the 'partial' modifier to '{1}' (and to every type containing it)",
        DiagnosticSeverity.Error);

    /// <summary>AD0002: <c>[Differentiable] method '{0}' returns '{1}'; only double and float results can be differentiated</c>.</summary>
    public static readonly DiagnosticDescriptor UnsupportedReturnType = Create(
        "AD0002", "Unsupported return type",
        "[Differentiable] method '{0}' returns '{1}'; only 'double' and 'float' results can be differentiated: return the scalar loss and compute other outputs in a separate method",
        DiagnosticSeverity.Error);

    /// <summary>AD0003: <c>Parameter '{0}' of [Differentiable] method '{1}' {2}</c>.</summary>
    public static readonly DiagnosticDescriptor UnsupportedParameter = Create(
        "AD0003", "Unsupported parameter",
        "Parameter '{0}' of [Differentiable] method '{1}' {2}",
        DiagnosticSeverity.Error);

    /// <summary>AD0004: <c>try/catch/finally cannot be differentiated</c>.</summary>
    public static readonly DiagnosticDescriptor TryNotSupported = Create(
        "AD0004", "Exception handling is not differentiable",
        "'{0}' cannot be differentiated: the reverse sweep cannot replay exception handling; move the try/catch/finally to the caller of the [Differentiable] method",
        DiagnosticSeverity.Error);

    /// <summary>AD0005: <c>goto and labels cannot be differentiated</c>.</summary>
    public static readonly DiagnosticDescriptor GotoNotSupported = Create(
        "AD0005", "goto is not differentiable",
        "'{0}' cannot be differentiated: goto and labeled statements are not supported; use loops with break/continue or if/else",
        DiagnosticSeverity.Error);

    /// <summary>AD0006: <c>lambdas, anonymous methods, local functions and LINQ cannot be differentiated</c>.</summary>
    public static readonly DiagnosticDescriptor LambdaNotSupported = Create(
        "AD0006", "Lambdas and LINQ are not differentiable",
        "'{0}' cannot be differentiated: lambdas, anonymous methods, local functions and LINQ queries are not supported; write the loop out, or move the code into another [Differentiable] method and call it",
        DiagnosticSeverity.Error);

    /// <summary>AD0007: <c>unsafe code and pointers cannot be differentiated</c>.</summary>
    public static readonly DiagnosticDescriptor UnsafeNotSupported = Create(
        "AD0007", "Unsafe code is not differentiable",
        "'{0}' cannot be differentiated: unsafe code, pointers and fixed statements are not supported; use arrays or Span<T>",
        DiagnosticSeverity.Error);

    /// <summary>AD0008: <c>async methods and iterators cannot be differentiated</c>.</summary>
    public static readonly DiagnosticDescriptor AsyncOrIteratorNotSupported = Create(
        "AD0008", "Async methods and iterators are not differentiable",
        "[Differentiable] method '{0}' is {1}; only ordinary synchronous methods that return double or float can be differentiated",
        DiagnosticSeverity.Error);

    /// <summary>AD0009: <c>No derivative is known for '{0}'</c>.</summary>
    public static readonly DiagnosticDescriptor UnknownDerivative = Create(
        "AD0009", "No derivative is known for the callee",
        "No derivative is known for '{0}', which is called with a differentiable argument: {1}",
        DiagnosticSeverity.Error);

    /// <summary>AD0010: <c>'{0}' is not supported in a [Differentiable] method: {1}</c>.</summary>
    public static readonly DiagnosticDescriptor UnsupportedConstruct = Create(
        "AD0010", "Unsupported construct",
        "'{0}' is not supported in a [Differentiable] method: {1}",
        DiagnosticSeverity.Error);

    /// <summary>AD0011: <c>Parameter '{0}' does not affect the result of '{1}'; its gradient is always zero</c>.</summary>
    public static readonly DiagnosticDescriptor ParameterDoesNotAffectResult = Create(
        "AD0011", "Differentiable parameter does not affect the result",
        "Parameter '{0}' does not affect the result of '{1}', so its gradient is always zero; mark it [NoDerivative] if it is data, or check the formula",
        DiagnosticSeverity.Warning);

    /// <summary>AD0012: <c>Generic [Differentiable] methods are not supported</c>.</summary>
    public static readonly DiagnosticDescriptor GenericMethodNotSupported = Create(
        "AD0012", "Generic methods are not supported",
        "[Differentiable] method '{0}' is generic; write it for double or float (the containing type may be generic)",
        DiagnosticSeverity.Error);

    /// <summary>AD0013: <c>[Differentiable] method '{0}' has no body</c>.</summary>
    public static readonly DiagnosticDescriptor NoBody = Create(
        "AD0013", "Method has no body",
        "[Differentiable] method '{0}' has no body to differentiate (abstract, extern or partial without implementation)",
        DiagnosticSeverity.Error);

    /// <summary>AD0014: <c>'{0}' cannot be registered as a derivative: {1}</c>.</summary>
    public static readonly DiagnosticDescriptor InvalidDerivativeRegistration = Create(
        "AD0014", "Derivative registration does not match its function",
        "'{0}' cannot be registered as a derivative: {1}",
        DiagnosticSeverity.Error);

    /// <summary>AD0015: <c>A differentiable value is passed to parameter '{1}' of '{0}', which has no derivative</c>.</summary>
    public static readonly DiagnosticDescriptor DerivativeDropped = Create(
        "AD0015", "Differentiable argument passed to a parameter without derivative",
        "A differentiable value is passed to parameter '{1}' of '{0}', but '{1}' is [NoDerivative] there, so its derivative would be lost; remove [NoDerivative] from '{1}' (or give the registered derivative an output for it), or pass a constant",
        DiagnosticSeverity.Error);

    /// <summary>AD0016: <c>A chain of {0} saturating activations … vanishing gradients</c>.</summary>
    public static readonly DiagnosticDescriptor SaturatingChain = Create(
        "AD0016", "Chain of saturating activations: vanishing-gradient risk",
        "This {0} is the {1} saturating activation (sigmoid/tanh) in a chain with no residual connection or normalisation in between: each one multiplies the gradient by at most {2}, so the first layers will learn much more slowly than the last (vanishing gradients). Use ReLU-family activations with He initialisation, add residual connections (TensorOps.Add(h, f(h))) or batch normalisation between layers, or suppress AD0016 if the depth is intended.",
        DiagnosticSeverity.Warning);

    /// <summary>AD0099: <c>The AutoDiff generator failed on '{0}': {1}</c>.</summary>
    public static readonly DiagnosticDescriptor InternalError = Create(
        "AD0099", "Internal generator error",
        "The AutoDiff generator failed on '{0}': {1}. This is a bug in AutoDiff; please report it with the method's code.",
        DiagnosticSeverity.Error);

    private static readonly DiagnosticDescriptor[] All =
    {
        TypeNotPartial, UnsupportedReturnType, UnsupportedParameter, TryNotSupported, GotoNotSupported,
        LambdaNotSupported, UnsafeNotSupported, AsyncOrIteratorNotSupported, UnknownDerivative, UnsupportedConstruct,
        ParameterDoesNotAffectResult, GenericMethodNotSupported, NoBody, InvalidDerivativeRegistration, DerivativeDropped, SaturatingChain, InternalError,
    };

    public static DiagnosticDescriptor ById(string id)
    {
        foreach (DiagnosticDescriptor descriptor in All)
        {
            if (descriptor.Id == id)
            {
                return descriptor;
            }
        }

        return InternalError;
    }

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id.ToLowerInvariant());
}
