using System.Buffers;

namespace AutoDiff.Tests.AdBench;

/// <summary>
/// A hand-written gradient of <see cref="Gmm.Objective"/>: the C# analogue of ADBench's "Manual" C++
/// (src/cpp/modules/manual/gmm_d.cpp), written from the derivation rather than copied.
/// </summary>
/// <remarks>
/// For point i and component k, with z = x_i - mean_k and y = Q_k z:
/// main_k = alpha_k + sum(q_k) - |y|²/2, so ∂main/∂mean = Qᵀy, ∂main/∂q_j = 1 - y_j exp(q_j) z_j,
/// ∂main/∂L_ji = -y_j z_i; and ∂logsumexp/∂main_k = p_k = softmax(main)_k. Each point's z and y are kept for
/// all components (k·d values each), so nothing is recomputed. The prior adds γ² exp(2q) - m and γ² l.
/// </remarks>
public static class GmmManual
{
    /// <summary>Returns the objective; overwrites the three gradient outputs.</summary>
    public static double ObjectiveGradient(
        int d,
        int k,
        int n,
        ReadOnlySpan<double> alphas,
        ReadOnlySpan<double> means,
        ReadOnlySpan<double> icf,
        ReadOnlySpan<double> x,
        double gamma,
        int m,
        Span<double> dAlphas,
        Span<double> dMeans,
        Span<double> dIcf)
    {
        int icfSize = d * (d + 1) / 2;
        int lSize = icfSize - d;
        if (alphas.Length < k || means.Length < k * d || icf.Length < k * icfSize || x.Length < n * d)
        {
            throw new ArgumentException("Inputs shorter than d, k, n require.");
        }

        if (dAlphas.Length != k || dMeans.Length != k * d || dIcf.Length != k * icfSize)
        {
            throw new ArgumentException("Gradient outputs must have lengths k, k*d and k*d(d+1)/2.");
        }

        dAlphas.Clear();
        dMeans.Clear();
        dIcf.Clear();

        // Scratch: exp(q) (k·d), z and y per component (k·d each), main terms (k), p·y (d).
        int scratchLength = 3 * k * d + 2 * k + d;
        double[] rented = ArrayPool<double>.Shared.Rent(scratchLength);
        Span<double> scratch = rented.AsSpan(0, scratchLength);
        Span<double> qDiags = scratch.Slice(0, k * d);
        Span<double> zs = scratch.Slice(k * d, k * d);
        Span<double> ys = scratch.Slice(2 * k * d, k * d);
        Span<double> sumQs = scratch.Slice(3 * k * d, k);
        Span<double> mainTerm = scratch.Slice(3 * k * d + k, k);
        Span<double> py = scratch.Slice(3 * k * d + 2 * k, d);

        for (int ik = 0; ik < k; ik++)
        {
            ReadOnlySpan<double> q = icf.Slice(ik * icfSize, d);
            double sumQ = 0;
            for (int id = 0; id < d; id++)
            {
                sumQ += q[id];
                qDiags[ik * d + id] = Math.Exp(q[id]);
            }

            sumQs[ik] = sumQ;
        }

        double slse = 0;
        for (int ix = 0; ix < n; ix++)
        {
            ReadOnlySpan<double> xi = x.Slice(ix * d, d);

            // Forward: z, y = Q z and the main terms for every component.
            double max = double.NegativeInfinity;
            for (int ik = 0; ik < k; ik++)
            {
                ReadOnlySpan<double> mean = means.Slice(ik * d, d);
                ReadOnlySpan<double> qDiag = qDiags.Slice(ik * d, d);
                ReadOnlySpan<double> l = icf.Slice(ik * icfSize + d, lSize);
                Span<double> z = zs.Slice(ik * d, d);
                Span<double> y = ys.Slice(ik * d, d);
                for (int id = 0; id < d; id++)
                {
                    z[id] = xi[id] - mean[id];
                    y[id] = qDiag[id] * z[id];
                }

                int li = 0;
                for (int i = 0; i < d; i++)
                {
                    double zi = z[i];
                    for (int j = i + 1; j < d; j++)
                    {
                        y[j] += l[li++] * zi;
                    }
                }

                double sqNorm = 0;
                for (int id = 0; id < d; id++)
                {
                    sqNorm += y[id] * y[id];
                }

                double term = alphas[ik] + sumQs[ik] - 0.5 * sqNorm;
                mainTerm[ik] = term;
                if (term > max)
                {
                    max = term;
                }
            }

            double sum = 0;
            for (int ik = 0; ik < k; ik++)
            {
                double e = Math.Exp(mainTerm[ik] - max);
                mainTerm[ik] = e;
                sum += e;
            }

            slse += Math.Log(sum) + max;

            // Reverse: weight each component's derivatives by its responsibility p_k.
            double inverseSum = 1 / sum;
            for (int ik = 0; ik < k; ik++)
            {
                double p = mainTerm[ik] * inverseSum;
                ReadOnlySpan<double> qDiag = qDiags.Slice(ik * d, d);
                ReadOnlySpan<double> l = icf.Slice(ik * icfSize + d, lSize);
                ReadOnlySpan<double> z = zs.Slice(ik * d, d);
                ReadOnlySpan<double> y = ys.Slice(ik * d, d);
                Span<double> dMean = dMeans.Slice(ik * d, d);
                Span<double> dQ = dIcf.Slice(ik * icfSize, d);
                Span<double> dL = dIcf.Slice(ik * icfSize + d, lSize);
                dAlphas[ik] += p;
                for (int id = 0; id < d; id++)
                {
                    double pyi = p * y[id];
                    py[id] = pyi;
                    double t = qDiag[id] * pyi;
                    dMean[id] += t;
                    dQ[id] += p - t * z[id];
                }

                // Strictly-lower part: mean gets (Lᵀ p y), L gets -(p y) zᵀ.
                int li = 0;
                for (int i = 0; i < d; i++)
                {
                    double zi = z[i];
                    double acc = 0;
                    for (int j = i + 1; j < d; j++)
                    {
                        double pyj = py[j];
                        acc += l[li] * pyj;
                        dL[li] -= pyj * zi;
                        li++;
                    }

                    dMean[i] += acc;
                }
            }
        }

        // -n logsumexp(alphas).
        double alphaMax = double.NegativeInfinity;
        for (int ik = 0; ik < k; ik++)
        {
            alphaMax = Math.Max(alphaMax, alphas[ik]);
        }

        double alphaSum = 0;
        for (int ik = 0; ik < k; ik++)
        {
            alphaSum += Math.Exp(alphas[ik] - alphaMax);
        }

        double lseAlphas = Math.Log(alphaSum) + alphaMax;
        for (int ik = 0; ik < k; ik++)
        {
            dAlphas[ik] -= n * Math.Exp(alphas[ik] - lseAlphas);
        }

        // Wishart prior.
        int priorN = d + m + 1;
        double c = priorN * d * (Math.Log(gamma) - 0.5 * Math.Log(2)) - Gmm.LogMultivariateGamma(0.5 * priorN, d);
        double gamma2 = gamma * gamma;
        double prior = 0;
        for (int ik = 0; ik < k; ik++)
        {
            double frobenius = 0;
            for (int id = 0; id < d; id++)
            {
                double e = qDiags[ik * d + id];
                frobenius += e * e;
                dIcf[ik * icfSize + id] += gamma2 * e * e - m;
            }

            for (int j = d; j < icfSize; j++)
            {
                double v = icf[ik * icfSize + j];
                frobenius += v * v;
                dIcf[ik * icfSize + j] += gamma2 * v;
            }

            prior += 0.5 * gamma2 * frobenius - m * sumQs[ik];
        }

        ArrayPool<double>.Shared.Return(rented);
        double constant = -n * d * 0.5 * Math.Log(2 * Gmm.AdBenchPi);
        return constant + slse - n * lseAlphas + prior - k * c;
    }
}
