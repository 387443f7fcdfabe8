namespace AutoDiff.Training;

/// <summary>Which part of a dataset a batch of sample indices refers to.</summary>
public enum DataSplit
{
    /// <summary>The samples the model is trained on.</summary>
    Training,

    /// <summary>The held-out samples used for evaluation and early stopping.</summary>
    Validation,
}

/// <summary>The sums over one evaluated batch: total loss and number of correct predictions.</summary>
/// <param name="LossSum">The sum of the per-sample losses (not the mean).</param>
/// <param name="Correct">How many samples the model predicted correctly; 0 when accuracy has no meaning.</param>
public readonly record struct BatchEvaluation(double LossSum, int Correct);

/// <summary>
/// The model side of the <see cref="Trainer"/>: a forward and backward pass over a batch of sample indices. Generated
/// models implement it; samples are identified by their index in the split, so the data stays in the model's own
/// storage and nothing is copied per batch.
/// </summary>
/// <remarks>Implementations should allocate nothing per call; the trainer itself allocates nothing per step.</remarks>
public interface ITrainingModel
{
    /// <summary>
    /// Computes the mean loss over the training samples in <paramref name="batch"/> and writes its gradient into the
    /// parameters' gradient buffers, replacing what they held.
    /// </summary>
    /// <param name="batch">Indices of training samples; the last batch of an epoch may be shorter.</param>
    /// <returns>The mean loss over the batch.</returns>
    float ComputeLossAndGradients(ReadOnlySpan<int> batch);

    /// <summary>Evaluates samples without changing parameters or gradients.</summary>
    /// <param name="split">Which split the indices refer to.</param>
    /// <param name="batch">Indices of samples in that split.</param>
    /// <returns>The summed loss and the number of correct predictions.</returns>
    BatchEvaluation Evaluate(DataSplit split, ReadOnlySpan<int> batch);
}
