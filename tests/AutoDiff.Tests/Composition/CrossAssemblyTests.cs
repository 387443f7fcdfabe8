using AutoDiff.TestLibrary;
using Xunit;

namespace AutoDiff.Tests.Composition;

/// <summary>[Differentiable] code calling another assembly's generated gradients and registered derivatives.</summary>
public static partial class CrossAssemblyFunctions
{
    [Differentiable]
    public static double UsesLibrary(double a, double b) => LibraryFunctions.Smooth(a, b) * a;

    [Differentiable]
    public static double UsesLibrarySpan(double[] v, double scale) => scale * LibraryFunctions.SumOfCubes(v);

    [Differentiable]
    public static double UsesRegisteredDerivative(double x) => LibraryFunctions.Softplus(2 * x) + x;
}

public sealed class CrossAssemblyTests
{
    [Fact]
    public void CallIntoAnotherAssembly_UsesItsGeneratedGradient()
    {
        double a = 0.7, b = -1.3;
        double value = CrossAssemblyFunctions.UsesLibraryGradient(a, b, out double da, out double db);

        // f = (a² b + sin b) a = a³ b + a sin b
        Assert.Equal((a * a * b + Math.Sin(b)) * a, value, 12);
        Assert.Equal(3 * a * a * b + Math.Sin(b), da, 12);
        Assert.Equal(a * a * a + a * Math.Cos(b), db, 12);
    }

    [Fact]
    public void CallIntoAnotherAssembly_WithSpanArgument_AccumulatesElementGradients()
    {
        double[] v = { 1.5, -2, 0.25 };
        double[] dv = new double[3];
        double value = CrossAssemblyFunctions.UsesLibrarySpanGradient(v, 2.0, dv, out double dscale);

        Assert.Equal(2.0 * (3.375 - 8 + 0.015625), value, 12);
        Assert.Equal(3.375 - 8 + 0.015625, dscale, 12);
        for (int i = 0; i < v.Length; i++)
        {
            Assert.Equal(2.0 * 3 * v[i] * v[i], dv[i], 12);
        }
    }

    [Fact]
    public void DerivativeRegisteredInAnotherAssembly_IsFoundInMetadata()
    {
        double x = 0.4;
        double value = CrossAssemblyFunctions.UsesRegisteredDerivativeGradient(x, out double dx);

        // d/dx [softplus(2x) + x] = 2 σ(2x) + 1
        Assert.Equal(Math.Log(1 + Math.Exp(2 * x)) + x, value, 12);
        Assert.Equal(2 / (1 + Math.Exp(-2 * x)) + 1, dx, 12);
    }
}
