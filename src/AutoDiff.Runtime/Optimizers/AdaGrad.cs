namespace AutoDiff.Optimizers;

/// <summary>Hyper-parameters of <see cref="AdaGrad"/> (PyTorch's <c>torch.optim.Adagrad</c> arguments).</summary>
public sealed record AdaGradOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults (learning rate 0.01).</summary>
    public AdaGradOptions() => LearningRate = 1e-2;

    /// <summary>Gets the learning-rate decay η.</summary>
    public double LearningRateDecay { get; init; }

    /// <summary>Gets the value every element of the squared-gradient sum starts with.</summary>
    public double InitialAccumulatorValue { get; init; }

    /// <summary>Gets ε, added to the square root of the sum (default 1e-10).</summary>
    public double Epsilon { get; init; } = 1e-10;

    /// <inheritdoc/>
    protected internal override void Validate()
    {
        base.Validate();
        RequireAtLeastZero(LearningRateDecay, nameof(LearningRateDecay));
        RequireAtLeastZero(InitialAccumulatorValue, nameof(InitialAccumulatorValue));
        RequireAtLeastZero(Epsilon, nameof(Epsilon));
    }
}

/// <summary>AdaGrad — the update rule of PyTorch's <c>torch.optim.Adagrad</c> (with <c>maximize=False</c>).</summary>
/// <remarks>
/// For step t with learning rate γ, weight decay λ, learning-rate decay η and initial accumulator value s₀:
/// <code>
/// g   ← ∇f(θ_{t-1})
/// γ̃   ← γ / (1 + (t − 1)·η)
/// if λ ≠ 0:  g ← g + λ·θ_{t-1}
/// s_t ← s_{t-1} + g²
/// θ_t ← θ_{t-1} − γ̃·g / (√s_t + ε)        (ε outside the square root)
/// </code>
/// State per parameter: <c>sum</c>.
/// </remarks>
public sealed class AdaGrad : Optimizer<AdaGradOptions>
{
    private readonly float[][][] _sums;

    /// <summary>Creates AdaGrad over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="options">The hyper-parameters.</param>
    public AdaGrad(IReadOnlyList<ParameterSlot> parameters, AdaGradOptions options)
        : this([new ParameterGroup<AdaGradOptions>(parameters, options)])
    {
    }

    /// <summary>Creates AdaGrad over several groups, each with its own hyper-parameters.</summary>
    /// <param name="groups">The parameter groups.</param>
    public AdaGrad(IEnumerable<ParameterGroup<AdaGradOptions>> groups)
        : base(groups)
    {
        _sums = Groups
            .Select(group => group.Parameters
                .Select(parameter => CreateState(parameter, "sum", (float)group.Options.InitialAccumulatorValue))
                .ToArray())
            .ToArray();
    }

    /// <inheritdoc/>
    protected override void StepCore(long step)
    {
        for (int g = 0; g < Groups.Count; g++)
        {
            ParameterGroup<AdaGradOptions> group = Groups[g];
            AdaGradOptions options = group.Options;
            double clr = group.LearningRate / (1 + ((step - 1) * options.LearningRateDecay));
            for (int p = 0; p < group.Parameters.Count; p++)
            {
                ParameterSlot parameter = group.Parameters[p];
                OptimizerKernels.AdaGrad(
                    parameter.Value.Span,
                    parameter.Gradient.Span,
                    _sums[g][p],
                    (float)options.WeightDecay,
                    (float)options.Epsilon,
                    (float)-clr);
            }
        }
    }
}
