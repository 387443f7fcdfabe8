namespace AutoDiff.Optimizers;

/// <summary>Hyper-parameters common to every optimizer.</summary>
/// <remarks>
/// Hyper-parameters are doubles, as PyTorch keeps them as Python floats; each step converts the derived scalars
/// to <see cref="float"/> where PyTorch's float32 kernels would.
/// </remarks>
public abstract record OptimizerOptions
{
    /// <summary>Gets the learning rate (γ in PyTorch's documentation).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Gets the weight decay (λ); how it is applied depends on the optimizer.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Throws when a hyper-parameter is outside its valid range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is invalid.</exception>
    protected internal virtual void Validate()
    {
        RequireAtLeastZero(LearningRate, nameof(LearningRate));
        RequireAtLeastZero(WeightDecay, nameof(WeightDecay));
    }

    /// <summary>Throws unless <paramref name="value"/> is zero or positive (NaN is rejected).</summary>
    /// <param name="value">The value to check.</param>
    /// <param name="name">The hyper-parameter's name, for the message.</param>
    protected static void RequireAtLeastZero(double value, string name)
    {
        if (!(value >= 0))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be zero or positive.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> lies in [0, 1) (NaN is rejected).</summary>
    /// <param name="value">The value to check.</param>
    /// <param name="name">The hyper-parameter's name, for the message.</param>
    protected static void RequireUnitInterval(double value, string name)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, 1).");
        }
    }
}
