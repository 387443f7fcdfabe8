using System.ComponentModel;

namespace AutoDiff;

/// <summary>
/// A dense, contiguous, row-major tensor of <see cref="float"/>, rank 0 to 4: the fast type for models.
/// </summary>
/// <example><c>Tensor b = Tensor.Zeros(128); Tensor batch = images.Slice(64 * i, 64);</c></example>
public sealed class Tensor : TensorBase<float, Tensor>, ITensorFactory<float, Tensor>
{
    private Tensor(float[] data, int offset, Shape shape)
        : base(data, offset, shape)
    {
    }

    /// <inheritdoc/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static Tensor Create(float[] data, int offset, Shape shape) => new(data, offset, shape);
}

/// <summary>
/// A dense, contiguous, row-major tensor of <see cref="double"/>, rank 0 to 4: for exact gradient checks.
/// </summary>
public sealed class TensorD : TensorBase<double, TensorD>, ITensorFactory<double, TensorD>
{
    private TensorD(double[] data, int offset, Shape shape)
        : base(data, offset, shape)
    {
    }

    /// <inheritdoc/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static TensorD Create(double[] data, int offset, Shape shape) => new(data, offset, shape);
}
