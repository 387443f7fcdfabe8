namespace AutoDiff;

/// <summary>
/// Weight initialisers, all seeded (the same seed gives the same tensor). Fans follow the layouts of
/// <see cref="TensorOps"/>: a dense weight is [in, out] (fan in = in, fan out = out); a convolution filter bank is
/// [K, C, R, S] (fan in = C·R·S, fan out = K·R·S, as PyTorch counts them).
/// </summary>
/// <remarks>
/// Match the initialiser to the activation that follows: He (Kaiming) for ReLU, Glorot (Xavier) for tanh and sigmoid
/// — the remedy for vanishing and exploding gradients in deep networks that the gradient monitor suggests.
/// Use a different seed for each tensor.
/// </remarks>
/// <example>
/// <code>
/// [Parameter] public Tensor W1 = Init.HeNormal(new Shape(784, 128), seed: 1);
/// [Parameter] public Tensor B1 = Init.Zeros(new Shape(128));
/// </code>
/// </example>
public static class Init
{
    /// <summary>A tensor of zeros (biases).</summary>
    /// <param name="shape">The shape.</param>
    /// <returns>The tensor.</returns>
    public static Tensor Zeros(Shape shape) => Tensor.Zeros(shape);

    /// <summary>Glorot/Xavier uniform (Glorot and Bengio, 2010): U(−l, l) with l = √(6 / (fan in + fan out)).</summary>
    /// <param name="shape">A dense [in, out] or convolution [K, C, R, S] weight shape.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The tensor.</returns>
    public static Tensor GlorotUniform(Shape shape, int seed)
    {
        (int fanIn, int fanOut) = Fans(shape);
        float limit = MathF.Sqrt(6f / (fanIn + fanOut));
        return Tensor.Uniform(shape, -limit, limit, seed);
    }

    /// <summary>Glorot/Xavier normal: N(0, σ²) with σ = √(2 / (fan in + fan out)).</summary>
    /// <param name="shape">A dense [in, out] or convolution [K, C, R, S] weight shape.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The tensor.</returns>
    public static Tensor GlorotNormal(Shape shape, int seed)
    {
        (int fanIn, int fanOut) = Fans(shape);
        return Tensor.Normal(shape, 0f, MathF.Sqrt(2f / (fanIn + fanOut)), seed);
    }

    /// <summary>He/Kaiming uniform (He et al., 2015), for ReLU: U(−l, l) with l = √(6 / fan in).</summary>
    /// <param name="shape">A dense [in, out] or convolution [K, C, R, S] weight shape.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The tensor.</returns>
    public static Tensor HeUniform(Shape shape, int seed)
    {
        float limit = MathF.Sqrt(6f / Fans(shape).FanIn);
        return Tensor.Uniform(shape, -limit, limit, seed);
    }

    /// <summary>He/Kaiming normal, for ReLU: N(0, σ²) with σ = √(2 / fan in).</summary>
    /// <param name="shape">A dense [in, out] or convolution [K, C, R, S] weight shape.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The tensor.</returns>
    public static Tensor HeNormal(Shape shape, int seed) => Tensor.Normal(shape, 0f, MathF.Sqrt(2f / Fans(shape).FanIn), seed);

    /// <summary>The fans of a weight shape: [in, out] for a dense layer, [K, C, R, S] for a convolution.</summary>
    /// <param name="shape">The weight shape.</param>
    /// <returns>The number of inputs and of outputs each weight connects.</returns>
    /// <exception cref="ArgumentException">The shape is not rank 2 or 4, or has an empty dimension.</exception>
    public static (int FanIn, int FanOut) Fans(Shape shape)
    {
        (int fanIn, int fanOut) = shape.Rank switch
        {
            2 => (shape[0], shape[1]),
            4 => (shape[1] * shape[2] * shape[3], shape[0] * shape[2] * shape[3]),
            _ => (0, 0),
        };
        if (fanIn <= 0 || fanOut <= 0)
        {
            throw new ArgumentException($"Init: cannot tell the fans of a weight of shape {shape}; expected a dense [in, out] or a convolution [K, C, R, S] shape with no empty dimension. Use Init.Zeros for biases.", nameof(shape));
        }

        return (fanIn, fanOut);
    }
}
