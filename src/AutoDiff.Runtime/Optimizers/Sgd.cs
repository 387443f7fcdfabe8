namespace AutoDiff.Optimizers;

/// <summary>Hyper-parameters of <see cref="Sgd"/> (PyTorch's <c>torch.optim.SGD</c> arguments).</summary>
public sealed record SgdOptions : OptimizerOptions
{
    /// <summary>Gets the momentum factor μ; 0 (the default) gives plain SGD, above 0 heavy-ball momentum.</summary>
    public double Momentum { get; init; }

    /// <summary>Gets the dampening τ applied to the gradient when it enters the momentum buffer (after the first step).</summary>
    public double Dampening { get; init; }

    /// <summary>Gets a value indicating whether to use Nesterov momentum (needs μ &gt; 0 and τ = 0, as in PyTorch).</summary>
    public bool Nesterov { get; init; }

    /// <inheritdoc/>
    protected internal override void Validate()
    {
        base.Validate();
        RequireAtLeastZero(Momentum, nameof(Momentum));
        RequireAtLeastZero(Dampening, nameof(Dampening));
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum requires a momentum above zero and zero dampening.");
        }
    }
}

/// <summary>
/// Stochastic gradient descent with optional weight decay, heavy-ball momentum with dampening, and Nesterov
/// momentum — the update rule of PyTorch's <c>torch.optim.SGD</c> (with <c>maximize=False</c>).
/// </summary>
/// <remarks>
/// For step t with learning rate γ, weight decay λ, momentum μ and dampening τ:
/// <code>
/// g  ← ∇f(θ_{t-1})
/// if λ ≠ 0:  g ← g + λ·θ_{t-1}                 (L2 penalty folded into the gradient)
/// if μ ≠ 0:
///     b_t ← g                         if t = 1  (the buffer starts as the gradient, undampened)
///     b_t ← μ·b_{t-1} + (1 − τ)·g      if t &gt; 1
///     g   ← g + μ·b_t                 if nesterov
///     g   ← b_t                       otherwise
/// θ_t ← θ_{t-1} − γ·g
/// </code>
/// State per parameter: <c>momentum_buffer</c> (only for groups with μ ≠ 0).
/// </remarks>
public sealed class Sgd : Optimizer<SgdOptions>
{
    private readonly float[]?[][] _momentumBuffers;

    /// <summary>Creates SGD over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="options">The hyper-parameters.</param>
    public Sgd(IReadOnlyList<ParameterSlot> parameters, SgdOptions options)
        : this([new ParameterGroup<SgdOptions>(parameters, options)])
    {
    }

    /// <summary>Creates SGD over several groups, each with its own hyper-parameters.</summary>
    /// <param name="groups">The parameter groups.</param>
    public Sgd(IEnumerable<ParameterGroup<SgdOptions>> groups)
        : base(groups)
    {
        _momentumBuffers = Groups
            .Select(group => group.Parameters
                .Select(parameter => group.Options.Momentum != 0 ? CreateState(parameter, "momentum_buffer") : null)
                .ToArray())
            .ToArray();
    }

    /// <inheritdoc/>
    protected override void StepCore(long step)
    {
        for (int g = 0; g < Groups.Count; g++)
        {
            ParameterGroup<SgdOptions> group = Groups[g];
            SgdOptions options = group.Options;
            for (int p = 0; p < group.Parameters.Count; p++)
            {
                ParameterSlot parameter = group.Parameters[p];
                OptimizerKernels.Sgd(
                    parameter.Value.Span,
                    parameter.Gradient.Span,
                    _momentumBuffers[g][p],
                    (float)options.WeightDecay,
                    (float)options.Momentum,
                    (float)(1 - options.Dampening),
                    options.Nesterov,
                    firstStep: step == 1,
                    (float)-group.LearningRate);
            }
        }
    }
}
