using System.Globalization;

namespace AutoDiff.Tests.AdBench;

/// <summary>An ADBench GMM instance read from its text format.</summary>
/// <param name="D">Dimension of a point.</param>
/// <param name="K">Number of components.</param>
/// <param name="N">Number of points.</param>
/// <param name="Alphas">k component log-weights.</param>
/// <param name="Means">k rows of d.</param>
/// <param name="Icf">k rows of d(d+1)/2: log-diagonal then strictly-lower entries, column-major.</param>
/// <param name="X">n rows of d.</param>
/// <param name="Gamma">Wishart prior's gamma.</param>
/// <param name="M">Wishart prior's m.</param>
public sealed record GmmInstance(int D, int K, int N, double[] Alphas, double[] Means, double[] Icf, double[] X, double Gamma, int M)
{
    /// <summary>Length of each component's icf block, d(d+1)/2.</summary>
    public int IcfSize => D * (D + 1) / 2;

    /// <summary>Length of the whole gradient, k(d+1)(d+2)/2: [alphas, means, icf].</summary>
    public int GradientLength => K * (D + 1) * (D + 2) / 2;

    /// <summary>
    /// Reads ADBench's format: line <c>d k n</c>; k alphas; k lines of d means; k lines of d(d+1)/2 icf;
    /// n lines of d (the points); final line <c>gamma m</c>.
    /// </summary>
    public static GmmInstance Read(string path)
    {
        string[] tokens = File.ReadAllText(path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        int position = 0;
        string Next()
        {
            if (position >= tokens.Length)
            {
                throw new InvalidDataException($"{path}: ends after {tokens.Length} values; the header promises more.");
            }

            return tokens[position++];
        }

        int NextInt() => int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture);
        double NextDouble() => double.Parse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture);
        double[] NextDoubles(int count)
        {
            var values = new double[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = NextDouble();
            }

            return values;
        }

        int d = NextInt(), k = NextInt(), n = NextInt();
        if (d < 1 || k < 1 || n < 1)
        {
            throw new InvalidDataException($"{path}: header 'd k n' = '{d} {k} {n}' must be positive.");
        }

        double[] alphas = NextDoubles(k);
        double[] means = NextDoubles(k * d);
        double[] icf = NextDoubles(k * d * (d + 1) / 2);
        double[] x = NextDoubles(n * d);
        double gamma = NextDouble();
        // ADBench writes m as an integer; tolerate "0.000000".
        double mValue = NextDouble();
        int m = (int)mValue;
        if (m != mValue)
        {
            throw new InvalidDataException($"{path}: Wishart m = {mValue} is not an integer.");
        }

        if (position != tokens.Length)
        {
            throw new InvalidDataException($"{path}: {tokens.Length - position} values after 'gamma m'; expected exactly d={d}, k={k}, n={n} worth.");
        }

        return new GmmInstance(d, k, n, alphas, means, icf, x, gamma, m);
    }

    /// <summary>The objective, by the [Differentiable] method run as plain code.</summary>
    public double Objective() => Gmm.Objective(D, K, N, Alphas, Means, Icf, X, Gamma, M);

    /// <summary>The objective in its row-by-row form, run as plain code.</summary>
    public double ObjectiveByRows() => Gmm.ObjectiveByRows(D, K, N, Alphas, Means, Icf, X, Gamma, M);

    /// <summary>The generated gradient, concatenated as ADBench orders it: [alphas, means, icf].</summary>
    public double GeneratedGradient(double[] gradient)
    {
        Span<double> g = gradient;
        return Gmm.ObjectiveGradient(D, K, N, Alphas, Means, Icf, X, Gamma, M,
            g.Slice(0, K), g.Slice(K, K * D), g.Slice(K + K * D, K * IcfSize));
    }

    /// <summary>The generated gradient of the row-by-row form, <see cref="Gmm.ObjectiveByRows"/>, ordered as ADBench orders it.</summary>
    public double GeneratedByRowsGradient(double[] gradient)
    {
        Span<double> g = gradient;
        return Gmm.ObjectiveByRowsGradient(D, K, N, Alphas, Means, Icf, X, Gamma, M,
            g.Slice(0, K), g.Slice(K, K * D), g.Slice(K + K * D, K * IcfSize));
    }

    /// <summary>The hand-written gradient, concatenated as ADBench orders it: [alphas, means, icf].</summary>
    public double ManualGradient(double[] gradient)
    {
        Span<double> g = gradient;
        return GmmManual.ObjectiveGradient(D, K, N, Alphas, Means, Icf, X, Gamma, M,
            g.Slice(0, K), g.Slice(K, K * D), g.Slice(K + K * D, K * IcfSize));
    }
}
