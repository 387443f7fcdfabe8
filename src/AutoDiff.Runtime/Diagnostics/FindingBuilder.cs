using System.Globalization;

namespace AutoDiff.Diagnostics;

/// <summary>Turns the monitor's rule counters into <see cref="DiagnosticFinding"/>s with text and remedies.</summary>
internal static class FindingBuilder
{
    private const string ReluFamily =
        "Use ReLU-family activations (ReLU, leaky ReLU, ELU, GELU) in hidden layers: sigmoid's derivative is at most 0.25 and " +
        "tanh's at most 1, so a chain of them shrinks the gradient at every layer (Glorot & Bengio 2010; Nair & Hinton 2010).";

    private const string Initialisation =
        "Initialise weights for the activation: He (Kaiming) N(0, 2/fan_in) for ReLU (He et al. 2015), Xavier/Glorot " +
        "U(±√(6/(fan_in + fan_out))) for tanh and sigmoid (Glorot & Bengio 2010); naive N(0, 1) or tiny uniform weights " +
        "scale the gradient by the same wrong factor at every layer.";

    private const string Normalisation =
        "Add batch normalisation (Ioffe & Szegedy 2015) or layer normalisation between layers, so pre-activations stay in " +
        "the range where derivatives are large.";

    private const string Residual =
        "Add residual (skip) connections, h + f(h), so the gradient has an identity path around each block (He et al. 2016, ResNet; DenseNet).";

    private const string Gates =
        "For recurrent networks, use LSTM (Hochreiter & Schmidhuber 1997) or GRU (Cho et al. 2014) cells: their gated, additive " +
        "state update keeps the gradient from shrinking or growing geometrically over time steps.";

    private const string Clipping =
        "Clip gradients by their global norm (TrainerOptions.ClipGradientNorm or GradientClipping.ClipByGlobalNorm; Pascanu, Mikolov & Bengio 2013).";

    private const string LowerLearningRate =
        "Lower the learning rate (try 3–10× lower), or warm it up (CosineWithWarmupLearningRate) and decay it on plateaus (ReduceLearningRateOnPlateau).";

    private const string Adaptive =
        "Use an adaptive optimiser (Adam, RMSprop, AdaGrad; Kingma & Ba 2015): per-parameter step sizes bound each update and " +
        "rescale small gradients. This eases the symptom, not the cause.";

