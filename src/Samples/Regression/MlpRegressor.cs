using AutoDiff.Optimizers;
using AutoDiff.Samples.Common;
using AutoDiff.Training;

namespace AutoDiff.Samples.Regression;

/// <summary>
/// A regression MLP with two ReLU hidden layers (inputs → hidden1 → hidden2 → 1), mean squared error, trained by the
/// runtime's <see cref="Trainer"/>. The forward pass and loss over a minibatch is one ordinary C# method,
/// <see cref="BatchLoss"/>; the generator writes <c>BatchLossGradient</c>, which fills the parameters' gradient
/// buffers that the optimizer reads.
/// </summary>
public sealed partial class MlpRegressor : ITrainingModel, IParameterSet
{
    private readonly RegressionData _data;
    private readonly float[] _w1, _b1, _w2, _b2, _w3, _b3;
    private readonly float[] _dw1, _db1, _dw2, _db2, _dw3, _db3;

    /// <summary>Creates the network with He-initialised weights and zero biases.</summary>
    /// <param name="data">The training and validation samples.</param>
    /// <param name="hidden1">Width of the first hidden layer.</param>
    /// <param name="hidden2">Width of the second hidden layer.</param>
    /// <param name="random">The generator for the initial weights.</param>
    public MlpRegressor(RegressionData data, int hidden1, int hidden2, TrainingRandom random)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
        InputSize = data.Features;
        Hidden1 = hidden1;
        Hidden2 = hidden2;
        _w1 = ArrayInit.HeNormal(hidden1 * InputSize, InputSize, random);
        _b1 = new float[hidden1];
        _w2 = ArrayInit.HeNormal(hidden2 * hidden1, hidden1, random);
        _b2 = new float[hidden2];
        _w3 = ArrayInit.HeNormal(hidden2, hidden2, random);
        _b3 = new float[1];
        _dw1 = new float[_w1.Length];
        _db1 = new float[_b1.Length];
        _dw2 = new float[_w2.Length];
        _db2 = new float[_b2.Length];
        _dw3 = new float[_w3.Length];
        _db3 = new float[_b3.Length];
        Parameters =
        [
            new ParameterSlot("layer1.weight", [hidden1, InputSize], _w1, _dw1),
            new ParameterSlot("layer1.bias", [hidden1], _b1, _db1),
            new ParameterSlot("layer2.weight", [hidden2, hidden1], _w2, _dw2),
            new ParameterSlot("layer2.bias", [hidden2], _b2, _db2),
            new ParameterSlot("output.weight", [1, hidden2], _w3, _dw3),
            new ParameterSlot("output.bias", [1], _b3, _db3),
        ];
    }

    /// <summary>Gets the number of inputs.</summary>
    public int InputSize { get; }

    /// <summary>Gets the width of the first hidden layer.</summary>
    public int Hidden1 { get; }

    /// <summary>Gets the width of the second hidden layer.</summary>
    public int Hidden2 { get; }

    /// <inheritdoc/>
    public IReadOnlyList<ParameterSlot> Parameters { get; }

    /// <summary>Gets the number of trainable numbers.</summary>
    public int ParameterCount => Parameters.Sum(p => p.Length);

    /// <summary>
    /// The model and its loss: the mean squared error of the network over the samples listed in <paramref name="batch"/>.
    /// Weights are row-major, <c>w1[j * inputSize + i]</c> connects input i to hidden unit j.
    /// </summary>
    /// <param name="w1">First layer weights, hidden1 × inputSize.</param>
    /// <param name="b1">First layer biases.</param>
    /// <param name="w2">Second layer weights, hidden2 × hidden1.</param>
    /// <param name="b2">Second layer biases.</param>
    /// <param name="w3">Output weights, hidden2.</param>
    /// <param name="b3">Output bias (one element).</param>
    /// <param name="inputs">All samples' inputs, row-major, samples × inputSize.</param>
    /// <param name="targets">All samples' targets.</param>
    /// <param name="batch">Indices of the samples in this batch.</param>
    /// <param name="inputSize">Number of inputs.</param>
    /// <param name="hidden1">Width of the first hidden layer.</param>
    /// <param name="hidden2">Width of the second hidden layer.</param>
    /// <returns>The mean squared error over the batch.</returns>
    [Differentiable]
    public static float BatchLoss(
        float[] w1, float[] b1, float[] w2, float[] b2, float[] w3, float[] b3,
        [NoDerivative] float[] inputs, [NoDerivative] float[] targets, ReadOnlySpan<int> batch,
        int inputSize, int hidden1, int hidden2)
    {
        float[] h1 = new float[hidden1];
        float[] h2 = new float[hidden2];
        float sum = 0;
        for (int s = 0; s < batch.Length; s++)
        {
            int n = batch[s];
            for (int j = 0; j < hidden1; j++)
            {
                float a = b1[j];
                for (int i = 0; i < inputSize; i++)
                {
                    a += w1[j * inputSize + i] * inputs[n * inputSize + i];
                }

                h1[j] = MathF.Max(a, 0f); // ReLU
            }

            for (int k = 0; k < hidden2; k++)
            {
                float a = b2[k];
                for (int j = 0; j < hidden1; j++)
                {
                    a += w2[k * hidden1 + j] * h1[j];
                }

                h2[k] = MathF.Max(a, 0f);
            }

            float prediction = b3[0];
            for (int k = 0; k < hidden2; k++)
            {
                prediction += w3[k] * h2[k];
            }

            float error = prediction - targets[n];
            sum += error * error;
        }

        return sum / batch.Length;
    }

    /// <inheritdoc/>
    public float ComputeLossAndGradients(ReadOnlySpan<int> batch) =>
        BatchLossGradient(
            _w1, _b1, _w2, _b2, _w3, _b3, _data.TrainInputs, _data.TrainTargets, batch, InputSize, Hidden1, Hidden2,
            _dw1, _db1, _dw2, _db2, _dw3, _db3);

    /// <inheritdoc/>
    public BatchEvaluation Evaluate(DataSplit split, ReadOnlySpan<int> batch)
    {
        (float[] inputs, float[] targets) = split == DataSplit.Training
            ? (_data.TrainInputs, _data.TrainTargets)
            : (_data.ValidationInputs, _data.ValidationTargets);
        float mean = BatchLoss(_w1, _b1, _w2, _b2, _w3, _b3, inputs, targets, batch, InputSize, Hidden1, Hidden2);
        return new BatchEvaluation((double)mean * batch.Length, 0);
    }
}
