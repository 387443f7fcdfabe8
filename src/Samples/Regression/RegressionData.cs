using AutoDiff.Training;

namespace AutoDiff.Samples.Regression;

/// <summary>
/// The synthetic regression task of the Adam article (seed 003): inputs uniform in [0, 1)^features, target
/// y = x · t with t = (1, −1, 1, −1, …). The article's own code multiplies 10 features by a 4-element vector (a
/// shape error); the alternating pattern is extended to every feature here. A held-out validation split is added.
/// </summary>
public sealed class RegressionData
{
    private RegressionData(int features, float[] trainInputs, float[] trainTargets, float[] validationInputs, float[] validationTargets)
    {
        Features = features;
        TrainInputs = trainInputs;
        TrainTargets = trainTargets;
        ValidationInputs = validationInputs;
        ValidationTargets = validationTargets;
    }

    /// <summary>Gets the number of inputs per sample.</summary>
    public int Features { get; }

    /// <summary>Gets the training inputs, row-major, samples × features.</summary>
    public float[] TrainInputs { get; }

    /// <summary>Gets the training targets.</summary>
    public float[] TrainTargets { get; }

    /// <summary>Gets the validation inputs, row-major.</summary>
    public float[] ValidationInputs { get; }

    /// <summary>Gets the validation targets.</summary>
    public float[] ValidationTargets { get; }

    /// <summary>Gets the number of training samples.</summary>
    public int TrainCount => TrainTargets.Length;

    /// <summary>Gets the number of validation samples.</summary>
    public int ValidationCount => ValidationTargets.Length;

    /// <summary>Draws the dataset.</summary>
    /// <param name="trainCount">Training samples (the article uses 1000).</param>
    /// <param name="validationCount">Validation samples.</param>
    /// <param name="features">Inputs per sample (the article uses 10).</param>
    /// <param name="random">The generator.</param>
    /// <returns>The dataset.</returns>
    public static RegressionData Create(int trainCount, int validationCount, int features, TrainingRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(trainCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(validationCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        (float[] trainInputs, float[] trainTargets) = Draw(trainCount, features, random);
        (float[] validationInputs, float[] validationTargets) = Draw(validationCount, features, random);
        return new RegressionData(features, trainInputs, trainTargets, validationInputs, validationTargets);
    }

    private static (float[] Inputs, float[] Targets) Draw(int count, int features, TrainingRandom random)
    {
        var inputs = new float[count * features];
        var targets = new float[count];
        for (int n = 0; n < count; n++)
        {
            float y = 0;
            for (int i = 0; i < features; i++)
            {
                float x = random.NextSingle();
                inputs[n * features + i] = x;
                y += i % 2 == 0 ? x : -x;
            }

            targets[n] = y;
        }

        return (inputs, targets);
    }
}
