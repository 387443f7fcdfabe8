using Xunit;
using S = AutoDiff.Tests.Gradients.StencilFunctions;

namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Stencil loops against finite differences, for every length from 0 (the loop does not run and the output must still
/// be zeroed) upward; <see cref="Check"/> fills the gradient outputs with NaN first.
/// </summary>
public sealed class StencilGradientTests
{
    private static readonly int[] Lengths = { 0, 1, 2, 3, 4, 7, 10 };

    [Fact]
    public void Gradient_OfNeighbourProducts_MatchesFiniteDifferences() =>
        Check.Array(1101, S.NeighbourProducts, S.NeighbourProductsGradient, Lengths);

    [Fact]
    public void Gradient_OfSecondDifference_MatchesFiniteDifferences() =>
        Check.Array(1102, S.SecondDifference, S.SecondDifferenceGradient, Lengths);

    [Fact]
    public void Gradient_OfStencilWithAGap_MatchesFiniteDifferences() =>
        Check.Array(1103, S.SkipOne, S.SkipOneGradient, Lengths);

    [Fact]
    public void Gradient_OfInteriorStencil_MatchesFiniteDifferencesAndLeavesTheEndsZero()
    {
        Check.Array(1104, S.InteriorOnly, S.InteriorOnlyGradient, Lengths);
        double[] x = { 0.5, -1, 2, 0.25, 3 };
        double[] g = Enumerable.Repeat(double.NaN, x.Length).ToArray();
        S.InteriorOnlyGradient(x, g);
        Assert.Equal(0, g[0]);
        Assert.Equal(0, g[4]);
    }

    [Fact]
    public void Gradient_OfStencilAfterAnotherLoop_MatchesFiniteDifferences() =>
        Check.ArrayScalar(1105, S.TouchedBefore, S.TouchedBeforeGradient, Lengths);

    [Fact]
    public void Gradient_OfTwoStencilLoops_MatchesFiniteDifferences() =>
        Check.Array(1106, S.TwoStencils, S.TwoStencilsGradient, Lengths);

    [Fact]
    public void Gradient_OfStencilOverALocalArray_MatchesFiniteDifferences() =>
        Check.Array(1107, S.StencilOfLocalArray, S.StencilOfLocalArrayGradient, Lengths);

    [Fact]
    public void Gradient_OfFloatRosenbrock_MatchesTheClosedForm()
    {
        var s = new Sampler(1108);
        foreach (int n in Lengths)
        {
            float[] x = s.ArrayF(n, -1.5, 1.5);
            float[] g = Enumerable.Repeat(float.NaN, n).ToArray();
            float value = S.RosenbrockFGradient(x, g);
            Assert.Equal(S.RosenbrockF(x), value);

            // ∂f/∂x_i = -2(1 - x_i) - 400 x_i (x_{i+1} - x_i²) for i < n - 1, plus 200 (x_i - x_{i-1}²) for i > 0.
            for (int i = 0; i < n; i++)
            {
                double expected = 0;
                if (i < n - 1)
                {
                    expected += -2 * (1 - (double)x[i]) - 400 * (double)x[i] * (x[i + 1] - (double)x[i] * x[i]);
                }

                if (i > 0)
                {
                    expected += 200 * (x[i] - (double)x[i - 1] * x[i - 1]);
                }

                Assert.True(Math.Abs(expected - g[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"n={n}, i={i}: {g[i]} vs {expected}");
            }
        }
    }
}

/// <summary>Reductions with constant factors in their adjoints, against closed forms and finite differences.</summary>
public sealed class ScaleGradientTests
{
    private delegate double Loss(double w, double b, double[] xs, double[] ys);

    private delegate double LossGradient(double w, double b, double[] xs, double[] ys, out double dw, out double db);

    private static void AssertMatchesFiniteDifferences(int seed, Loss f, LossGradient gradient)
    {
        var s = new Sampler(seed);
        foreach (int n in new[] { 1, 2, 5, 17 })
        {
            double[] xs = s.Array(n, -2, 2), ys = s.Array(n, -2, 2);
            double w = s.Next(-1.5, 1.5), b = s.Next(-1.5, 1.5);
            double value = gradient(w, b, xs, ys, out double dw, out double db);
            Assert.Equal(f(w, b, xs, ys), value);
            FiniteDifference.AssertGradient(p => f(p[0], p[1], xs, ys), new[] { w, b }, new[] { dw, db }, label: $"n={n}");
        }
    }

    [Fact]
    public void Gradient_OfLeastSquaresLine_MatchesTheClosedForm()
    {
        var s = new Sampler(1201);
        foreach (int n in new[] { 1, 3, 100 })
        {
            double[] xs = s.Array(n, 0, 1), ys = s.Array(n, 2, 5);
            double w = s.Next(-1, 1), b = s.Next(-1, 1);
            ScaleFunctions.LeastSquaresLineGradient(w, b, xs, ys, out double dw, out double db);

            // ∂/∂w = (2/n) Σ r x, ∂/∂b = (2/n) Σ r, with r = w x + b - y.
            double sw = 0, sb = 0;
            for (int i = 0; i < n; i++)
            {
                double r = w * xs[i] + b - ys[i];
                sw += r * xs[i];
                sb += r;
            }

            Assert.Equal(2 * sw / n, dw, 1e-12);
            Assert.Equal(2 * sb / n, db, 1e-12);
        }
    }

    [Fact]
    public void Gradient_OfLeastSquaresLine_MatchesFiniteDifferences() =>
        AssertMatchesFiniteDifferences(1202, ScaleFunctions.LeastSquaresLine, ScaleFunctions.LeastSquaresLineGradient);

    [Fact]
    public void Gradient_OfSquarePlusLinearTerm_MatchesFiniteDifferences() =>
        AssertMatchesFiniteDifferences(1203, ScaleFunctions.SquarePlusLinear, ScaleFunctions.SquarePlusLinearGradient);

    [Fact]
    public void Gradient_WithAFactorThatIsNotAPowerOfTwo_MatchesFiniteDifferences() =>
        AssertMatchesFiniteDifferences(1204, ScaleFunctions.ThreeSquares, ScaleFunctions.ThreeSquaresGradient);

    [Fact]
    public void Gradient_OfFloatSumOfDoubledSquares_MatchesTheClosedForm()
    {
        var s = new Sampler(1205);
        float[] xs = s.ArrayF(50, 0, 1), ys = s.ArrayF(50, 2, 5);
        float w = s.NextF(-1, 1), b = s.NextF(-1, 1);
        ScaleFunctions.TwoSquaresFGradient(w, b, xs, ys, out float dw, out float db);
        double sw = 0, sb = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double r = (double)w * xs[i] + b - ys[i];
            sw += 4 * r * xs[i];
            sb += 4 * r;
        }

        Assert.Equal(sw, dw, Math.Abs(sw) * 1e-5);
        Assert.Equal(sb, db, Math.Abs(sb) * 1e-5);
    }
}

/// <summary>Calls to array functions inside loops, against finite differences.</summary>
public sealed class PooledBufferGradientTests
{
    [Fact]
    public void Gradient_OfArrayCallInALoop_MatchesFiniteDifferences() =>
        Check.Array(1301, PooledBufferFunctions.CallInLoop, PooledBufferFunctions.CallInLoopGradient);

    [Fact]
    public void Gradient_OfArrayCallsInNestedLoops_MatchesFiniteDifferences()
    {
        var s = new Sampler(1302);
        foreach ((int n, int m) in new[] { (2, 5), (5, 2), (0, 3), (4, 4) })
        {
            double[] x = s.Array(n, -1.5, 1.5), z = s.Array(m, -1.5, 1.5);
            double[] gx = Enumerable.Repeat(double.NaN, n).ToArray(), gz = Enumerable.Repeat(double.NaN, m).ToArray();
            double value = PooledBufferFunctions.CallsInNestedLoopsGradient(x, z, gx, gz);
            Assert.Equal(PooledBufferFunctions.CallsInNestedLoops(x, z), value);
            FiniteDifference.AssertGradient(p => PooledBufferFunctions.CallsInNestedLoops(p[..n], p[n..]), Pack.Concat(x, z), Pack.Concat(gx, gz), label: $"n={n}, m={m}");
        }
    }
}

/// <summary>Invariant element reads inside loops that write arrays, against finite differences.</summary>
public sealed class InvariantReadGradientTests
{
    [Fact]
    public void Gradient_OfArrayUpdatedFromItsOwnElement_MatchesFiniteDifferences() =>
        Check.Array(1401, InvariantReadFunctions.SelfUpdate, InvariantReadFunctions.SelfUpdateGradient);

    [Fact]
    public void Gradient_OfLowerTriangularProduct_MatchesFiniteDifferences() =>
        Check.Array(1402, InvariantReadFunctions.LowerTriangle, InvariantReadFunctions.LowerTriangleGradient);
}

/// <summary>A stencil too wide to carry, against finite differences.</summary>
public sealed class WideStencilGradientTests
{
    [Fact]
    public void Gradient_OfFarNeighbours_MatchesFiniteDifferences() =>
        Check.Array(1501, WideStencilFunctions.FarNeighbours, WideStencilFunctions.FarNeighboursGradient, new[] { 0, 3, 6, 7, 9, 14 });
}

/// <summary>Index expressions with parentheses, against finite differences and the function's value.</summary>
public sealed class ParenthesizedIndexGradientTests
{
    [Fact]
    public void Gradient_OfLoopWritingAtAParenthesizedIndex_MatchesFiniteDifferences() =>
        Check.Array(1601, ParenthesizedIndexFunctions.RotatingWrite, ParenthesizedIndexFunctions.RotatingWriteGradient, new[] { 1, 2, 3, 5 });
}

/// <summary>Local arrays created in branches, against finite differences.</summary>
public sealed class BranchArrayGradientTests
{
    [Fact]
    public void Gradient_OfArrayCreatedInEitherBranch_MatchesFiniteDifferences() =>
        Check.Array(1701, BranchArrayFunctions.EitherLength, BranchArrayFunctions.EitherLengthGradient, new[] { 1, 2, 3, 4, 6 });
}
