namespace AutoDiff.Diagnostics;

/// <summary>The activation functions whose saturation or dead units a <see cref="GradientMonitor"/> can measure.</summary>
public enum ActivationKind
{
    /// <summary>The logistic sigmoid, σ(x) = 1 / (1 + e^{−x}); its derivative σ(1 − σ) is at most 0.25.</summary>
    Sigmoid,

    /// <summary>The hyperbolic tangent; its derivative 1 − tanh² is at most 1.</summary>
    Tanh,

    /// <summary>The rectified linear unit, max(x, 0); its derivative is 0 for x ≤ 0 and 1 otherwise.</summary>
    Relu,
}

/// <summary>
/// The thresholds of the detection rules of a <see cref="GradientMonitor"/>. Every rule is evaluated on recorded
/// steps only (every <see cref="GradientMonitorOptions.Interval"/> steps), so "consecutive checks" counts recorded
/// steps, not training steps. The defaults follow common practice; see docs/diagnostics-runtime.md.
/// </summary>
public sealed record DiagnosticThresholds
{
    /// <summary>
    /// Gets the vanishing-gradient ratio: the rule fires when the first layer's gradient norm divided by the last
    /// layer's is below this value (default 1e-3, three orders of magnitude across the network).
    /// </summary>
    public double VanishingRatio { get; init; } = 1e-3;

    /// <summary>Gets the number of consecutive recorded steps the vanishing ratio must hold before the rule fires (K, default 3).</summary>
    public int VanishingChecks { get; init; } = 3;

    /// <summary>Gets the gradient L2 norm of a layer (or of all parameters together) above which gradients are exploding (default 1e3).</summary>
    public double ExplodingNorm { get; init; } = 1e3;

    /// <summary>
    /// Gets the growth factor per training step of the global gradient norm above which gradients are exploding
    /// (default 2: the norm doubles every step). Between two records <c>s</c> steps apart the norm must grow by
    /// more than <c>factor^s</c>.
    /// </summary>
    public double ExplodingGrowthPerStep { get; init; } = 2.0;

    /// <summary>Gets the number of consecutive recorded steps the growth must be seen before the growth rule fires (default 2).</summary>
    public int ExplodingGrowthChecks { get; init; } = 2;

    /// <summary>
    /// Gets the derivative below which a sigmoid or tanh unit counts as saturated (default 0.05: a sigmoid output
    /// below 0.053 or above 0.947, a tanh output beyond ±0.975).
    /// </summary>
    public double SaturationDerivative { get; init; } = 0.05;

    /// <summary>Gets the share of saturated sigmoid or tanh outputs (units × samples) above which the saturation rule fires (default 0.4).</summary>
    public double SaturationShare { get; init; } = 0.4;

    /// <summary>Gets the share of ReLU units that are never active over a batch above which the dead-ReLU rule fires (default 0.25).</summary>
    public double DeadReluShare { get; init; } = 0.25;

    /// <summary>Gets the number of consecutive recorded steps an activation rule must hold before it fires (default 1).</summary>
    public int ActivationChecks { get; init; } = 1;

    /// <summary>
    /// Gets the update-to-weight ratio ‖Δw‖ / ‖w‖ of one step above which the learning rate is too large (default
    /// 1e-2; a healthy ratio is around 1e-3).
    /// </summary>
    public double MaxUpdateRatio { get; init; } = 1e-2;

    /// <summary>Gets the number of consecutive recorded steps the update ratio must be too large before the rule fires (default 3).</summary>
    public int UpdateRatioChecks { get; init; } = 3;

    /// <summary>
    /// Gets a value indicating whether the update-ratio rule looks only at tensors of rank 2 or more (weights, not
    /// biases, whose norm starts at zero and makes the ratio meaningless; default <see langword="true"/>).
    /// </summary>
    public bool UpdateRatioWeightsOnly { get; init; } = true;

    internal void Validate()
    {
        static void Positive(double value, string name)
        {
            if (!(value > 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(name, value, "The threshold must be positive and finite.");
            }
        }

        Positive(VanishingRatio, nameof(VanishingRatio));
        Positive(ExplodingNorm, nameof(ExplodingNorm));
        Positive(ExplodingGrowthPerStep, nameof(ExplodingGrowthPerStep));
        Positive(SaturationDerivative, nameof(SaturationDerivative));
        Positive(MaxUpdateRatio, nameof(MaxUpdateRatio));
        if (SaturationDerivative >= 0.25)
        {
            throw new ArgumentOutOfRangeException(nameof(SaturationDerivative), SaturationDerivative, "The sigmoid's derivative never exceeds 0.25.");
        }

        if (SaturationShare is < 0 or > 1 || double.IsNaN(SaturationShare))
        {
            throw new ArgumentOutOfRangeException(nameof(SaturationShare), SaturationShare, "A share lies in [0, 1].");
        }

        if (DeadReluShare is < 0 or > 1 || double.IsNaN(DeadReluShare))
        {
            throw new ArgumentOutOfRangeException(nameof(DeadReluShare), DeadReluShare, "A share lies in [0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(VanishingChecks, 1, nameof(VanishingChecks));
        ArgumentOutOfRangeException.ThrowIfLessThan(ExplodingGrowthChecks, 1, nameof(ExplodingGrowthChecks));
        ArgumentOutOfRangeException.ThrowIfLessThan(ActivationChecks, 1, nameof(ActivationChecks));
        ArgumentOutOfRangeException.ThrowIfLessThan(UpdateRatioChecks, 1, nameof(UpdateRatioChecks));
    }
}

/// <summary>How a <see cref="GradientMonitor"/> samples and what it keeps.</summary>
public sealed record GradientMonitorOptions
{
    /// <summary>Gets the sampling interval: steps whose number is a multiple of it are recorded (default 10).</summary>
    public int Interval { get; init; } = 10;

    /// <summary>Gets the number of records kept; older records are overwritten (a ring buffer, default 1024).</summary>
    public int Capacity { get; init; } = 1024;

    /// <summary>
    /// Gets a value indicating whether to measure the update-to-weight ratio ‖Δw‖ / ‖w‖ (default <see langword="true"/>).
    /// It costs a copy of every parameter, made once per interval at the end of the step before a recorded step.
    /// </summary>
    public bool TrackUpdateRatio { get; init; } = true;

    /// <summary>
    /// Gets the function that names the layer of a parameter tensor (default: the name up to its last dot, so
    /// <c>layer3.weight</c> and <c>layer3.bias</c> form layer <c>layer3</c>). Layers are ordered by depth as their
    /// first tensor appears in the parameter list, so list parameters from input to output.
    /// </summary>
    public Func<string, string>? LayerOf { get; init; }

    /// <summary>Gets a value indicating whether a monitor attached to a trainer asks it to stop once gradients hold NaN or infinity.</summary>
    public bool StopOnNonFinite { get; init; }

    /// <summary>Gets the detection thresholds.</summary>
    public DiagnosticThresholds Thresholds { get; init; } = new();
}
