namespace AutoDiff.Optimizers;

/// <summary>Hyper-parameters of <see cref="RmsProp"/> (PyTorch's <c>torch.optim.RMSprop</c> arguments).</summary>
public sealed record RmsPropOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults (learning rate 0.01).</summary>
    public RmsPropOptions() => LearningRate = 1e-2;

    /// <summary>Gets the smoothing constant α of the squared-gradient average (default 0.99).</summary>
    public double Alpha { get; init; } = 0.99;

    /// <summary>Gets ε, added to the square root of the average (default 1e-8).</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Gets the momentum factor μ (default 0: no momentum buffer).</summary>
    public double Momentum { get; init; }

    /// <summary>Gets a value indicating whether to divide by the estimated variance instead of the raw second moment.</summary>
    public bool Centered { get; init; }

    /// <inheritdoc/>
    protected internal override void Validate()
    {
        base.Validate();
        RequireAtLeastZero(Alpha, nameof(Alpha));
        RequireAtLeastZero(Epsilon, nameof(Epsilon));
        RequireAtLeastZero(Momentum, nameof(Momentum));
    }
}

/// <summary>RMSprop — the update rule of PyTorch's <c>torch.optim.RMSprop</c> (with <c>maximize=False</c>).</summary>
/// <remarks>
/// For step t with learning rate γ, smoothing α, weight decay λ and momentum μ:
/// <code>
/// g   ← ∇f(θ_{t-1})
/// if λ ≠ 0:  g ← g + λ·θ_{t-1}
/// v_t ← α·v_{t-1} + (1 − α)·g²
/// ṽ   ← v_t
/// if centered:
///     ḡ_t ← α·ḡ_{t-1} + (1 − α)·g        (computed as PyTorch's lerp)
///     ṽ   ← ṽ − ḡ_t²
/// if μ &gt; 0:
///     b_t ← μ·b_{t-1} + g / (√ṽ + ε)
///     θ_t ← θ_{t-1} − γ·b_t
/// else:
///     θ_t ← θ_{t-1} − γ·g / (√ṽ + ε)      (ε outside the square root)
/// </code>
/// State per parameter: <c>square_avg</c>, plus <c>grad_avg</c> when centered and <c>momentum_buffer</c> when μ &gt; 0.
/// </remarks>
public sealed class RmsProp : Optimizer<RmsPropOptions>
{
    private readonly float[][][] _squareAverages;
    private readonly float[]?[][] _gradientAverages;
    private readonly float[]?[][] _momentumBuffers;

    /// <summary>Creates RMSprop over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="options">The hyper-parameters.</param>
    public RmsProp(IReadOnlyList<ParameterSlot> parameters, RmsPropOptions options)
        : this([new ParameterGroup<RmsPropOptions>(parameters, options)])
    {
    }

    /// <summary>Creates RMSprop over several groups, each with its own hyper-parameters.</summary>
    /// <param name="groups">The parameter groups.</param>
    public RmsProp(IEnumerable<ParameterGroup<RmsPropOptions>> groups)
        : base(groups)
    {
        _squareAverages = Groups.Select(group => group.Parameters.Select(p => CreateState(p, "square_avg")).ToArray()).ToArray();
        _gradientAverages = Groups
            .Select(group => group.Parameters.Select(p => group.Options.Centered ? CreateState(p, "grad_avg") : null).ToArray())
            .ToArray();
        _momentumBuffers = Groups
            .Select(group => group.Parameters.Select(p => group.Options.Momentum > 0 ? CreateState(p, "momentum_buffer") : null).ToArray())
            .ToArray();
    }

    /// <inheritdoc/>
    protected override void StepCore(long step)
    {
        for (int g = 0; g < Groups.Count; g++)
        {
            ParameterGroup<RmsPropOptions> group = Groups[g];
            RmsPropOptions options = group.Options;
            for (int p = 0; p < group.Parameters.Count; p++)
            {
                ParameterSlot parameter = group.Parameters[p];
                OptimizerKernels.RmsProp(
                    parameter.Value.Span,
                    parameter.Gradient.Span,
                    _squareAverages[g][p],
                    _gradientAverages[g][p],
                    _momentumBuffers[g][p],
                    (float)options.WeightDecay,
                    (float)options.Alpha,
                    (float)(1 - options.Alpha),
                    (float)options.Epsilon,
                    (float)options.Momentum,
                    options.Centered,
                    useMomentum: options.Momentum > 0,
                    (float)-group.LearningRate);
            }
        }
    }
}
