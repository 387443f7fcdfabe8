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






}

public sealed class KnownGeneratorBugTests
{




    [Fact]
    public void Gradient_ThroughCalleeThatWritesIntoTheCallersArray_MatchesFiniteDifferences() =>
        Check.ArrayScalar(903, C.CallerOfMutatingCallee, C.CallerOfMutatingCalleeGradient);

    [Fact]
    public void Gradient_ThroughTwoCallsOfACalleeThatWritesIntoTheSameArray_MatchesFiniteDifferences() =>
        Check.ArrayScalar(904, C.CallerCallsTwice, C.CallerCallsTwiceGradient);
}
#endif
