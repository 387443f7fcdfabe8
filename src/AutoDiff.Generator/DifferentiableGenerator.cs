using System;
using System.Collections.Immutable;
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

        // Diagnostics travel on their own output so that a moved diagnostic does not regenerate code.
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(Steps.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (production, items) =>
        {
            foreach (DiagnosticInfo diagnostic in items)
            {
                production.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        IncrementalValuesProvider<MethodModel> models = parsed
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .WithTrackingName(Steps.Model);

        IncrementalValuesProvider<TransformResult> gradients = models
            .Select(static (model, cancellationToken) => Transform(model, cancellationToken))
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

    /// <summary>The transform's output: the spec to emit, and an internal-error diagnostic if the transform failed.</summary>
    internal sealed record TransformResult(GradientSpec Spec, DiagnosticInfo? Error);

    internal static TransformResult Transform(MethodModel model, System.Threading.CancellationToken cancellationToken)
    {
        if (model.Body is null)
        {
            return new TransformResult(new GradientSpec(model, EquatableArray<string>.Empty), null);
        }

        try
        {
            GradientBody body = ReverseModeBuilder.Build(model, cancellationToken);
            return new TransformResult(new GradientSpec(model, body.Lines), null);
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
            return new TransformResult(new GradientSpec(stub, EquatableArray<string>.Empty), error);
        }
    }
}
