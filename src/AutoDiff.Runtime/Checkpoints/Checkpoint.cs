using AutoDiff.Optimizers;

namespace AutoDiff.Checkpoints;

/// <summary>
/// Saves and loads training checkpoints as safetensors files that PyTorch and Hugging Face tools open directly
/// (<c>safetensors.torch.load_file</c>): model parameters under their own names, optimizer state as extra tensors
/// named <c>optimizer.{parameter}.{kind}</c>, and counters, schedule and random-generator state as metadata.
/// </summary>
/// <remarks>
/// <para>
/// Saving is atomic: the file is written under a temporary name in the same folder, flushed to disk and renamed
/// over the target, so a crash leaves either the old checkpoint or the new one, never a mix.
/// </para>
/// <para>
/// Loading never half-loads: the whole file is read, its structure checked (header length, JSON, dtypes, shapes,
/// contiguous data offsets covering exactly the rest of the file) and its SHA-256 checksum verified; then every
/// participant validates and stages what it needs (names, dtypes, shapes, metadata); only when all of that has
/// succeeded are values copied into parameters and state. Any failure throws <see cref="CheckpointException"/>
/// and leaves every object as it was. Files must fit in memory (up to 2 GB).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// Checkpoint.Save("run.safetensors", model.Parameters, optimizer, schedule, random);
/// // later, into freshly constructed objects of the same configuration:
/// Checkpoint.Load("run.safetensors", model.Parameters, optimizer, schedule, random);
/// </code>
/// In Python, <c>safetensors.torch.load_file("run.safetensors")</c> returns the parameters under their names, plus the
/// <c>optimizer.*</c> tensors, which <c>load_state_dict(strict=False)</c> ignores or a filter on the prefix drops.
/// </example>
public static class Checkpoint
{
    /// <summary>Writes parameters and the state of other participants to <paramref name="path"/>, atomically.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="parameters">The model's parameters, saved under their names with their shapes.</param>
    /// <param name="states">Other state to save: optimizer, schedule, random generator, trainer.</param>
    /// <exception cref="ArgumentException">Two tensors or metadata entries have the same name.</exception>
    public static void Save(string path, IReadOnlyList<ParameterSlot> parameters, params ReadOnlySpan<ICheckpointState> states)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(parameters);
        var writer = new CheckpointWriter();
        writer.AddMetadata("format", "pt");
        foreach (ParameterSlot parameter in parameters)
        {
            writer.AddTensor(parameter.Name, parameter.Shape, parameter.Value);
        }

        foreach (ICheckpointState state in states)
        {
            state.SaveState(writer);
        }

        SafeTensorsFile.Write(path, writer.Tensors, writer.Data, writer.Metadata);
    }

    /// <summary>
    /// Verifies <paramref name="path"/> completely, then loads parameter values and the state of other participants;
    /// on any error nothing is changed.
    /// </summary>
    /// <param name="path">The checkpoint to read.</param>
    /// <param name="parameters">The parameters to fill; each must be present with dtype F32 and the same shape.</param>
    /// <param name="states">Other state to restore, the same participants that were saved.</param>
    /// <exception cref="CheckpointException">The file is damaged, truncated, unverifiable, or does not fit.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static void Load(string path, IReadOnlyList<ParameterSlot> parameters, params ReadOnlySpan<ICheckpointState> states)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(parameters);
        var reader = new CheckpointReader(SafeTensorsFile.Read(path, requireChecksum: true), path);
        foreach (ParameterSlot parameter in parameters)
        {
            reader.StageTensor(parameter.Name, parameter.Shape, parameter.Value);
        }

        foreach (ICheckpointState state in states)
        {
            state.StageLoad(reader);
        }

        reader.Commit();
    }

    /// <summary>
    /// Loads parameter values from any safetensors file holding tensors with their names and shapes — for example
    /// weights saved by PyTorch — verifying the checksum when the file has one; nothing changes on error. F32 tensors
    /// are copied; F64, F16 and BF16 tensors are converted to float32 (F64 rounds to nearest).
    /// </summary>
    /// <param name="path">The safetensors file.</param>
    /// <param name="parameters">The parameters to fill.</param>
    /// <exception cref="CheckpointException">The file is damaged, truncated, or does not fit.</exception>
    public static void LoadParameters(string path, IReadOnlyList<ParameterSlot> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(parameters);
        var reader = new CheckpointReader(SafeTensorsFile.Read(path, requireChecksum: false), path, convertFloatTypes: true);
        foreach (ParameterSlot parameter in parameters)
        {
            reader.StageTensor(parameter.Name, parameter.Shape, parameter.Value);
        }

        reader.Commit();
    }
}
