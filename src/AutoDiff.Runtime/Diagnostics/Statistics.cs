namespace AutoDiff.Diagnostics;

/// <summary>What a <see cref="GradientMonitor"/> measured on one parameter tensor at one recorded step.</summary>
/// <param name="Norm">The gradient's L2 norm ‖g‖ (NaN or infinity when the gradient holds them).</param>
/// <param name="Rms">The gradient's root mean square, ‖g‖ / √n.</param>
/// <param name="MaxAbs">The largest gradient magnitude, max |g|.</param>
/// <param name="ZeroFraction">The share of gradient elements that are exactly zero.</param>
/// <param name="UpdateRatio">
/// The update-to-weight ratio ‖Δw‖ / ‖w‖ of this step, with w the values before the step; NaN when it was not
/// measured (update tracking off, the step before was not seen, or ‖w‖ = 0).
/// </param>
/// <param name="NonFinite">The number of gradient elements that are NaN or infinite.</param>
/// <param name="WeightsFinite">Whether the parameter values were all finite after the step (<see langword="true"/> when not measured).</param>
public readonly record struct TensorGradientStatistics(
    double Norm, double Rms, float MaxAbs, float ZeroFraction, double UpdateRatio, int NonFinite, bool WeightsFinite);

/// <summary>What a <see cref="GradientMonitor"/> measured on one activation's outputs at one recorded step.</summary>
/// <param name="SaturatedShare">
/// The share of outputs (samples × units) whose derivative is below <see cref="DiagnosticThresholds.SaturationDerivative"/>;
/// for ReLU the share of outputs ≤ 0 (derivative exactly 0). NaN when the activation was not recorded at this step.
/// </param>
/// <param name="DeadShare">The share of ReLU units that were never positive over the batch; NaN for sigmoid and tanh.</param>
/// <param name="Samples">The number of samples (rows) in the batch that was measured; 0 when not recorded.</param>
public readonly record struct ActivationStatistics(float SaturatedShare, float DeadShare, int Samples)
{
    /// <summary>Gets the statistics of a step at which the activation was not recorded.</summary>
    public static ActivationStatistics Missing => new(float.NaN, float.NaN, 0);
}

/// <summary>The numeric state of one detection rule: plain fields, updated without allocating.</summary>
internal struct RuleState
{
    public int Run;
    public bool Fired;
    public long FirstStep;
    public long LastStep;
    public int Subject;
    public double Value;
    public double Extreme;
    public double Other;

    public void Fire(long step, int subject, double value, double other, bool largerIsWorse)
    {
        if (!Fired)
        {
            Fired = true;
            FirstStep = step;
            Extreme = value;
        }
        else if (largerIsWorse ? value > Extreme : value < Extreme)
        {
            Extreme = value;
        }

        LastStep = step;
        Subject = subject;
        Value = value;
        Other = other;
    }
}
