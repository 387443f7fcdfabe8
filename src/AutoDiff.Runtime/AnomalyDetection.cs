using System.ComponentModel;
using System.Numerics.Tensors;

namespace AutoDiff;

/// <summary>
/// Anomaly mode: when <see cref="IsEnabled"/> is true, every tensor operation of a generated model gradient checks
/// its result in the forward sweep, and the gradients it produced in the reverse sweep, for NaN and infinity, and
/// throws an <see cref="AnomalyException"/> naming the operation and the line of the model's source that ran it
/// (the counterpart of PyTorch's <c>torch.autograd.set_detect_anomaly</c>). When false, each operation costs one
/// test of this flag.
/// </summary>
public static class AnomalyDetection
{
    /// <summary>Gets or sets a value indicating whether generated gradients check every tensor operation.</summary>
    public static bool IsEnabled { get; set; }

    /// <summary>
    /// Throws when <paramref name="values"/> holds NaN or infinity. Called by generated code when <see cref="IsEnabled"/>
    /// is true; public only for that code, and hidden from IntelliSense.
    /// </summary>
    /// <param name="values">The tensor just computed.</param>
    /// <param name="operation">What computed it, e.g. <c>TensorOps.MatMul</c> or <c>backward of TensorOps.MatMul</c>.</param>
    /// <param name="file">The model's source file.</param>
    /// <param name="line">The line of the statement.</param>
    /// <exception cref="AnomalyException">A value is NaN or infinite.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Check(Tensor? values, string operation, string file, int line)
    {
        if (values is not null)
        {
            Check(values.ReadOnlySpan, operation, file, line);
        }
    }

    /// <inheritdoc cref="Check(Tensor?, string, string, int)"/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Check(ReadOnlySpan<float> values, string operation, string file, int line)
    {
        if (TensorPrimitives.IsNaNAny(values) || TensorPrimitives.IsInfinityAny(values))
        {
            bool nan = TensorPrimitives.IsNaNAny(values);
            throw new AnomalyException(operation, file, line, nan ? "NaN" : "an infinity");
        }
    }

    /// <inheritdoc cref="Check(Tensor?, string, string, int)"/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Check(float value, string operation, string file, int line)
    {
        if (!float.IsFinite(value))
        {
            throw new AnomalyException(operation, file, line, float.IsNaN(value) ? "NaN" : "an infinity");
        }
    }
}

/// <summary>Thrown in anomaly mode when a generated forward or backward step produces NaN or infinity.</summary>
public sealed class AnomalyException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">The operation that produced the value.</param>
    /// <param name="file">The model's source file.</param>
    /// <param name="line">The statement's line.</param>
    /// <param name="what">"NaN" or "an infinity".</param>
    public AnomalyException(string operation, string file, int line, string what)
        : base($"{operation} produced {what} at {file}, line {line}.")
    {
        Operation = operation;
        File = file;
        Line = line;
    }

    /// <summary>Gets the operation that produced the value.</summary>
    public string Operation { get; }

    /// <summary>Gets the model's source file.</summary>
    public string File { get; }

    /// <summary>Gets the line of the statement.</summary>
    public int Line { get; }
}
