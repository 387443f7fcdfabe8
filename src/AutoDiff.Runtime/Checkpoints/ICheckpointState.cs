namespace AutoDiff.Checkpoints;

/// <summary>An object whose state a checkpoint saves and restores: an optimizer, a schedule, a random generator, a trainer.</summary>
/// <remarks>
/// Loading happens in two phases so that a damaged or mismatched checkpoint changes nothing:
/// <see cref="StageLoad"/> reads and validates, registering tensor copies and commit actions with the reader but
/// changing nothing itself; only after every participant has staged without error does the checkpoint copy the
/// tensors and run the commit actions, which must not fail.
/// </remarks>
public interface ICheckpointState
{
    /// <summary>Adds this object's tensors and metadata entries to a checkpoint being written.</summary>
    /// <param name="writer">The checkpoint being written.</param>
    void SaveState(CheckpointWriter writer);

    /// <summary>
    /// Validates this object's entries in a checkpoint being loaded and stages them with
    /// <see cref="CheckpointReader.StageTensor"/> and <see cref="CheckpointReader.StageCommit"/>, without changing this object.
    /// </summary>
    /// <param name="reader">The checkpoint being loaded, already verified against its checksum.</param>
    /// <exception cref="CheckpointException">An entry is missing or does not fit this object.</exception>
    void StageLoad(CheckpointReader reader);
}
