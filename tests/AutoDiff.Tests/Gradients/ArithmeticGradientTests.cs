using Xunit;
using F = AutoDiff.Tests.Gradients.ArithmeticFunctions;

namespace AutoDiff.Tests.Gradients;

public sealed class ArithmeticGradientTests
{
    private const int Points = 6;

    [Fact]
    public void Gradient_OfPolynomialWithAllFourOperators_MatchesFiniteDifferences()
    {
        var s = new Sampler(101);
        for (int k = 0; k < Points; k++)
        {
            double[] p = s.Point((-2, 2), (0.5, 2));
            double value = F.PolynomialGradient(p[0], p[1], out double dx, out double dy);
            Assert.Equal(F.Polynomial(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => F.Polynomial(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfPolynomial_EqualsHandDerivedClosedForm()
    {
        var s = new Sampler(102);
        for (int k = 0; k < Points; k++)
        {
            double x = s.Next(-2, 2), y = s.Next(0.5, 2);
            F.PolynomialGradient(x, y, out double dx, out double dy);
            Assert.Equal(2 * x * y - 3 / y, dx, 1e-12);
            Assert.Equal(x * x + 3 * x / (y * y) + 1, dy, 1e-12);
        }
    }

    [Fact]
    public void Gradient_OfFloatPolynomial_MatchesFiniteDifferences()
    {
        var s = new Sampler(103);
        for (int k = 0; k < Points; k++)
        {
            float[] p = s.PointF((-2, 2), (0.5, 2));
            float value = F.PolynomialFGradient(p[0], p[1], out float dx, out float dy);
            Assert.Equal(F.PolynomialF(p[0], p[1]), value);
            FiniteDifference.AssertGradientF(q => F.PolynomialF(q[0], q[1]), p, new[] { dx, dy });
            FiniteDifference.AssertGradientAgainstTwin(q => F.Polynomial(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfUnaryMinus_MatchesFiniteDifferences()
    {
        var s = new Sampler(104);
        for (int k = 0; k < Points; k++)
        {
            double[] p = s.Point((-2, 2), (0.5, 2));
            double value = F.UnaryMinusGradient(p[0], p[1], out double dx, out double dy);
            Assert.Equal(F.UnaryMinus(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => F.UnaryMinus(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfCompoundAssignments_MatchesFiniteDifferences()
    {
        var s = new Sampler(105);
        for (int k = 0; k < Points; k++)
        {
            double[] p = s.Point((-2, 2), (-2, 2));
            double value = F.CompoundAssignmentsGradient(p[0], p[1], out double dx, out double dy);
            Assert.Equal(F.CompoundAssignments(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => F.CompoundAssignments(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfFloatCompoundAssignments_MatchesFiniteDifferences()
    {
        var s = new Sampler(106);
        for (int k = 0; k < Points; k++)
        {
            float[] p = s.PointF((-2, 2), (-2, 2));
            float value = F.CompoundAssignmentsFGradient(p[0], p[1], out float dx, out float dy);
            Assert.Equal(F.CompoundAssignmentsF(p[0], p[1]), value);
            FiniteDifference.AssertGradientF(q => F.CompoundAssignmentsF(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfIncrementAndDecrement_MatchesFiniteDifferences()
    {
        var s = new Sampler(107);
        for (int k = 0; k < Points; k++)
        {
            double[] p = s.Point((-2, 2));
            double value = F.IncrementDecrementGradient(p[0], out double dx);
            Assert.Equal(F.IncrementDecrement(p[0]), value);
            FiniteDifference.AssertGradient(q => F.IncrementDecrement(q[0]), p, new[] { dx });
        }
    }

    [Fact]
    public void Gradient_OfFloatIncrementAndDecrement_MatchesFiniteDifferences()
    {
        var s = new Sampler(108);
        for (int k = 0; k < Points; k++)
        {
            float[] p = s.PointF((-2, 2), (-2, 2));
            float value = F.IncrementDecrementFGradient(p[0], p[1], out float dx, out float dy);
            Assert.Equal(F.IncrementDecrementF(p[0], p[1]), value);
            FiniteDifference.AssertGradientF(q => F.IncrementDecrementF(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfReassignedLocalsAndParameters_MatchesFiniteDifferences()
    {
        var s = new Sampler(109);
        for (int k = 0; k < Points; k++)
        {
            double[] p = s.Point((-1.5, 1.5), (-1.5, 1.5));
            double value = F.ReassignmentGradient(p[0], p[1], out double dx, out double dy);
            Assert.Equal(F.Reassignment(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => F.Reassignment(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfNestedConditionalOperators_MatchesFiniteDifferences()
    {
        var s = new Sampler(110);
        for (int k = 0; k < 12; k++)
        {
            double[] p = s.Point((-2, 2), (-2, 2));
            double value = F.TernaryGradient(p[0], p[1], out double dx, out double dy);
            Assert.Equal(F.Ternary(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => F.Ternary(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfFloatConditionalOperator_MatchesFiniteDifferences()
    {
        var s = new Sampler(111);
        for (int k = 0; k < 12; k++)
        {
            float[] p = s.PointF(q => Math.Abs(q[0]) > 0.1 && Math.Abs(q[1]) > 0.1, (-2, 2), (-2, 2));
            float value = F.TernaryFGradient(p[0], p[1], out float dx, out float dy);
            Assert.Equal(F.TernaryF(p[0], p[1]), value);
            FiniteDifference.AssertGradientF(q => F.TernaryF(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfIfElseIfElseChain_MatchesFiniteDifferencesInEveryBranch()
    {
        var s = new Sampler(112);
        foreach (double x in new[] { -2.1, -1.6, -0.7, -0.2, 0.3, 0.8, 1.4, 2.3 })
        {
            double y = s.Next(-2, 2);
            double[] p = { x, y };
            double value = F.IfElseChainGradient(x, y, out double dx, out double dy);
            Assert.Equal(F.IfElseChain(x, y), value);
            FiniteDifference.AssertGradient(q => F.IfElseChain(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfEarlyReturnsInNestedIfs_MatchesFiniteDifferencesOnEveryPath()
    {
        var s = new Sampler(113);
        // Fixed points reaching each return, then random ones.
        var points = new List<double[]> { new[] { 1.5, 1.2 }, new[] { -1.5, -1.2 }, new[] { 1.5, -1.2 }, new[] { 0.9, 0.7 }, new[] { 0.2, 0.3 } };
        for (int k = 0; k < Points; k++)
        {
            points.Add(s.Point((-2, 2), (-2, 2)));
        }

        foreach (double[] p in points)
        {
            double value = F.ReturnAnywhereGradient(p[0], p[1], out double dx, out double dy);
            Assert.Equal(F.ReturnAnywhere(p[0], p[1]), value);
            FiniteDifference.AssertGradient(q => F.ReturnAnywhere(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfFloatIfElseWithEarlyReturn_MatchesFiniteDifferences()
    {
        var s = new Sampler(114);
        for (int k = 0; k < 12; k++)
        {
            float[] p = s.PointF(q => Math.Abs(q[0] - q[1]) > 0.1 && Math.Abs(q[0] - q[1] - 1) > 0.1, (-2, 2), (-2, 2));
            float value = F.IfElseFGradient(p[0], p[1], out float dx, out float dy);
            Assert.Equal(F.IfElseF(p[0], p[1]), value);
            FiniteDifference.AssertGradientF(q => F.IfElseF(q[0], q[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Gradient_OfCastsAmongIntFloatAndDouble_MatchesFiniteDifferences()
    {
        var s = new Sampler(115);
        foreach (int n in new[] { 0, 1, -2, 3 })
        {
            double[] p = s.Point(q => Sampler.AwayFromInteger(2 * q[0], 0.05), (-2, 2), (-2, 2));
            double value = F.CastsGradient(p[0], (float)p[1], n, out double dx, out float dy);
            Assert.Equal(F.Casts(p[0], (float)p[1], n), value);

            // The function rounds to float inside, so the step is float-sized.
            FiniteDifference.AssertGradient(q => F.Casts(q[0], (float)q[1], n), p, new[] { dx, dy }, h: 1.0 / 128, tolerance: 1e-3);
        }
    }

    [Fact]
    public void Gradient_OfFloatFunctionCastingThroughDoubleAndInt_MatchesFiniteDifferences()
    {
        var s = new Sampler(116);
        for (int k = 0; k < Points; k++)
        {
            double[] p = s.Point(q => Sampler.AwayFromInteger(3 * q[1], 0.1), (-2, 2), (-2, 2));
            float x = (float)p[0];
            float value = F.CastsFGradient(x, p[1], out float dx, out double dy);
            Assert.Equal(F.CastsF(x, p[1]), value);
            FiniteDifference.AssertGradient(q => F.CastsF((float)q[0], q[1]), p, new[] { dx, dy }, h: 1.0 / 128, tolerance: 2e-3);
        }
    }

    [Fact]
    public void Gradient_WithIntegerArithmetic_MatchesFiniteDifferences()
    {
        var s = new Sampler(117);
        foreach (int n in new[] { 0, 1, 2, 5, -3, 7 })
        {
            double[] p = s.Point((-2, 2));
            double value = F.IntegerArithmeticGradient(p[0], n, out double dx);
            Assert.Equal(F.IntegerArithmetic(p[0], n), value);
            FiniteDifference.AssertGradient(q => F.IntegerArithmetic(q[0], n), p, new[] { dx });
        }
    }

    [Fact]
    public void Gradient_WithNoDerivativeBoolAndIntParameters_PassesThemThroughAndMatchesFiniteDifferences()
    {
        var s = new Sampler(118);
        foreach (bool square in new[] { false, true })
        {
            foreach (int n in new[] { 0, 3 })
            {
                double x = s.Next(-2, 2), scale = s.Next(-2, 2), y = s.Next(-2, 2);
                double value = F.PassThroughGradient(x, scale, square, n, y, out double dx, out double dy);
                Assert.Equal(F.PassThrough(x, scale, square, n, y), value);
                FiniteDifference.AssertGradient(q => F.PassThrough(q[0], scale, square, n, q[1]), new[] { x, y }, new[] { dx, dy });
            }
        }
    }

    [Fact]
    public void Gradient_OfDoubleFunctionWithFloatScalarAndFloatSpan_HasOneOutputPerParameterAndMatchesFiniteDifferences()
    {
        var s = new Sampler(901);
        foreach (int n in new[] { 0, 1, 4 })
        {
            double x = s.Next(-2, 2);
            float y = s.NextF(-2, 2);
            double[] a = s.Array(n, -2, 2), c = s.Array(n, -2, 2);
            float[] b = s.ArrayF(n, -2, 2);
            double[] da = new double[n], dc = new double[n];
            float[] db = new float[n];
            double value = F.MixedParametersGradient(x, y, a, b, c, out double dx, out float dy, da, db, dc);
            Assert.Equal(F.MixedParameters(x, y, a, b, c), value);
            double[] point = Pack.Concat(new[] { x, (double)y }, a, b.Select(v => (double)v).ToArray(), c);
            double[] analytic = Pack.Concat(new[] { dx, (double)dy }, da, db.Select(v => (double)v).ToArray(), dc);
            FiniteDifference.AssertGradient(
                p => F.MixedParameters(p[0], (float)p[1], p[2..(2 + n)], p[(2 + n)..(2 + 2 * n)].Select(v => (float)v).ToArray(), p[(2 + 2 * n)..]),
                point, analytic, h: 1.0 / 128, tolerance: 1e-4);
        }
    }
}
