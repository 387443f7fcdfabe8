using System;
using System.Collections.Immutable;
using System.Linq;
using AutoDiff.Generator.Differentiation;
using AutoDiff.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AutoDiff.Generator;

/// <summary>
/// Writes reverse-mode derivatives of methods marked <c>[Differentiable]</c>. The pipeline has three stages, each
/// a cached step: parse (<see cref="Parser"/>: symbols and operations to an equatable model plus diagnostics),
/// transform (<see cref="ReverseModeBuilder"/>: the AD itself) and emit (<see cref="Emitter"/>: C# text).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class DifferentiableGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incremental-caching tests.</summary>
    internal static class Steps
    {
        public const string Parse = "Parse";
        public const string Model = "Model";
        public const string Transform = "Transform";
        public const string Diagnostics = "Diagnostics";
        public const string Registrations = "Registrations";
        public const string MetadataRegistrations = "MetadataRegistrations";
        public const string Table = "RegistrationTable";
        public const string ModelParameters = "ModelParameters";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                DifferentiableAttributeName,
                static (node, _) => node is MethodDeclarationSyntax,
                static (syntaxContext, cancellationToken) => Parser.Parse(syntaxContext, cancellationToken))
            .WithTrackingName(Steps.Parse);

        // Derivatives registered with [DerivativeOf]: in this compilation (checked, with diagnostics) and in
        // referenced assemblies. Together they form one table that the transform and the diagnostics consult.
        IncrementalValuesProvider<RegistrationResult> sourceRegistrations = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                Registrations.AttributeName,
                static (node, _) => node is MethodDeclarationSyntax,
                static (syntaxContext, cancellationToken) => Registrations.ParseSource(syntaxContext, cancellationToken))
            .WithTrackingName(Steps.Registrations);
        context.RegisterSourceOutput(sourceRegistrations.Select(static (r, _) => r.Diagnostics), static (production, items) => Report(production, items));

        IncrementalValueProvider<EquatableArray<DerivativeRegistration>> metadataRegistrations = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => Registrations.FromMetadata(compilation, cancellationToken))
            .WithTrackingName(Steps.MetadataRegistrations);

        // [Differentiable] methods that return tensors get a generated forward/pullback pair, which their callers in
        // this compilation use like any registered pullback (referenced assemblies ship the pair with [DerivativeOf]).
        // Only the signature matters here, so an edit inside such a method leaves the table unchanged.
        IncrementalValueProvider<ImmutableArray<DerivativeRegistration>> splitRegistrations = parsed
            .Where(static result => result.Model is { IsSplit: true })
            .Select(static (result, _) => result.Model!.SplitRegistration!)
            .Collect();

        IncrementalValueProvider<RegistrationTable> table = sourceRegistrations
            .Select(static (r, _) => r.Registrations)
            .Collect()
            .Combine(metadataRegistrations)
            .Combine(splitRegistrations)
            .Select(static (pair, _) => new RegistrationTable(pair.Left.Left.SelectMany(r => r).Concat(pair.Left.Right).Concat(pair.Right).ToEquatableArray()))
            .WithTrackingName(Steps.Table);

        // Diagnostics travel on their own output so that a moved diagnostic does not regenerate code.
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Combine(table)
            .Select(static (pair, _) => DiagnosticsOf(pair.Left, pair.Right))
            .WithTrackingName(Steps.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (production, items) => Report(production, items));

        // Models: [Parameter] members, grouped by type, get gradient tensors, GetParameters() and ZeroGradients().
        IncrementalValuesProvider<ModelParameter> modelParameters = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ParameterAttributeName,
                static (node, _) => node is VariableDeclaratorSyntax or PropertyDeclarationSyntax,
                static (syntaxContext, _) => ModelParameters.Parse(syntaxContext))
            .Where(static p => p is not null)
            .Select(static (p, _) => p!)
            .WithTrackingName(Steps.ModelParameters);
        context.RegisterSourceOutput(modelParameters.Collect(), static (production, parameters) => ModelParameters.Emit(production, parameters));

        IncrementalValuesProvider<MethodModel> models = parsed
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .WithTrackingName(Steps.Model);

        IncrementalValuesProvider<TransformResult> gradients = models
            .Combine(table)
            .Select(static (pair, cancellationToken) => Transform(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(Steps.Transform);

        context.RegisterSourceOutput(gradients, static (production, result) =>
        {
            if (result.Error is { } error)
            {
                production.ReportDiagnostic(error.ToDiagnostic());
            }

            production.AddSource(result.Spec.Method.HintName, Emitter.Emit(result.Spec));
        });
    }

    private static void Report(SourceProductionContext production, EquatableArray<DiagnosticInfo> items)
    {
        foreach (DiagnosticInfo diagnostic in items)
        {
            production.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }

    /// <summary>The parser's diagnostics, plus AD0009 for calls that turned out to have no registered derivative.</summary>
    private static EquatableArray<DiagnosticInfo> DiagnosticsOf(ParseResult result, RegistrationTable table)
    {
        if (result.PendingCalls.Count == 0)
        {
            return result.Diagnostics;
        }

        var diagnostics = result.Diagnostics.ToList();
        foreach (PendingCall call in result.PendingCalls)
        {
            DerivativeRegistration? registration = table.Find(call.Key);
            if (registration is null && !call.CalleeIsDifferentiable)
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.UnknownDerivative.Id, call.Location, ImmutableArray.Create(call.Callee, call.SuggestedSignature).ToEquatableArray()));
                continue;
            }

            // A differentiable value passed where the derivative in use has no gradient would be silently dropped.
            EquatableArray<bool> gradients = registration?.HasGradient ?? call.CalleeGradients;
            for (int i = 0; i < call.ActiveArguments.Count && i < gradients.Count; i++)
            {
                if (call.ActiveArguments[i] && !gradients[i])
                {
                    diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.DerivativeDropped.Id, call.Location, ImmutableArray.Create(call.Callee, call.ParameterNames[i]).ToEquatableArray()));
                }
            }
        }

        return diagnostics.ToEquatableArray();
    }

    /// <summary>The transform's output: the spec to emit, and an internal-error diagnostic if the transform failed.</summary>
    internal sealed record TransformResult(GradientSpec Spec, DiagnosticInfo? Error);

    internal static TransformResult Transform(MethodModel model, RegistrationTable table, System.Threading.CancellationToken cancellationToken)
    {
        if (model.Body is null)
        {
            return new TransformResult(new GradientSpec(model, EquatableArray<string>.Empty, EquatableArray<string>.Empty, EquatableArray<string>.Empty), null);
        }

        try
        {
            GradientBody body = ReverseModeBuilder.Build(model, table, cancellationToken);
            EquatableArray<string> forward = model.HasForward
                ? ForwardModeBuilder.Build(model, table, cancellationToken).Lines
                : EquatableArray<string>.Empty;
            EquatableArray<string> dual = model.HasSecondOrder && model.Output is null
                ? ReverseModeBuilder.BuildDual(model, table, cancellationToken).Lines
                : EquatableArray<string>.Empty;
            return new TransformResult(new GradientSpec(model, body.Lines, forward, dual, body.UsesArena, body.SplitForwardLines), null);
        }
        catch (UnresolvedCallException)
        {
            // AD0009 is reported at the call by the diagnostics step; emit a stub so that callers still compile.
            MethodModel stub = model with { Body = null, StubReason = "a call has no known derivative (see error AD0009)" };
            return new TransformResult(new GradientSpec(stub, EquatableArray<string>.Empty, EquatableArray<string>.Empty, EquatableArray<string>.Empty), null);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            // A bug in the transform: report it (no location survives into the model) and emit a throwing stub.
            var error = new DiagnosticInfo(DiagnosticDescriptors.InternalError.Id, null, ImmutableArray.Create(model.Name, exception.GetType().Name + ": " + exception.Message).ToEquatableArray());
            MethodModel stub = model with { Body = null, StubReason = "the generator failed (AD0099)" };
            return new TransformResult(new GradientSpec(stub, EquatableArray<string>.Empty, EquatableArray<string>.Empty, EquatableArray<string>.Empty), error);
        }
    }
}
