namespace AutoDiff.Data;

/// <summary>
/// An IDX file (or a pair of them) is malformed: wrong magic number, unsupported element type, wrong number of
/// dimensions, sizes that do not match, a truncated or damaged file. Nothing is loaded when this is thrown.
/// </summary>
public sealed class IdxFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    public IdxFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the error that revealed the problem.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    /// <param name="innerException">The underlying error, for example from the gzip decoder.</param>
    public IdxFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
