namespace AutoDiff.Samples.Newton;

/// <summary>
/// Newton's method with exact Hessians: minimises the n-dimensional Rosenbrock function using the gradient and the
/// Hessian the generator writes (<c>RosenbrockGradient</c>, and <c>RosenbrockHessian</c> by forward mode over
/// reverse mode), with a backtracking line search and Levenberg damping when the Hessian is not positive definite.
/// </summary>
public static partial class NewtonSample
{
    /// <summary>f(x) = Σ (1 - xᵢ)² + 100 (xᵢ₊₁ - xᵢ²)², minimum 0 at (1, …, 1).</summary>
    /// <param name="x">The point.</param>
    /// <returns>The function value.</returns>
    [Differentiable(Mode = DifferentiationMode.SecondOrder)]
    public static double Rosenbrock(ReadOnlySpan<double> x)
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

    /// <summary>One Newton iteration's record.</summary>
    /// <param name="Iteration">The iteration number, from 0.</param>
    /// <param name="Value">f at the iterate.</param>
    /// <param name="GradientNorm">‖∇f‖ at the iterate.</param>
    /// <param name="Step">The line-search step length taken.</param>
    public sealed record Iterate(int Iteration, double Value, double GradientNorm, double Step);

    /// <summary>Runs Newton's method from the classic start (-1.2, 1) for n = 2, from the origin for larger n.</summary>
    /// <param name="dimensions">n, at least 2.</param>
    /// <param name="maxIterations">Iteration limit.</param>
    /// <param name="tolerance">Stop when ‖∇f‖ falls below this.</param>
    /// <returns>The final point and the history.</returns>
    public static (double[] Point, List<Iterate> History) Minimise(int dimensions = 4, int maxIterations = 100, double tolerance = 1e-10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 2);
        int n = dimensions;
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = n == 2 ? (i == 0 ? -1.2 : 1.0) : 0.0;
        }

        var gradient = new double[n];
        var hessian = new double[n * n];
        var step = new double[n];
        var trial = new double[n];
        var history = new List<Iterate>();
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            double value = RosenbrockGradient(x, gradient);
            double norm = Math.Sqrt(gradient.Sum(g => g * g));
            if (norm < tolerance)
            {
                history.Add(new Iterate(iteration, value, norm, 0));
                break;
            }

            RosenbrockHessian(x, hessian);
            SolveDamped(hessian, gradient, step, n);

            // Backtracking (Armijo) line search along -step.
            double slope = -gradient.Zip(step, (g, s) => g * s).Sum();
            double length = 1;
            while (length > 1e-12)
            {
                for (int i = 0; i < n; i++)
                {
                    trial[i] = x[i] - length * step[i];
                }

                if (Rosenbrock(trial) <= value + 1e-4 * length * slope)
                {
                    break;
                }

                length *= 0.5;
            }

            Array.Copy(trial, x, n);
            history.Add(new Iterate(iteration, value, norm, length));
        }

        return (x, history);
    }

    /// <summary>Solves (H + λI) s = g by Cholesky, raising λ until H + λI is positive definite.</summary>
    private static void SolveDamped(double[] hessian, double[] gradient, double[] solution, int n)
    {
        var l = new double[n * n];
        for (double lambda = 0; ; lambda = lambda == 0 ? 1e-6 : lambda * 10)
        {
            if (TryCholesky(hessian, lambda, l, n))
            {
                break;
            }
        }

        // L y = g, then Lᵀ s = y.
        for (int i = 0; i < n; i++)
        {
            double sum = gradient[i];
            for (int k = 0; k < i; k++)
            {
                sum -= l[i * n + k] * solution[k];
            }

            solution[i] = sum / l[i * n + i];
        }

        for (int i = n - 1; i >= 0; i--)
        {
            double sum = solution[i];
            for (int k = i + 1; k < n; k++)
            {
                sum -= l[k * n + i] * solution[k];
            }

            solution[i] = sum / l[i * n + i];
        }
    }

    private static bool TryCholesky(double[] a, double lambda, double[] l, int n)
    {
        Array.Clear(l);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i * n + j] + (i == j ? lambda : 0);
                for (int k = 0; k < j; k++)
                {
                    sum -= l[i * n + k] * l[j * n + k];
                }

                if (i == j)
                {
                    if (sum <= 0)
                    {
                        return false;
                    }

                    l[i * n + i] = Math.Sqrt(sum);
                }
                else
                {
                    l[i * n + j] = sum / l[j * n + j];
                }
            }
        }

        return true;
    }

    /// <summary>Runs the sample and prints each iterate.</summary>
    /// <param name="dimensions">n.</param>
    /// <param name="output">Where to print.</param>
    /// <returns>0 when it converged to (1, …, 1).</returns>
    public static int Run(int dimensions, TextWriter output)
    {
        output.WriteLine($"Newton's method on the {dimensions}-dimensional Rosenbrock function, exact Hessians from the generator");
        output.WriteLine("iter          f(x)        |grad f|    step");
        (double[] point, List<Iterate> history) = Minimise(dimensions);
        foreach (Iterate it in history)
        {
            output.WriteLine($"{it.Iteration,4}  {it.Value,14:E4}  {it.GradientNorm,12:E3}  {it.Step,6:G3}");
        }

        double error = point.Max(v => Math.Abs(v - 1));
        output.WriteLine($"x = ({string.Join(", ", point.Select(v => v.ToString("F10", System.Globalization.CultureInfo.InvariantCulture)))})");
        output.WriteLine(error < 1e-6
            ? $"Reached the global minimum (1, …, 1) in {history.Count} iterations (max |x - 1| = {error:E2})."
            : $"Stopped at a stationary point {error:E2} away from (1, …, 1) after {history.Count} iterations (for n ≥ 4 Rosenbrock also has a local minimum near x0 = -1).");
        return error < 1e-6 ? 0 : 1;
    }
}