    public static IReadOnlyList<DiagnosticFinding> Build(GradientMonitor monitor)
    {
        var findings = new List<DiagnosticFinding>();
        DiagnosticThresholds t = monitor.Options.Thresholds;
        IReadOnlyList<string> layers = monitor.Layers;
        int latest = monitor.RecordCount - 1;

        if (monitor.NonFinite.Fired)
        {
            RuleState s = monitor.NonFinite;
            var names = new List<string>();
            for (int p = 0; p < monitor.Parameters.Count; p++)
            {
                if (monitor.IsNonFiniteTensor(p))
                {
                    names.Add(monitor.Parameters[p].Name);
                }
            }

            var evidence = new Dictionary<string, double>
            {
                ["nonFiniteElements"] = s.Value,
                ["tensors"] = s.Other,
                ["firstStep"] = s.FirstStep,
            };
            findings.Add(new DiagnosticFinding(
                FindingKind.NonFinite,
                FindingSeverity.Error,
                names,
                s.FirstStep,
                s.LastStep,
                $"Gradients hold NaN or infinity from step {s.FirstStep} on: first seen in {Join(names)} " +
                $"({Format(s.Value)} non-finite gradient elements in {Format(s.Other)} tensors at step {s.LastStep}).",
                evidence,
                [
                    "Find the first operation that produced NaN/Inf: check the inputs and the loss (log of 0, division by 0, exp overflow); " +
                    "prefer the fused, stable losses (Losses.SoftmaxCrossEntropy, Losses.BinaryCrossEntropyWithLogits).",
                    "NaN often follows an exploding gradient: " + Clipping,
                    LowerLearningRate,
                    "Set GradientMonitorOptions.StopOnNonFinite to stop at once, and resume from the last good checkpoint.",
                ]));
        }

        if (monitor.ExplodingNorm.Fired || monitor.ExplodingGrowth.Fired)
        {
            var evidence = new Dictionary<string, double>();
            var subjects = new List<string>();
            var message = new System.Text.StringBuilder("Gradients explode: ");
            long first = long.MaxValue, last = long.MinValue;
            if (monitor.ExplodingNorm.Fired)
            {
                RuleState s = monitor.ExplodingNorm;
                string subject = s.Subject >= 0 ? layers[s.Subject] : "all parameters (before clipping)";
                subjects.Add(subject);
                message.Append(CultureInfo.InvariantCulture,
                    $"the gradient norm of {subject} reached {Format(s.Value)} at step {s.LastStep} (threshold {Format(t.ExplodingNorm)}; " +
                    $"largest seen {Format(s.Extreme)}, first over at step {s.FirstStep}). ");
                evidence["norm"] = s.Value;
                evidence["maxNorm"] = s.Extreme;
                evidence["threshold"] = t.ExplodingNorm;
                first = Math.Min(first, s.FirstStep);
                last = Math.Max(last, s.LastStep);
            }

            if (monitor.ExplodingGrowth.Fired)
            {
                RuleState s = monitor.ExplodingGrowth;
                message.Append(CultureInfo.InvariantCulture,
                    $"The global gradient norm grew by {Format(s.Value)}× per step for {t.ExplodingGrowthChecks} records in a row " +
                    $"(threshold {Format(t.ExplodingGrowthPerStep)}×), reaching {Format(s.Other)} at step {s.LastStep}. ");
                evidence["growthPerStep"] = s.Value;
                evidence["globalNorm"] = s.Other;
                first = Math.Min(first, s.FirstStep);
                last = Math.Max(last, s.LastStep);
            }

            AddLayerProfile(monitor, latest, evidence);
            findings.Add(new DiagnosticFinding(
                FindingKind.ExplodingGradient,
                FindingSeverity.Error,
                subjects,
                first,
                last,
                message.ToString().TrimEnd(),
                evidence,
                [Clipping, LowerLearningRate, Initialisation, Normalisation + " " + Residual, Gates, Adaptive]));
        }

        if (monitor.Vanishing.Fired)
        {
            RuleState s = monitor.Vanishing;
            string firstLayer = layers[0], lastLayer = layers[^1];
            var evidence = new Dictionary<string, double>
            {
                ["firstToLastRatio"] = s.Value,
                ["worstFirstToLastRatio"] = s.Extreme,
                ["lastLayerNorm"] = s.Other,
                ["threshold"] = t.VanishingRatio,
            };
            AddLayerProfile(monitor, latest, evidence);
            string saturation = SaturatedActivations(monitor);
            findings.Add(new DiagnosticFinding(
                FindingKind.VanishingGradient,
                FindingSeverity.Warning,
                [firstLayer, lastLayer],
                s.FirstStep,
                s.LastStep,
                $"Gradients vanish: the gradient norm of the first layer '{firstLayer}' is {Format(s.Value)} times that of the last layer " +
                $"'{lastLayer}' (first-to-last ratio {Format(s.Value)}, below {Format(t.VanishingRatio)} for {t.VanishingChecks} or more " +
                $"consecutive checks since step {s.FirstStep}; worst {Format(s.Extreme)}). The early layers barely learn." + saturation,
                evidence,
                [ReluFamily, Initialisation, Normalisation, Residual, Gates, Adaptive]));
        }

        if (monitor.UpdateRatio.Fired)
        {
            RuleState s = monitor.UpdateRatio;
            string tensor = monitor.Parameters[s.Subject].Name;
            string rate = double.IsNaN(s.Other) ? string.Empty : $" with learning rate {Format(s.Other)}";
            var evidence = new Dictionary<string, double>
            {
                ["updateRatio"] = s.Value,
                ["maxUpdateRatio"] = s.Extreme,
                ["threshold"] = t.MaxUpdateRatio,
                ["learningRate"] = s.Other,
            };
            findings.Add(new DiagnosticFinding(
                FindingKind.LearningRateTooLarge,
                FindingSeverity.Warning,
                [tensor],
                s.FirstStep,
                s.LastStep,
                $"The learning rate is too large: one step changes '{tensor}' by ‖Δw‖/‖w‖ = {Format(s.Value)} at step {s.LastStep}{rate} " +
                $"(threshold {Format(t.MaxUpdateRatio)} for {t.UpdateRatioChecks} consecutive checks; largest {Format(s.Extreme)}; " +
                "about 1e-3 is healthy).",
                evidence,
                [
                    "Lower the learning rate until ‖Δw‖/‖w‖ is around 1e-3 per step; " + LowerLearningRate,
                    Adaptive,
                    Clipping,
                ]));
        }

        foreach (ActivationProbe probe in monitor.Activations)
        {
            if (probe.Saturation.Fired)
            {
                RuleState s = probe.Saturation;
                findings.Add(new DiagnosticFinding(
                    FindingKind.Saturation,
                    FindingSeverity.Warning,
                    [probe.Name],
                    s.FirstStep,
                    s.LastStep,
                    $"Activation '{probe.Name}' ({probe.Kind}) is saturated: {Percent(s.Value)} of its outputs have a derivative below " +
                    $"{Format(t.SaturationDerivative)} at step {s.LastStep} (threshold {Percent(t.SaturationShare)}; worst {Percent(s.Extreme)}), " +
                    "so almost no gradient flows back through them.",
                    new Dictionary<string, double> { ["saturatedShare"] = s.Value, ["worstSaturatedShare"] = s.Extreme, ["threshold"] = t.SaturationShare },
                    [ReluFamily, Initialisation, Normalisation + " Also standardise the inputs.", Residual, Gates]));
            }

            if (probe.Dead.Fired)
            {
                RuleState s = probe.Dead;
                findings.Add(new DiagnosticFinding(
                    FindingKind.DeadRelu,
                    FindingSeverity.Warning,
                    [probe.Name],
                    s.FirstStep,
                    s.LastStep,
                    $"Activation '{probe.Name}' has dead ReLUs: {Percent(s.Value)} of its {probe.Units} units output 0 for every sample of the " +
                    $"batch at step {s.LastStep} (threshold {Percent(t.DeadReluShare)}; worst {Percent(s.Extreme)}); they get no gradient and stop learning.",
                    new Dictionary<string, double> { ["deadShare"] = s.Value, ["worstDeadShare"] = s.Extreme, ["units"] = probe.Units, ["threshold"] = t.DeadReluShare },
                    [
                        "Use leaky ReLU, ELU or GELU, which keep a gradient for negative inputs (Maas et al. 2013; Clevert et al. 2016).",
                        "A too-large step can push a unit where it never fires again: " + LowerLearningRate,
                        "Use He initialisation (He et al. 2015) and a small positive bias; " + Normalisation,
                        Clipping,
                    ]));
            }
        }

        return findings;
    }

    internal static string Format(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e6 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("G3", CultureInfo.InvariantCulture);

    private static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Join(IReadOnlyList<string> names) =>
        names.Count <= 4 ? string.Join(", ", names) : string.Join(", ", names.Take(4)) + $" and {names.Count - 4} more";

    private static void AddLayerProfile(GradientMonitor monitor, int record, Dictionary<string, double> evidence)
    {
        if (record < 0)
        {
            return;
        }

        evidence["profileStep"] = monitor.StepAt(record);
        ReadOnlySpan<double> norms = monitor.LayerNormsAt(record);
        for (int l = 0; l < norms.Length; l++)
        {
            evidence["norm." + monitor.Layers[l]] = norms[l];
        }
    }

    private static string SaturatedActivations(GradientMonitor monitor)
    {
        var names = monitor.Activations.Where(p => p.Saturation.Fired).Select(p => p.Name).ToList();
        return names.Count == 0 ? string.Empty : $" Saturated activations make it worse: {Join(names)}.";
    }
}
