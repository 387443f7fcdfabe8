using Microsoft.CodeAnalysis;

namespace AutoDiff.Generator;

/// <summary>Writes reverse-mode derivatives of methods marked <c>[Differentiable]</c>.</summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class DifferentiableGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
