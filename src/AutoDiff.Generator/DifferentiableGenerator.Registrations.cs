using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AutoDiff.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AutoDiff.Generator;

/// <summary>A derivative registered with <c>[DerivativeOf]</c>: which function, which method computes it, and which parameters get gradients.</summary>
/// <param name="IsPullback">
/// True for the pullback form of functions on tensors: <c>void FPullback(p…, R result, R resultGradient, Tensor? g…)</c>,
/// which adds to the gradients it is given; false for the gradient form of scalar functions.
/// </param>
/// <param name="ForwardMethod">
/// The recording forward that pairs with the pullback (<c>[DerivativeOf(…, Forward = …)]</c>, and every generated
/// <c>FForward</c>/<c>FReverse</c> pair): called instead of the function in the forward sweep; its pullback is then
/// always called, once per forward call, so that it pops what the forward recorded.
/// </param>
internal sealed record DerivativeRegistration(string TargetKey, string DerivativeMethod, EquatableArray<bool> HasGradient, bool IsPullback = false, string? ForwardMethod = null);

/// <summary>All registrations visible to a compilation: from its own source and from referenced assemblies.</summary>
internal sealed record RegistrationTable(EquatableArray<DerivativeRegistration> Registrations)
{
    public DerivativeRegistration? Find(string key)
    {
        foreach (DerivativeRegistration registration in Registrations)
        {
            if (registration.TargetKey == key)
            {
                return registration;
            }
        }

        return null;
    }
}

