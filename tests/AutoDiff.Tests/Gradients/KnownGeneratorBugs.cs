#if AUTODIFF_BUG_REPROS
using AutoDiff;
using Xunit;
using C = AutoDiff.Tests.Gradients.KnownGeneratorBugs;

namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Open generator bugs found by the finite-difference suite: functions whose generated gradient is wrong or throws.
/// Compiled only with AUTODIFF_BUG_REPROS defined (so the suite stays green meanwhile); run them with
/// <c>dotnet test tests/AutoDiff.Tests -p:DefineConstants=AUTODIFF_BUG_REPROS --filter KnownGeneratorBugTests</c>.
/// When one is fixed, move it into the normal function and test files; if it becomes a compile-time diagnostic
/// instead, delete it here (diagnostics are tested in tests/AutoDiff.Tests/Generator).
/// </summary>
public static partial class KnownGeneratorBugs
{
    /// <summary>Writes into its span argument; its own gradient is right, its callers' are not.</summary>
    [Differentiable]
    public static double ScaleInPlace(Span<double> x, double c)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = x[i] * c;
            s += x[i];
        }

        return s;
    }

    [Differentiable]
    public static double CallerOfMutatingCallee(double[] x, double c)
    {
        double[] y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i];
        }

        double s = ScaleInPlace(y, c);
        double t = 0;
        for (int i = 0; i < y.Length; i++)
        {
            t += y[i] * y[i];
        }

        return s + t;
    }

    [Differentiable]
    public static double CallerCallsTwice(double[] x, double c)
    {
        double[] y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i];
        }

        double a = ScaleInPlace(y, c);
        double b = ScaleInPlace(y, c);
        return a * b;
    }

    /// <summary>y aliases the parameter x: the gradient throws NullReferenceException (d_y is never allocated).</summary>
    [Differentiable]
    public static double AliasParameter(double[] x, double c)
    {
        double[] y = x;
        y[0] = y[0] * c;
        return x[0] * x[0] + y[0];
    }

    /// <summary>Swapped buffers: the adjoints are not swapped and overwritten elements are not saved.</summary>
    [Differentiable]
    public static double PingPong(double[] x)
    {
        int n = x.Length;
        double[] cur = new double[n];
        double[] next = new double[n];
        for (int i = 0; i < n; i++)
        {
            cur[i] = x[i];
        }

        for (int it = 0; it < 3; it++)
        {
            for (int i = 0; i < n; i++)
            {
                next[i] = 0.5 * cur[i] + 0.25 * (cur[(i + 1) % n] + cur[(i + n - 1) % n]) * cur[i];
            }

            double[] tmp = cur;
            cur = next;
            next = tmp;
        }

        double s = 0;
        for (int i = 0; i < n; i++)
        {
            s += cur[i] * cur[i];
        }

        return s;
    }

    /// <summary>x.AsSpan(...) carries x's elements into the callee, but its derivative is dropped without a diagnostic.</summary>
    [Differentiable]
    public static double SliceToCallee(double[] x)
    {
        if (x.Length < 3)
        {
            return 0;
        }

        return Helpers.SpanNorm2(x.AsSpan(1, x.Length - 2)) + Helpers.SpanNorm2(x.AsSpan(2)) * x[0];
    }

    /// <summary>The adjoint of a stackalloc'ed span local gets no storage: IndexOutOfRangeException.</summary>
    [Differentiable]
    public static double StackallocBuffer(double[] x)
    {
        Span<double> buf = stackalloc double[4];
        for (int i = 0; i < x.Length && i < 4; i++)
        {
            buf[i] = x[i] * x[i];
        }

        return buf[0] + buf[1] * buf[2];
    }

    /// <summary>A fresh array each iteration: the reverse sweep sees only the last one, with its elements zeroed.</summary>
    [Differentiable]
    public static double ArrayPerIteration(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double[] t = new double[2];
            t[0] = x[i] * 2;
            t[1] = Math.Sin(x[i]) + s;
            s += t[0] * t[1];
        }

        return s;
    }

    /// <summary>The adjoint of an array created by a conditional expression is never allocated.</summary>
    [Differentiable]
    public static double ConditionalArrayCreation(double[] x)
    {
        double[] buf = x.Length > 3 ? new double[4] : new double[2];
        for (int i = 0; i < buf.Length && i < x.Length; i++)
        {
            buf[i] = x[i] * x[i];
        }

        return buf[0] + buf[1] * 3;
    }
}

public sealed class KnownGeneratorBugTests
{
    [Fact]
    public void Gradient_ThroughAnArrayCreatedInEachIteration_MatchesFiniteDifferences() =>
        Check.Array(909, C.ArrayPerIteration, C.ArrayPerIterationGradient);

    [Fact]
    public void Gradient_ThroughAnArrayCreatedByAConditional_MatchesFiniteDifferences() =>
        Check.Array(910, C.ConditionalArrayCreation, C.ConditionalArrayCreationGradient, lengths: new[] { 2, 3, 4, 6 });

    [Fact]
    public void Gradient_ThroughStackallocatedSpanLocal_MatchesFiniteDifferences() =>
        Check.Array(908, C.StackallocBuffer, C.StackallocBufferGradient, lengths: new[] { 3, 4, 6 });

    [Fact]
    public void Gradient_ThroughLocalArrayAliasingTheParameter_MatchesFiniteDifferences() =>
        Check.ArrayScalar(905, C.AliasParameter, C.AliasParameterGradient, lengths: new[] { 1, 3 });

    [Fact]
    public void Gradient_ThroughSwappedPingPongBuffers_MatchesFiniteDifferences() =>
        Check.Array(906, C.PingPong, C.PingPongGradient, lengths: new[] { 1, 2, 3, 5, 8 });

    [Fact]
    public void Gradient_ThroughSlicesPassedToACallee_MatchesFiniteDifferences() =>
        Check.Array(907, C.SliceToCallee, C.SliceToCalleeGradient);

    [Fact]
    public void Gradient_ThroughCalleeThatWritesIntoTheCallersArray_MatchesFiniteDifferences() =>
        Check.ArrayScalar(903, C.CallerOfMutatingCallee, C.CallerOfMutatingCalleeGradient);

    [Fact]
    public void Gradient_ThroughTwoCallsOfACalleeThatWritesIntoTheSameArray_MatchesFiniteDifferences() =>
        Check.ArrayScalar(904, C.CallerCallsTwice, C.CallerCallsTwiceGradient);
}
#endif
