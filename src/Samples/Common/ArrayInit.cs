using AutoDiff.Training;

namespace AutoDiff.Samples.Common;

/// <summary>Seeded initialisation of plain float arrays and random draws, for the samples written on scalars and arrays (tensor models use AutoDiff.Init).</summary>
public static class ArrayInit
{
    /// <summary>Draws a standard normal number (Box–Muller).</summary>
    /// <param name="random">The generator.</param>
    /// <returns>A sample of N(0, 1).</returns>
    public static double Normal(TrainingRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double u1 = 1.0 - random.NextDouble(); // in (0, 1], so the logarithm is finite
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>He (Kaiming) normal initialisation for ReLU layers: N(0, 2 / fanIn).</summary>
    /// <param name="count">Number of weights.</param>
    /// <param name="fanIn">Inputs per unit.</param>
    /// <param name="random">The generator.</param>
    /// <returns>The weights.</returns>
    public static float[] HeNormal(int count, int fanIn, TrainingRandom random) => Gaussian(count, Math.Sqrt(2.0 / fanIn), random);

    /// <summary>Xavier (Glorot) normal initialisation for tanh and sigmoid layers: N(0, 2 / (fanIn + fanOut)).</summary>
    /// <param name="count">Number of weights.</param>
    /// <param name="fanIn">Inputs per unit.</param>
    /// <param name="fanOut">Outputs per input.</param>
    /// <param name="random">The generator.</param>
    /// <returns>The weights.</returns>
    public static float[] XavierNormal(int count, int fanIn, int fanOut, TrainingRandom random) =>
        Gaussian(count, Math.Sqrt(2.0 / (fanIn + fanOut)), random);

    /// <summary>Uniform numbers in [0, 1), like NumPy's <c>np.random.rand</c> used by the articles.</summary>
    /// <param name="count">How many.</param>
    /// <param name="random">The generator.</param>
    /// <returns>The numbers.</returns>
    public static float[] Uniform(int count, TrainingRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = random.NextSingle();
        }

        return values;
    }

    private static float[] Gaussian(int count, double standardDeviation, TrainingRandom random)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(standardDeviation * Normal(random));
        }

        return values;
    }
}
