using Xunit;

namespace AutoDiff.Tests.Composition;

public static partial class VectorFunctions
{
    /// <summary>y = (x0 x1, sin x0 + x2², …): 3 outputs from 4 inputs.</summary>
    [Differentiable(Mode = DifferentiationMode.Forward)]
    public static void Wide(ReadOnlySpan<double> x, [Output] Span<double> y)
    {
        y[0] = x[0] * x[1];
        y[1] = Math.Sin(x[0]) + x[2] * x[2];
        y[2] = x[3] / (1 + x[1] * x[1]);
    }

    /// <summary>Running products: 5 outputs from 2 inputs, written in a loop.</summary>
    [Differentiable(Mode = DifferentiationMode.Forward)]
    public static void Tall(ReadOnlySpan<double> x, [Output] Span<double> y)
    {
        double p = 1;
        for (int i = 0; i < y.Length; i++)
        {
            p = p * x[i % 2] + Math.Exp(-x[1] * i);
            y[i] = p;
        }
    }

    /// <summary>Softmax written out, float.</summary>
    [Differentiable(Mode = DifferentiationMode.Forward)]
    public static void Softmax(ReadOnlySpan<float> z, [Output] Span<float> p)
    {
        float max = z[0];
        for (int i = 1; i < z.Length; i++)
        {
            max = MathF.Max(max, z[i]);
        }

        float sum = 0;
        for (int i = 0; i < z.Length; i++)
        {
            p[i] = MathF.Exp(z[i] - max);
            sum += p[i];
        }

        for (int i = 0; i < z.Length; i++)
        {
            p[i] = p[i] / sum;
        }
    }
}

/// <summary>Vector outputs: VJP, JVP and the full Jacobian, against finite differences and each other.</summary>
public sealed class VectorOutputTests
{
    private static double[,] FiniteDifferenceJacobian(Action<double[], double[]> f, double[] x, int m)
    {
        var jacobian = new double[m, x.Length];
        const double h = 1e-5;
        for (int j = 0; j < x.Length; j++)
        {
            double[] plus = (double[])x.Clone(), minus = (double[])x.Clone(), yPlus = new double[m], yMinus = new double[m];
            plus[j] += h;
            minus[j] -= h;
            f(plus, yPlus);
            f(minus, yMinus);
            for (int i = 0; i < m; i++)
            {
                jacobian[i, j] = (yPlus[i] - yMinus[i]) / (2 * h);
            }
        }

        return jacobian;
    }

    [Fact]
    public void Jacobian_WithFewerOutputsThanInputs_MatchesFiniteDifferences()
    {
        double[] x = { 0.3, -1.1, 0.7, 2.0 };
        double[] y = new double[3];
        double[] jacobian = new double[12];

        VectorFunctions.WideJacobian(x, y, jacobian);

        double[,] expected = FiniteDifferenceJacobian((a, b) => VectorFunctions.Wide(a, b), x, 3);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                Assert.Equal(expected[i, j], jacobian[i * 4 + j], 7);
            }
        }
    }

    [Fact]
    public void Jacobian_WithMoreOutputsThanInputs_MatchesFiniteDifferences()
    {
        double[] x = { 0.9, 0.4 };
        double[] y = new double[5];
        double[] jacobian = new double[10];

        VectorFunctions.TallJacobian(x, y, jacobian);

        double[,] expected = FiniteDifferenceJacobian((a, b) => VectorFunctions.Tall(a, b), x, 5);
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(expected[i, j], jacobian[i * 2 + j], 6);
            }
        }
    }

    [Fact]
    public void Vjp_And_Jvp_AreTransposesOfEachOther()
    {
        // For any u, v: u · (J v) == (Jᵀ u) · v.
        double[] x = { 0.9, 0.4 };
        double[] u = { 0.5, -1, 2, 0.25, -0.75 };
        double[] v = { -0.3, 1.7 };
        double[] y = new double[5];
        double[] jv = new double[5];
        double[] jtu = new double[2];

        VectorFunctions.TallJvp(x, y, v, jv);
        VectorFunctions.TallVjp(x, y, u, jtu);

        double[] expectedY = new double[5];
        VectorFunctions.Tall(x, expectedY);
        Assert.Equal(expectedY, y); // the VJP leaves the forward result in y

        double left = u.Zip(jv, (a, b) => a * b).Sum();
        double right = jtu.Zip(v, (a, b) => a * b).Sum();
        Assert.Equal(left, right, 10);
    }

    [Fact]
    public void SoftmaxJacobian_MatchesClosedForm()
    {
        // ∂p_i/∂z_j = p_i (δ_ij - p_j)
        float[] z = { 1.0f, -0.5f, 2.0f, 0.25f };
        float[] p = new float[4];
        float[] jacobian = new float[16];

        VectorFunctions.SoftmaxJacobian(z, p, jacobian);

        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                float expected = p[i] * ((i == j ? 1 : 0) - p[j]);
                Assert.Equal(expected, jacobian[i * 4 + j], 5);
            }
        }
    }
}
