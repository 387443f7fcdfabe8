using System.ComponentModel;
using System.Reflection;
using AutoDiff.CompilerServices;
using Xunit;

namespace AutoDiff.Runtime.Tests.PublicApi;

/// <summary>
/// What generated code needs from the runtime is public (it is compiled into the user's assembly), but it is not API
/// for people: every such type and member is hidden from IntelliSense (docs/package.md#public-api).
/// </summary>
public class CompilerServicesSurfaceTests
{
    [Fact]
    public void EveryPublicCompilerServicesType_IsHiddenFromIntelliSense()
    {
        Type[] types = typeof(Tape<>).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == "AutoDiff.CompilerServices" && !t.IsNested)
            .ToArray();

        Assert.Equal(["GradientBuffer", "ModelSupport", "Tape`1", "TensorArena"], types.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(types, t => Assert.Equal(EditorBrowsableState.Never, t.GetCustomAttribute<EditorBrowsableAttribute>()?.State));
    }

    [Fact]
    public void AnomalyCheckCalledByGeneratedCode_IsHiddenFromIntelliSense()
    {
        MethodInfo[] checks = typeof(AnomalyDetection).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == nameof(AnomalyDetection.Check))
            .ToArray();

        Assert.NotEmpty(checks);
        Assert.All(checks, m => Assert.Equal(EditorBrowsableState.Never, m.GetCustomAttribute<EditorBrowsableAttribute>()?.State));
        Assert.Null(typeof(AnomalyDetection).GetProperty(nameof(AnomalyDetection.IsEnabled))!.GetCustomAttribute<EditorBrowsableAttribute>());
    }
}
