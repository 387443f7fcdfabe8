namespace AutoDiff.Optimizers;

/// <summary>Hyper-parameters of <see cref="Adam"/> (PyTorch's <c>torch.optim.Adam</c> arguments).</summary>
public record AdamOptions : OptimizerOptions
{
    /// <summary>Gets β₁, the decay of the first-moment average (default 0.9).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Gets β₂, the decay of the second-moment average (default 0.999).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Gets ε, added after the square root and bias correction of the second moment (default 1e-8).</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Gets a value indicating whether to use the AMSGrad variant (the running maximum of the second moment).</summary>
    public bool AmsGrad { get; init; }

    /// <inheritdoc/>
    protected internal override void Validate()
    {
        base.Validate();
        RequireUnitInterval(Beta1, nameof(Beta1));
        RequireUnitInterval(Beta2, nameof(Beta2));
        RequireAtLeastZero(Epsilon, nameof(Epsilon));
    }
}

/// <summary>Hyper-parameters of <see cref="AdamW"/>: those of Adam, with PyTorch's AdamW default weight decay of 0.01.</summary>
public sealed record AdamWOptions : AdamOptions
{
    /// <summary>Creates the options with PyTorch's defaults (weight decay 0.01).</summary>
    public AdamWOptions() => WeightDecay = 1e-2;
}

/// <summary>
/// Adam with optional L2 weight decay and AMSGrad — the update rule of PyTorch's <c>torch.optim.Adam</c>
/// (with <c>maximize=False</c>, <c>decoupled_weight_decay=False</c>).
/// </summary>
/// <remarks>
/// For step t with learning rate γ, betas β₁, β₂, weight decay λ:
/// <code>
/// g   ← ∇f(θ_{t-1})
/// if λ ≠ 0:  g ← g + λ·θ_{t-1}                  (L2: the decay passes through the moments)
/// m_t ← β₁·m_{t-1} + (1 − β₁)·g                 (computed as PyTorch's lerp)
/// v_t ← β₂·v_{t-1} + (1 − β₂)·g²
/// if amsgrad:  v_t^max ← max(v_{t-1}^max, v_t),  and v_t^max replaces v_t below
/// θ_t ← θ_{t-1} − (γ / (1 − β₁^t)) · m_t / (√v_t / √(1 − β₂^t) + ε)
/// </code>
/// which is the documented <c>θ_t ← θ_{t-1} − γ·m̂_t / (√v̂_t + ε)</c> with <c>m̂_t = m_t/(1 − β₁^t)</c>,
/// <c>v̂_t = v_t/(1 − β₂^t)</c>: ε is added after the square root of the bias-corrected second moment. The
/// AMSGrad maximum is taken over the uncorrected v_t, as PyTorch's implementation does. The bias corrections and
/// step size are computed in double precision, the element-wise work in float32 in PyTorch's order of operations.
/// State per parameter: <c>exp_avg</c>, <c>exp_avg_sq</c>, and <c>max_exp_avg_sq</c> when AMSGrad is on.
/// </remarks>
public sealed class Adam : Optimizer<AdamOptions>
{
    private readonly AdamState<AdamOptions> _state;

    /// <summary>Creates Adam over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="options">The hyper-parameters.</param>
    public Adam(IReadOnlyList<ParameterSlot> parameters, AdamOptions options)
        : this([new ParameterGroup<AdamOptions>(parameters, options)])
    {
    }

    /// <summary>Creates Adam over several groups, each with its own hyper-parameters.</summary>
    /// <param name="groups">The parameter groups.</param>
    public Adam(IEnumerable<ParameterGroup<AdamOptions>> groups)
        : base(groups)
    {
        _state = new(Groups, CreateState);
    }

    /// <inheritdoc/>
    protected override void StepCore(long step) => _state.Step(Groups, step, decoupled: false);
}

/// <summary>
/// AdamW: Adam with decoupled weight decay — the update rule of PyTorch's <c>torch.optim.AdamW</c>
/// (with <c>maximize=False</c>).
/// </summary>
/// <remarks>
/// Identical to <see cref="Adam"/> except for the weight decay, which shrinks the parameter directly instead of
/// entering the gradient (and so the moments):
/// <code>
/// θ_{t-1} ← θ_{t-1} · (1 − γ·λ)                   (first; the product γ·λ in double, then rounded to float)
/// m_t, v_t, (v_t^max) and θ_t as in Adam, with g = ∇f(θ_{t-1}) never modified by λ
/// </code>
/// </remarks>
public sealed class AdamW : Optimizer<AdamWOptions>
{
    private readonly AdamState<AdamWOptions> _state;

    /// <summary>Creates AdamW over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="options">The hyper-parameters.</param>
    public AdamW(IReadOnlyList<ParameterSlot> parameters, AdamWOptions options)
        : this([new ParameterGroup<AdamWOptions>(parameters, options)])
    {
    }

    /// <summary>Creates AdamW over several groups, each with its own hyper-parameters.</summary>
    /// <param name="groups">The parameter groups.</param>
    public AdamW(IEnumerable<ParameterGroup<AdamWOptions>> groups)
        : base(groups)
    {
        _state = new(Groups, CreateState);
    }

    /// <inheritdoc/>
    protected override void StepCore(long step) => _state.Step(Groups, step, decoupled: true);
}

/// <summary>The moment buffers and the step shared by <see cref="Adam"/> and <see cref="AdamW"/>.</summary>
internal sealed class AdamState<TOptions>
    where TOptions : AdamOptions
{
    private readonly float[][][] _expAvg;
    private readonly float[][][] _expAvgSq;
    private readonly float[]?[][] _maxExpAvgSq;

    public AdamState(IReadOnlyList<ParameterGroup<TOptions>> groups, Func<ParameterSlot, string, float, float[]> createState)
    {
        _expAvg = groups.Select(g => g.Parameters.Select(p => createState(p, "exp_avg", 0f)).ToArray()).ToArray();
        _expAvgSq = groups.Select(g => g.Parameters.Select(p => createState(p, "exp_avg_sq", 0f)).ToArray()).ToArray();
        _maxExpAvgSq = groups
            .Select(g => g.Parameters.Select(p => g.Options.AmsGrad ? createState(p, "max_exp_avg_sq", 0f) : null).ToArray())
            .ToArray();
    }

    public void Step(IReadOnlyList<ParameterGroup<TOptions>> groups, long step, bool decoupled)
    {
        for (int g = 0; g < groups.Count; g++)
        {
            ParameterGroup<TOptions> group = groups[g];
            TOptions options = group.Options;
            double learningRate = group.LearningRate;
            double biasCorrection1 = 1 - Math.Pow(options.Beta1, step);
            double biasCorrection2 = 1 - Math.Pow(options.Beta2, step);
            float decayFactor = decoupled ? (float)(1 - (learningRate * options.WeightDecay)) : 1f;
            float l2 = decoupled ? 0f : (float)options.WeightDecay;
            for (int p = 0; p < group.Parameters.Count; p++)
            {
                ParameterSlot parameter = group.Parameters[p];
                OptimizerKernels.Adam(
                    parameter.Value.Span,
                    parameter.Gradient.Span,
                    _expAvg[g][p],
                    _expAvgSq[g][p],
                    _maxExpAvgSq[g][p],
                    decayFactor,
                    l2,
                    (float)(1 - options.Beta1),
                    (float)options.Beta2,
                    (float)(1 - options.Beta2),
                    (float)Math.Sqrt(biasCorrection2),
                    (float)options.Epsilon,
                    (float)-(learningRate / biasCorrection1),
                    options.AmsGrad);
            }
        }
    }
}
