using Xunit;
using S = AutoDiff.Tests.Gradients.SelectionFunctions;

namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Running maxima and minima (<see cref="SelectionFunctions"/>) against finite differences, on random inputs and on
/// sorted ones (the branch taken by every iteration, and by none).
/// </summary>
public sealed class SelectionGradientTests
{
    private static readonly int[] Lengths = { 1, 2, 3, 5, 8, 13, 40 };

    private static IEnumerable<double[]> Inputs(int seed)
    {
        var s = new Sampler(seed);
        foreach (int n in Lengths)
        {
            double[] x = s.Array(n, -1.5, 1.5);
            yield return x;
            yield return x.Order().ToArray();
            yield return x.OrderDescending().ToArray();
        }
    }

    private static void CheckAll(int seed, Func<double[], double> f, Check.ArrayGradient gradient)
    {
        foreach (double[] x in Inputs(seed))
        {
            if (x.Distinct().Count() != x.Length)
            {
                continue; // a tie is a kink: finite differences straddle it
            }

            double[] g = Enumerable.Repeat(double.NaN, x.Length).ToArray();
            Assert.Equal(f(x), gradient(x, g));
            FiniteDifference.AssertGradient(f, x, g, label: $"n={x.Length}");
        }
    }

    [Fact]
    public void Gradient_OfSquaredMax_MatchesFiniteDifferences() => CheckAll(1401, S.SquaredMax, S.SquaredMaxGradient);

    [Fact]
    public void Gradient_OfMaxAndSumOfRaises_MatchesFiniteDifferences() => CheckAll(1402, S.MaxAndSumOfRaises, S.MaxAndSumOfRaisesGradient);

    [Fact]
    public void Gradient_OfScaledMax_MatchesFiniteDifferences() => CheckAll(1403, S.ScaledMax, S.ScaledMaxGradient);

    [Fact]
    public void Gradient_OfSumOfGroupMaxima_MatchesFiniteDifferences() => CheckAll(1404, S.SumOfGroupMaxima, S.SumOfGroupMaximaGradient);

    [Fact]
    public void Gradient_OfCubedMin_MatchesFiniteDifferences() => CheckAll(1405, S.CubedMin, S.CubedMinGradient);

    [Fact]
    public void Gradient_OfLastAtLeast_MatchesFiniteDifferences()
    {
        var s = new Sampler(1406);
        foreach (double[] x in Inputs(1406))
        {
            // c below, inside and above the values: the branch taken by all, some and none.
            foreach (double c in new[] { -2.0, s.Next(-1.5, 1.5), 2.0 })
            {
                if (x.Contains(c))
                {
                    continue;
                }

                double[] g = Enumerable.Repeat(double.NaN, x.Length).ToArray();
                Assert.Equal(S.LastAtLeast(x, c), S.LastAtLeastGradient(x, c, g, out double dc));
                FiniteDifference.AssertGradient(p => S.LastAtLeast(p[..x.Length], p[x.Length]), Pack.Concat(x, new[] { c }), Pack.Concat(g, new[] { dc }), label: $"n={x.Length} c={c}");
            }
        }
    }

    [Fact]
    public void Gradient_OfCubedMinF_MatchesFiniteDifferencesAndDoubleTwin()
    {
        foreach (double[] xd in Inputs(1407))
        {
            float[] x = xd.Select(v => (float)v).ToArray();
            if (x.Distinct().Count() != x.Length)
            {
                continue;
            }

            float[] g = Enumerable.Repeat(float.NaN, x.Length).ToArray();
            Assert.Equal(S.CubedMinF(x), S.CubedMinFGradient(x, g));
            FiniteDifference.AssertGradientF(p => S.CubedMinF(p), x, g);
            FiniteDifference.AssertGradientAgainstTwin(p => S.CubedMin(p), x, g);
        }
    }

    [Fact]
    public void Gradient_OfSumOfVaryingGroupMaxima_MatchesFiniteDifferences() => CheckAll(1408, S.SumOfVaryingGroupMaxima, S.SumOfVaryingGroupMaximaGradient);
}
