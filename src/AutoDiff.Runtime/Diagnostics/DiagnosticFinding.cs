using System.Globalization;
using System.Text;

namespace AutoDiff.Diagnostics;

/// <summary>The problems a <see cref="GradientMonitor"/> detects.</summary>
public enum FindingKind
{
    /// <summary>A gradient or a parameter holds NaN or infinity.</summary>
    NonFinite,

    /// <summary>Gradient norms are above <see cref="DiagnosticThresholds.ExplodingNorm"/> or grow faster than <see cref="DiagnosticThresholds.ExplodingGrowthPerStep"/>.</summary>
    ExplodingGradient,

    /// <summary>The first layer's gradient norm is below <see cref="DiagnosticThresholds.VanishingRatio"/> times the last layer's.</summary>
    VanishingGradient,

    /// <summary>Update-to-weight ratios are above <see cref="DiagnosticThresholds.MaxUpdateRatio"/>.</summary>
    LearningRateTooLarge,

    /// <summary>Too many sigmoid or tanh outputs sit where the derivative is nearly zero.</summary>
    Saturation,

    /// <summary>Too many ReLU units output zero for every sample of a batch.</summary>
    DeadRelu,
}

/// <summary>How serious a finding is.</summary>
public enum FindingSeverity
{
    /// <summary>Training may still work but slowly or poorly.</summary>
    Warning,

    /// <summary>Training is broken or about to be (NaN, explosion).</summary>
    Error,
}

/// <summary>One problem found by a <see cref="GradientMonitor"/>, with its evidence and what to do about it.</summary>
/// <param name="Kind">What was found.</param>
/// <param name="Severity">How serious it is.</param>
/// <param name="Subjects">The layers, tensors or activations concerned, by name.</param>
/// <param name="FirstStep">The first step at which the rule fired.</param>
/// <param name="LastStep">The last step at which the rule fired.</param>
/// <param name="Message">The finding in one or two sentences, with the numbers.</param>
/// <param name="Evidence">The numbers behind the finding, by name (for example <c>ratio</c> or <c>norm.layer0</c>).</param>
/// <param name="Remedies">What to do, from the literature, most relevant first.</param>
public sealed record DiagnosticFinding(
    FindingKind Kind,
    FindingSeverity Severity,
    IReadOnlyList<string> Subjects,
    long FirstStep,
    long LastStep,
    string Message,
    IReadOnlyDictionary<string, double> Evidence,
    IReadOnlyList<string> Remedies)
{
    /// <summary>Returns the finding as text: kind, message, evidence and remedies.</summary>
    /// <returns>Several lines of text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"[{Severity}] {Kind}: {Message}").AppendLine();
        foreach (KeyValuePair<string, double> item in Evidence)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {item.Key} = {FindingBuilder.Format(item.Value)}").AppendLine();
        }

        foreach (string remedy in Remedies)
        {
            text.Append("  - ").AppendLine(remedy);
        }

        return text.ToString();
    }
}