/// <summary>What parsing one <c>[DerivativeOf]</c> method in source produced.</summary>
internal sealed record RegistrationResult(EquatableArray<DerivativeRegistration> Registrations, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Finds and checks <c>[DerivativeOf]</c> registrations, in source and in metadata.</summary>
internal static class Registrations
{
    public const string AttributeName = "AutoDiff.DerivativeOfAttribute";

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    /// <summary>The identity of a function in the registration table: <c>global::NS.Type.Name(double, double[])</c>.</summary>
    public static string KeyOf(IMethodSymbol method) =>
        method.ContainingType.ToDisplayString(TypeFormat) + "." + method.Name + "(" +
        string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString(TypeFormat))) + ")";

    /// <summary>How the function is named in messages: <c>Type.Name(double, double[])</c>.</summary>
    public static string Display(IMethodSymbol method) =>
        method.ContainingType.Name + "." + method.Name + "(" + string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString())) + ")";

    /// <summary>
    /// The advice for a call without derivative: mark it [Differentiable] when its source is ours, and in any case the
    /// exact derivative method to register, ready to paste.
    /// </summary>
    public static string SuggestedSignature(IMethodSymbol method)
    {
        string owner = method.ContainingType.ToDisplayString(TypeFormat);
        var parameters = method.Parameters.Select(p => p.Type.ToDisplayString(TypeFormat) + " " + p.Name).ToList();
        if (UsesTensors(method))
        {
            // Pullback form: the inputs, the result and its gradient, then one gradient to add to per tensor input.
            string result = method.ReturnType.ToDisplayString(TypeFormat);
            parameters.Add($"{result} result");
            parameters.Add($"{result} resultGradient");
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                TypeRef type = DifferentiableGenerator.Parser.ToTypeRef(parameter.Type);
                if (type.IsTensor || type.IsTensorArray)
                {
                    parameters.Add($"{(type.IsTensor ? "global::AutoDiff.Tensor?" : "global::AutoDiff.Tensor[]?")} d{parameter.Name}");
                }
            }

            string pullback =
                $"[global::AutoDiff.DerivativeOf(typeof({owner}), nameof({owner}.{method.Name}))] " +
                $"public static void {method.Name}Pullback({string.Join(", ", parameters)})";
            return method.IsStatic
                ? "register its pullback by adding this method to a static class (it adds ∂loss/∂input to each non-null gradient): " + pullback
                : "derivatives can be registered only for static methods";
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            TypeRef type = DifferentiableGenerator.Parser.ToTypeRef(parameter.Type);
            if (type.IsFloating)
            {
                parameters.Add($"out {type.ElementName} d{parameter.Name}");
            }
            else if (type.IsFloatingCollection)
            {
                parameters.Add($"global::System.Span<{type.ElementName}> d{parameter.Name}");
            }
        }

        string registration =
            $"[global::AutoDiff.DerivativeOf(typeof({owner}), nameof({owner}.{method.Name}))] " +
            $"public static {method.ReturnType.ToDisplayString(TypeFormat)} {method.Name}Gradient({string.Join(", ", parameters)})";
        bool inSource = method.Locations.Any(l => l.IsInSource);
        string advice = method.IsStatic
            ? "register its derivative by adding this method to a static class: " + registration
            : "derivatives can be registered only for static methods";
        return inSource ? $"mark it [Differentiable] so its gradient is generated, or {advice}" : advice;
    }

    /// <summary>Stage 1 for registrations written in this compilation: check each against its function.</summary>
    public static RegistrationResult ParseSource(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var registrations = new List<DerivativeRegistration>();
        var diagnostics = new List<DiagnosticInfo>();
        if (context.TargetSymbol is not IMethodSymbol derivative)
        {
            return new RegistrationResult(EquatableArray<DerivativeRegistration>.Empty, EquatableArray<DiagnosticInfo>.Empty);
        }

        foreach (AttributeData attribute in context.Attributes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Location? location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation()
                                 ?? (context.TargetNode as MethodDeclarationSyntax)?.Identifier.GetLocation();
            (DerivativeRegistration? registration, string? error) = Check(derivative, attribute);
            if (registration is not null)
            {
                registrations.Add(registration);
            }
            else if (error is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDerivativeRegistration, location, derivative.Name, error));
            }
        }

        return new RegistrationResult(registrations.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    /// <summary>Registrations shipped in referenced assemblies that build on AutoDiff.</summary>
    public static EquatableArray<DerivativeRegistration> FromMetadata(Compilation compilation, CancellationToken cancellationToken)
    {
        var registrations = new List<DerivativeRegistration>();
        foreach (IAssemblySymbol assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            bool usesAutoDiff = assembly.Name == "AutoDiff.Runtime" ||
                                assembly.Modules.Any(m => m.ReferencedAssemblies.Any(r => r.Name == "AutoDiff.Runtime"));
            if (usesAutoDiff)
            {
                Visit(assembly.GlobalNamespace, registrations, cancellationToken);
            }
        }

        return registrations.OrderBy(r => r.TargetKey, System.StringComparer.Ordinal).ToEquatableArray();
    }

    private static void Visit(INamespaceOrTypeSymbol container, List<DerivativeRegistration> registrations, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (ISymbol member in container.GetMembers())
        {
            switch (member)
            {
                case INamespaceOrTypeSymbol nested:
                    Visit(nested, registrations, cancellationToken);
                    break;
                case IMethodSymbol method when method.DeclaredAccessibility == Accessibility.Public:
                    foreach (AttributeData attribute in method.GetAttributes())
                    {
                        if (attribute.AttributeClass?.ToDisplayString() == AttributeName && Check(method, attribute).Registration is { } registration)
                        {
                            registrations.Add(registration);
                        }
                    }

                    break;
            }
        }
    }

    /// <summary>Matches a derivative against the function its attribute names; returns the registration or why not.</summary>
    private static (DerivativeRegistration? Registration, string? Error) Check(IMethodSymbol derivative, AttributeData attribute)
    {
        if (attribute.ConstructorArguments.Length != 2 ||
            attribute.ConstructorArguments[0].Value is not INamedTypeSymbol type ||
            attribute.ConstructorArguments[1].Value is not string name)
        {
            return (null, null); // the compiler reports malformed attribute arguments
        }

        if (!derivative.IsStatic)
        {
            return (null, "a derivative must be a static method");
        }

        List<IMethodSymbol> candidates = type.GetMembers(name).OfType<IMethodSymbol>().ToList();
        if (candidates.Count == 0)
        {
            return (null, $"'{type.ToDisplayString()}' has no method named '{name}'");
        }

        string? firstError = null;
        foreach (IMethodSymbol target in candidates)
        {
            bool pullback = UsesTensors(target);
            string? error = pullback ? MatchPullback(derivative, target, out EquatableArray<bool> hasGradient) : Match(derivative, target, out hasGradient);
            if (error is null)
            {
                string owner = derivative.ContainingType.ToDisplayString(TypeFormat) + ".";
                string? forward = null;
                foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
                {
                    if (argument.Key == "Forward" && argument.Value.Value is string name2)
                    {
                        if (!pullback)
                        {
                            return (null, "a recording Forward pairs only with a pullback (a function on tensors)");
                        }

                        if (!derivative.ContainingType.GetMembers(name2).OfType<IMethodSymbol>().Any(m => m.IsStatic && m.Parameters.Length == target.Parameters.Length &&
                                SymbolEqualityComparer.Default.Equals(m.ReturnType, target.ReturnType)))
                        {
                            return (null, $"'{derivative.ContainingType.Name}' has no static method '{name2}' with the parameters and result of '{Display(target)}' to serve as its recording forward");
                        }

                        forward = owner + name2;
                    }
                }

                return (new DerivativeRegistration(KeyOf(target), owner + derivative.Name, hasGradient, pullback, forward), null);
            }

            firstError ??= error + ". Expected: " + SuggestedSignature(target).Split(new[] { ": " }, 2, System.StringSplitOptions.None).Last();
        }

        return (null, firstError);
    }

    /// <summary>True when a function takes or returns tensors: its derivative is registered in pullback form.</summary>
    public static bool UsesTensors(IMethodSymbol method) =>
        DifferentiableGenerator.Parser.ToTypeRef(method.ReturnType).IsTensor ||
        method.Parameters.Any(p => DifferentiableGenerator.Parser.ToTypeRef(p.Type).IsTensor);

    /// <summary>
    /// Pullback form: <c>static void FPullback(p1, …, pn, R result, R resultGradient, Tensor? g…)</c>, one gradient per
    /// tensor parameter (not marked [NoDerivative]), which the pullback adds to.
    /// </summary>
    private static string? MatchPullback(IMethodSymbol derivative, IMethodSymbol target, out EquatableArray<bool> hasGradient)
    {
        hasGradient = EquatableArray<bool>.Empty;
        if (!target.IsStatic)
        {
            return $"'{Display(target)}' is an instance method; derivatives can be registered only for static methods";
        }

        TypeRef result = DifferentiableGenerator.Parser.ToTypeRef(target.ReturnType);
        if (!result.IsTensor && !result.IsFloating)
        {
            return $"'{Display(target)}' returns '{target.ReturnType.ToDisplayString()}', not a Tensor, double or float";
        }

        if (!derivative.ReturnsVoid)
        {
            return "a pullback returns void";
        }

        int n = target.Parameters.Length;
        if (derivative.Parameters.Length < n + 2)
        {
            return $"it must take the {n} parameters of '{Display(target)}', then the result and the result's gradient";
        }

        for (int i = 0; i < n; i++)
        {
            if (!SymbolEqualityComparer.Default.Equals(target.Parameters[i].Type, derivative.Parameters[i].Type))
            {
                return $"parameter {i + 1} is '{derivative.Parameters[i].Type.ToDisplayString()}' but '{Display(target)}' takes '{target.Parameters[i].Type.ToDisplayString()}'";
            }
        }

        for (int i = n; i < n + 2; i++)
        {
            if (!SymbolEqualityComparer.Default.Equals(target.ReturnType, derivative.Parameters[i].Type))
            {
                return $"parameter {i + 1} ({(i == n ? "the result" : "the result's gradient")}) must be '{target.ReturnType.ToDisplayString()}'";
            }
        }

        var flags = new List<bool>();
        int next = n + 2;
        for (int i = 0; i < n; i++)
        {
            TypeRef parameterType = DifferentiableGenerator.Parser.ToTypeRef(target.Parameters[i].Type);
            bool tensor = parameterType.IsTensor || parameterType.IsTensorArray;
            bool noDerivative = derivative.Parameters[i].GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == DifferentiableGenerator.NoDerivativeAttributeName);
            bool differentiable = tensor && !noDerivative;
            flags.Add(differentiable);
            if (!differentiable)
            {
                continue;
            }

            TypeRef gradientType = next < derivative.Parameters.Length ? DifferentiableGenerator.Parser.ToTypeRef(derivative.Parameters[next].Type) : TypeRef.Int;
            if (parameterType.IsTensor ? !gradientType.IsTensor : !gradientType.IsTensorArray)
            {
                return $"it needs a '{(parameterType.IsTensor ? "Tensor?" : "Tensor[]?")}' gradient for parameter '{target.Parameters[i].Name}' after the result's gradient";
            }

            next++;
        }

        if (next != derivative.Parameters.Length)
        {
            return "it has more parameters than the function's inputs, result, result gradient and tensor gradients";
        }

        hasGradient = flags.ToEquatableArray();
        return null;
    }

    private static string? Match(IMethodSymbol derivative, IMethodSymbol target, out EquatableArray<bool> hasGradient)
    {
        hasGradient = EquatableArray<bool>.Empty;
        if (!target.IsStatic)
        {
            return $"'{Display(target)}' is an instance method; derivatives can be registered only for static methods";
        }

        TypeRef result = DifferentiableGenerator.Parser.ToTypeRef(target.ReturnType);
        if (!result.IsFloating)
        {
            return $"'{Display(target)}' returns '{target.ReturnType.ToDisplayString()}', not double or float";
        }

        if (!SymbolEqualityComparer.Default.Equals(derivative.ReturnType, target.ReturnType))
        {
            return $"it returns '{derivative.ReturnType.ToDisplayString()}' but '{Display(target)}' returns '{target.ReturnType.ToDisplayString()}'";
        }

        int n = target.Parameters.Length;
        if (derivative.Parameters.Length < n)
        {
            return $"it must start with the {n} parameters of '{Display(target)}'";
        }

        var flags = new List<bool>();
        int next = n;
        for (int i = 0; i < n; i++)
        {
            IParameterSymbol expected = target.Parameters[i];
            IParameterSymbol actual = derivative.Parameters[i];
            if (!SymbolEqualityComparer.Default.Equals(expected.Type, actual.Type))
            {
                return $"parameter {i + 1} is '{actual.Type.ToDisplayString()}' but '{Display(target)}' takes '{expected.Type.ToDisplayString()}'";
            }

            TypeRef type = DifferentiableGenerator.Parser.ToTypeRef(expected.Type);
            bool noDerivative = actual.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == DifferentiableGenerator.NoDerivativeAttributeName);
            bool differentiable = (type.IsFloating || type.IsFloatingCollection) && !noDerivative;
            flags.Add(differentiable);
            if (!differentiable)
            {
                continue;
            }

            if (next >= derivative.Parameters.Length)
            {
                return $"it has no gradient output for parameter '{expected.Name}' (mark that parameter [NoDerivative] if it should have none)";
            }

            IParameterSymbol output = derivative.Parameters[next++];
            TypeRef outputType = DifferentiableGenerator.Parser.ToTypeRef(output.Type);
            bool ok = type.IsFloating
                ? output.RefKind == RefKind.Out && outputType == type
                : output.RefKind == RefKind.None && outputType.Shape == TypeShape.Span && outputType.Element == type.Element;
            if (!ok)
            {
                string wanted = type.IsFloating ? $"out {type.ElementName}" : $"System.Span<{type.ElementName}>";
                return $"the gradient output for '{expected.Name}' must be '{wanted}', not '{(output.RefKind == RefKind.Out ? "out " : string.Empty)}{output.Type.ToDisplayString()}'";
            }
        }

        if (next != derivative.Parameters.Length)
        {
            return "it has more parameters than the function's inputs and their gradient outputs";
        }

        hasGradient = flags.ToEquatableArray();
        return null;
    }
}
