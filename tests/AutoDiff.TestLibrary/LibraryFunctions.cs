namespace AutoDiff.TestLibrary;

/// <summary>Differentiable code compiled in another assembly.</summary>
public static partial class LibraryFunctions
{
    /// <summary>A smooth function with a generated gradient: x² y + sin(y).</summary>
    [Differentiable]
    public static double Smooth(double x, double y) => x * x * y + Math.Sin(y);

    /// <summary>Sum of cubes over a span, with a generated gradient.</summary>
    [Differentiable]
    public static double SumOfCubes(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (double e in v)
        {
            s += e * e * e;
        }

        return s;
    }

    /// <summary>Stands for a routine the generator cannot look into (native code, a black box): log(1 + e^x).</summary>
    public static double Softplus(double x) => x > 30 ? x : Math.Log(1 + Math.Exp(x));

    /// <summary>The registered derivative of <see cref="Softplus"/>: the logistic function.</summary>
    [DerivativeOf(typeof(LibraryFunctions), nameof(Softplus))]
    public static double SoftplusDerivative(double x, out double dx)
    {
        dx = 1 / (1 + Math.Exp(-x));
        return Softplus(x);
    }
}
