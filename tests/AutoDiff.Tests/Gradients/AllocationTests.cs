using Xunit;
using C = AutoDiff.Tests.Gradients.CallFunctions;
using L = AutoDiff.Tests.Gradients.LoopFunctions;

namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Generated gradients allocate nothing in steady state: tapes and gradient buffers are pooled and reused.
/// Each test warms up (tapes grow, pools fill, the JIT settles) and then counts this thread's allocations over
/// 1000 further calls.
/// </summary>
public sealed class AllocationTests
{
    private const int WarmUp = 300;
    private const int Calls = 1000;

    internal static void AssertNoAllocationInSteadyState(Action call, int warmUp = WarmUp, int calls = Calls)
    {
        for (int i = 0; i < warmUp; i++)
        {
            call();
        }

        // A one-off runtime allocation (tiered JIT installing optimised code while the suite runs in parallel) can land
        // in a window; a gradient that allocates per call allocates in every window. Three windows of `calls` calls:
        // at least one must allocate nothing.
        var windows = new List<long>();
        for (int window = 0; window < 3; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
            {
                call();
            }

            windows.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            if (windows[^1] == 0)
            {
                return;
            }
        }

        Assert.Fail($"every window of {calls} calls allocated: {string.Join(", ", windows)} bytes");
    }

    private static readonly double[] X = { 0.3, -0.8, 1.1, 0.25, -0.4, 0.9, -1.2, 0.6, 0.1, -0.05, 0.7, -0.3 };

    private static long AllocatedPerCall(Action call)
    {
        for (int i = 0; i < WarmUp; i++)
        {
            call();
        }

        // The fewest bytes over three windows (see AssertNoAllocationInSteadyState), per call.
        long fewest = long.MaxValue;
        for (int window = 0; window < 3; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Calls; i++)
            {
                call();
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest / Calls;
    }

    [Fact]
    public void Gradient_OfMethodCreatingALocalArray_AllocatesOnlyWhatTheMethodDoes()
    {
        // The method allocates its own array on every call; the gradient borrows the array's adjoint from the pool.
        double[] g = new double[X.Length];
        long function = AllocatedPerCall(() => L.LocalArrayPrefix(X));
        long gradient = AllocatedPerCall(() => L.LocalArrayPrefixGradient(X, g));
        Assert.True(function > 0, "the method itself should allocate its local array");
        Assert.Equal(function, gradient);
    }

    [Fact]
    public void Gradient_OfLoopOverArray_AllocatesNothingAfterWarmUp()
    {
        double[] g = new double[X.Length];
        AssertNoAllocationInSteadyState(() => L.ForWeightedSquaresGradient(X, g));
        Assert.Equal(2 * X[0], g[0], 1e-15);
    }

    [Fact]
    public void Gradient_OfLoopOverwritingAValueReadLater_UsesItsTapeWithoutAllocating()
    {
        double dx = 0;
        AssertNoAllocationInSteadyState(() => L.OverwriteAcrossIterationsGradient(0.4, 50, out dx));
        Assert.NotEqual(0, dx);
    }

    [Fact]
    public void Gradient_OfWhileAndDoWhileLoopsWithTape_AllocatesNothingAfterWarmUp()
    {
        AssertNoAllocationInSteadyState(() =>
        {
            L.WhileOverwriteGradient(0.4, 40, out _);
            L.DoWhileGradient(0.2, 40, out _);
            L.WhileTrueBreakContinueGradient(0.5, 30, out _);
        });
    }

    [Fact]
    public void Gradient_OfNestedLoopsWithBreakContinueAndReturn_AllocatesNothingAfterWarmUp()
    {
        double[] g = new double[X.Length];
        AssertNoAllocationInSteadyState(() =>
        {
            L.NestedBreakContinueGradient(X, 1.5, g, out _);
            L.ReturnInsideNestedLoopGradient(X, 1.0, g, out _);
            L.ForeachSpanOverwriteGradient(X, 0.3, g, out _);
        });
    }

    [Fact]
    public void Gradient_CallingADifferentiableMethodWithAnArrayArgument_AllocatesNothingAfterWarmUp()
    {
        double[] g = new double[X.Length];
        double ds = 0;
        AssertNoAllocationInSteadyState(() => C.CallsWithArrayArgumentGradient(X, 0.7, g, out ds));
        Assert.NotEqual(0, ds);
    }

    [Fact]
    public void Gradient_CallingDifferentiableMethodsInsideALoop_AllocatesNothingAfterWarmUp()
    {
        double[] g = new double[X.Length];
        AssertNoAllocationInSteadyState(() => C.CallsInLoopGradient(X, 0.2, g, out _));
    }

    [Fact]
    public void Gradient_OfFloatSpanLoopAndInstanceMethods_AllocatesNothingAfterWarmUp()
    {
        float[] xf = X.Select(v => (float)v).ToArray();
        float[] gf = new float[xf.Length];
        double[] g = new double[X.Length];
        var scaler = new FloatScaler();
        var osc = new Oscillator(1.3, new[] { 0.3, -0.7, 1.1 });
        AssertNoAllocationInSteadyState(() =>
        {
            L.ForeachSpanFGradient(xf, 0.3f, gf, out _);
            L.NestedLoopsFGradient(xf, 0.2f, gf, out _);
            scaler.ScaleGradient(0.4f, xf, out _, gf);
            osc.WeightedLossGradient(X, g);
            osc.CallsInstanceAndStaticGradient(0.3, -0.2, out _, out _);
        });
    }

    [Fact]
    public void Gradient_OfRecursionThroughTapedLoops_AllocatesNothingAfterWarmUp()
    {
        double[] g = new double[X.Length];
        AssertNoAllocationInSteadyState(() => MoreLoopFunctions.RecursiveWithTapedLoopGradient(X, 3, g));
    }

    [Fact]
    public void AllocationCheck_DetectsACallThatAllocates()
    {
        Assert.ThrowsAny<Exception>(() => AssertNoAllocationInSteadyState(() => GC.KeepAlive(new double[4])));
    }
}
