using AutoDiff.Kernels;
using Xunit;

namespace AutoDiff.Runtime.Tests.Kernels;

/// <summary>
/// Test classes that set <see cref="KernelSettings.MaxThreads"/> (a process-wide setting) run one after another, so a
/// test that asks for two threads gets two.
/// </summary>
[CollectionDefinition(Name)]
public sealed class KernelThreads
{
    public const string Name = "Kernel thread count";

    /// <summary>Sets the thread count until the returned scope is disposed, then restores the previous one.</summary>
    public static IDisposable Use(int threads)
    {
        var scope = new Scope(KernelSettings.MaxThreads);
        KernelSettings.MaxThreads = threads;
        return scope;
    }

    private sealed class Scope(int saved) : IDisposable
    {
        public void Dispose() => KernelSettings.MaxThreads = saved;
    }
}
