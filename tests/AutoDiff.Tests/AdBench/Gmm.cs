namespace AutoDiff.Tests.AdBench;

/// <summary>
/// ADBench's GMM objective (Gaussian mixture log-likelihood with a Wishart prior), written as ordinary C# and
/// differentiated by the generator with respect to <c>alphas</c>, <c>means</c> and <c>icf</c>.
/// Definition: ../shared/adbench/README.md (which follows ADBench's reference code, src/cpp/shared/gmm.h).
/// </summary>
public static partial class Gmm
{
    /// <summary>ADBench hard-codes π to 12 significant digits; its golden values depend on it.</summary>
    public const double AdBenchPi = 3.14159265359;

    /// <summary>
    /// The GMM objective. Each component's <c>icf</c> block is <c>[q (d log-diagonal entries), l (d(d-1)/2
    /// strictly-lower entries, column-major)]</c>, and <c>Q = diag(exp q) + L</c>.
    /// </summary>
    /// <param name="d">Dimension of a point.</param>
    /// <param name="k">Number of components.</param>
    /// <param name="n">Number of points.</param>
    /// <param name="alphas">Component log-weights, k values.</param>
    /// <param name="means">Component means, k rows of d.</param>
    /// <param name="icf">Inverse covariance factors, k rows of d(d+1)/2.</param>
    /// <param name="x">The points, n rows of d.</param>
    /// <param name="gamma">Wishart prior's gamma.</param>
    /// <param name="m">Wishart prior's m.</param>
    [Differentiable]
    public static double Objective(
        int d,
        int k,
        int n,
        double[] alphas,
        double[] means,
        double[] icf,
        [NoDerivative] double[] x,
        [NoDerivative] double gamma,
        int m)
    {
        int icfSize = d * (d + 1) / 2;

        // exp of each component's log-diagonal, and the sum of the log-diagonal (log det Q).
        double[] qDiags = new double[k * d];
        double[] sumQs = new double[k];
        for (int ik = 0; ik < k; ik++)
        {
            double sumQ = 0;
            for (int id = 0; id < d; id++)
            {
                double q = icf[ik * icfSize + id];
                sumQ += q;
                qDiags[ik * d + id] = Math.Exp(q);
            }

            sumQs[ik] = sumQ;
        }

        double[] xCentered = new double[d];
        double[] qxCentered = new double[d];
        double[] mainTerm = new double[k];
        double slse = 0;
        for (int ix = 0; ix < n; ix++)
        {
            for (int ik = 0; ik < k; ik++)
            {
                for (int id = 0; id < d; id++)
                {
                    xCentered[id] = x[ix * d + id] - means[ik * d + id];
                    qxCentered[id] = qDiags[ik * d + id] * xCentered[id];
                }

                // Q (x - mean): the strictly-lower part of Q, column by column.
                int lIndex = ik * icfSize + d;
                for (int i = 0; i < d; i++)
                {
                    for (int j = i + 1; j < d; j++)
                    {
                        qxCentered[j] += icf[lIndex] * xCentered[i];
                        lIndex++;
                    }
                }

                double sqNorm = 0;
                for (int id = 0; id < d; id++)
                {
                    sqNorm += qxCentered[id] * qxCentered[id];
                }

                mainTerm[ik] = alphas[ik] + sumQs[ik] - 0.5 * sqNorm;
            }

            slse += LogSumExp(mainTerm);
        }

        double constant = -n * d * 0.5 * Math.Log(2 * AdBenchPi);
        double result = constant + slse - n * LogSumExp(alphas);

        // Wishart prior.
        int priorN = d + m + 1;
        double c = priorN * d * (Math.Log(gamma) - 0.5 * Math.Log(2)) - LogMultivariateGamma(0.5 * priorN, d);
        double prior = 0;
        for (int ik = 0; ik < k; ik++)
        {
            double frobenius = 0;
            for (int id = 0; id < d; id++)
            {
                frobenius += qDiags[ik * d + id] * qDiags[ik * d + id];
            }

            for (int j = d; j < icfSize; j++)
            {
                frobenius += icf[ik * icfSize + j] * icf[ik * icfSize + j];
            }

            prior += 0.5 * gamma * gamma * frobenius - m * sumQs[ik];
        }

        return result + prior - k * c;
    }

