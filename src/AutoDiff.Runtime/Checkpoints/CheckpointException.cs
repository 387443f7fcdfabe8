namespace AutoDiff.Checkpoints;

/// <summary>A checkpoint file is damaged, truncated, not a safetensors file, or does not fit the objects it is loaded into.</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong with the checkpoint.</param>
    public CheckpointException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that revealed the problem.</summary>
    /// <param name="message">What is wrong with the checkpoint.</param>
    /// <param name="innerException">The exception that revealed the problem.</param>
    public CheckpointException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
