namespace AutoDiff.Training;

/// <summary>Saves the trainer's checkpoint (<see cref="Trainer.SaveCheckpoint"/>) at the end of every n-th epoch.</summary>
/// <remarks>
/// The file is replaced atomically each time, so an interrupted run can always resume from the last completed
/// checkpoint with <see cref="Trainer.LoadCheckpoint"/>.
/// </remarks>
public sealed class CheckpointCallback : ITrainingCallback
{
    private readonly string _path;
    private readonly int _everyEpochs;

    /// <summary>Creates the callback.</summary>
    /// <param name="path">The checkpoint file to create or replace.</param>
    /// <param name="everyEpochs">Save after epochs whose number is a multiple of this, at least 1.</param>
    public CheckpointCallback(string path, int everyEpochs = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(everyEpochs, 1);
        _path = path;
        _everyEpochs = everyEpochs;
    }

    /// <inheritdoc/>
    public void OnEpochEnd(Trainer trainer, in EpochMetrics epoch)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (epoch.Epoch % _everyEpochs == 0)
        {
            trainer.SaveCheckpoint(_path);
        }
    }
}
