namespace AutoDiff.Benchmarks.Scalar;

/// <summary>The scalar benchmark functions, written once as [Differentiable] C#, with hand-written gradients.</summary>
public static partial class ScalarFunctions
{
    /// <summary>Rosenbrock in n dimensions, loop form.</summary>
    [Differentiable]
    public static double Rosenbrock(double[] x)
    {
        double f = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = 1 - x[i];
            double b = x[i + 1] - x[i] * x[i];
            f += a * a + 100 * b * b;
        }

        return f;
    }

    /// <summary>
    /// Hand-written gradient of <see cref="Rosenbrock"/>: one pass, each dx[i] written once; the term that
    /// x[i + 1] receives from term i is carried in a register, so no element is read back.
    /// </summary>
    public static double RosenbrockHandGradient(double[] x, Span<double> dx)
    {
        if (dx.Length != x.Length)
        {
            throw new ArgumentException("dx must have the length of x.", nameof(dx));
        }

        if (x.Length == 0)
        {
            return 0;
        }

        double f = 0;
        double carry = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double xi = x[i];
            double a = 1 - xi;
            double b = x[i + 1] - xi * xi;
            f += a * a + 100 * b * b;
            dx[i] = carry - 2 * a - 400 * b * xi;
            carry = 200 * b;
        }

        dx[x.Length - 1] = carry;
        return f;
    }

    /// <summary>The seed linear regression's loss (float, as in the LinearRegression sample).</summary>
    [Differentiable]
    public static float Mse(float w, float b, [NoDerivative] float[] xs, [NoDerivative] float[] ys)
    {
        float sum = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            float error = w * xs[i] + b - ys[i];
            sum += error * error;
        }

        return sum / xs.Length;
    }

    /// <summary>Hand-written gradient of <see cref="Mse"/>: one pass.</summary>
    public static float MseHandGradient(float w, float b, float[] xs, float[] ys, out float dw, out float db)
    {
        float sum = 0, sumW = 0, sumB = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            float x = xs[i];
            float error = w * x + b - ys[i];
            sum += error * error;
            sumW += error * x;
            sumB += error;
        }

        float scale = 2f / xs.Length;
        dw = sumW * scale;
        db = sumB * scale;
        return sum / xs.Length;
    }
}