    /// <summary>
    /// The same objective, with Q (x - mean) computed row by row into a scalar instead of into an array that the
    /// strictly-lower part updates in place: nothing but <c>mainTerm</c> is overwritten inside the point loop. More
    /// subtractions than <see cref="Objective"/> (x - mean is recomputed per row), kept to compare what the
    /// generator makes of each form.
    /// </summary>
    [Differentiable]
    public static double ObjectiveByRows(
        int d,
        int k,
        int n,
        double[] alphas,
        double[] means,
        double[] icf,
        [NoDerivative] double[] x,
        [NoDerivative] double gamma,
        int m)
    {
        int icfSize = d * (d + 1) / 2;
        double[] qDiags = new double[k * d];
        double[] sumQs = new double[k];
        for (int ik = 0; ik < k; ik++)
        {
            double sumQ = 0;
            for (int id = 0; id < d; id++)
            {
                double q = icf[ik * icfSize + id];
                sumQ += q;
                qDiags[ik * d + id] = Math.Exp(q);
            }

            sumQs[ik] = sumQ;
        }

        double[] mainTerm = new double[k];
        double slse = 0;
        for (int ix = 0; ix < n; ix++)
        {
            for (int ik = 0; ik < k; ik++)
            {
                double sqNorm = 0;
                for (int j = 0; j < d; j++)
                {
                    // Row j of Q (x - mean); L[j, i] sits at column-major offset i(2d - i - 1)/2 + j - i - 1.
                    double y = qDiags[ik * d + j] * (x[ix * d + j] - means[ik * d + j]);
                    for (int i = 0; i < j; i++)
                    {
                        y += icf[ik * icfSize + d + i * (2 * d - i - 1) / 2 + j - i - 1] * (x[ix * d + i] - means[ik * d + i]);
                    }

                    sqNorm += y * y;
                }

                mainTerm[ik] = alphas[ik] + sumQs[ik] - 0.5 * sqNorm;
            }

            slse += LogSumExp(mainTerm);
        }

        double constant = -n * d * 0.5 * Math.Log(2 * AdBenchPi);
        double result = constant + slse - n * LogSumExp(alphas);
        int priorN = d + m + 1;
        double c = priorN * d * (Math.Log(gamma) - 0.5 * Math.Log(2)) - LogMultivariateGamma(0.5 * priorN, d);
        double prior = 0;
        for (int ik = 0; ik < k; ik++)
        {
            double frobenius = 0;
            for (int id = 0; id < d; id++)
            {
                frobenius += qDiags[ik * d + id] * qDiags[ik * d + id];
            }

            for (int j = d; j < icfSize; j++)
            {
                frobenius += icf[ik * icfSize + j] * icf[ik * icfSize + j];
            }

            prior += 0.5 * gamma * gamma * frobenius - m * sumQs[ik];
        }

        return result + prior - k * c;
    }

    /// <summary><c>log(sum exp v)</c>, shifted by the maximum as ADBench does.</summary>
    [Differentiable]
    public static double LogSumExp(double[] v)
    {
        double max = v[0];
        for (int i = 1; i < v.Length; i++)
        {
            if (v[i] > max)
            {
                max = v[i];
            }
        }

        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += Math.Exp(v[i] - max);
        }

        return Math.Log(sum) + max;
    }

    /// <summary>
    /// Log of the multivariate gamma function, <c>log Γ_p(a)</c>, as ADBench's <c>log_gamma_distrib</c>
    /// (with its 12-digit π). A constant of the objective: never differentiated.
    /// </summary>
    public static double LogMultivariateGamma(double a, int p)
    {
        double result = 0.25 * p * (p - 1) * Math.Log(AdBenchPi);
        for (int j = 1; j <= p; j++)
        {
            result += LogGamma(a + 0.5 * (1 - j));
        }

        return result;
    }

    private static readonly double[] LanczosCoefficients =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary><c>log |Γ(x)|</c> by the Lanczos approximation (g = 7, 9 terms; about 1e-15 relative).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            // Reflection: Γ(x) Γ(1 - x) = π / sin(π x).
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        double sum = LanczosCoefficients[0];
        for (int i = 1; i < LanczosCoefficients.Length; i++)
        {
            sum += LanczosCoefficients[i] / (x + i);
        }

        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
