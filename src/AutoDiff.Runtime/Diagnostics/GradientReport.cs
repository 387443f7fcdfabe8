using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace AutoDiff.Diagnostics;

/// <summary>
/// Reports of a <see cref="GradientMonitor"/>: a console table per layer (Spectre.Console) with the findings, a JSON
/// log of every record and finding, and a CSV log with one row per record and tensor. Reports allocate; the
/// monitor's recording does not.
/// </summary>
public static class GradientReport
{
    /// <summary>
    /// Builds a table of the latest record, one row per layer: gradient norm, the ratio of the layer's norm to the
    /// last layer's, the RMS and max |g| over its tensors, the share of zero gradients, and the largest update ratio
    /// (of the weight tensors only, when <see cref="DiagnosticThresholds.UpdateRatioWeightsOnly"/> is set and the layer has any).
    /// </summary>
    /// <param name="monitor">The monitor.</param>
    /// <returns>The table (empty rows when nothing was recorded yet).</returns>
    public static Table BuildTable(GradientMonitor monitor)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        int record = monitor.RecordCount - 1;
        var table = new Table().Border(TableBorder.Rounded);
        table.Title = new TableTitle(record < 0 ? "Gradients: nothing recorded yet" : $"Gradients at step {monitor.StepAt(record)}");
        table.AddColumn("#", c => c.RightAligned());
        table.AddColumn("Layer");
        table.AddColumn("‖g‖", c => c.RightAligned());
        table.AddColumn("‖g‖ / last", c => c.RightAligned());
        table.AddColumn("RMS", c => c.RightAligned());
        table.AddColumn("max |g|", c => c.RightAligned());
        table.AddColumn("zeros", c => c.RightAligned());
        table.AddColumn("‖Δw‖/‖w‖", c => c.RightAligned());
        if (record < 0)
        {
            return table;
        }

        LayerSummary[] layers = Summarise(monitor, record);
        double last = layers[^1].Norm;
        DiagnosticThresholds t = monitor.Options.Thresholds;
        for (int l = 0; l < layers.Length; l++)
        {
            LayerSummary s = layers[l];
            double ratio = s.Norm / last;
            string normColor = !double.IsFinite(s.Norm) || s.Norm > t.ExplodingNorm ? "red" : "default";
            string ratioColor = ratio < t.VanishingRatio ? "yellow" : "default";
            string updateColor = s.UpdateRatio > t.MaxUpdateRatio ? "yellow" : "default";
            table.AddRow(
                l.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(monitor.Layers[l]),
                $"[{normColor}]{Number(s.Norm)}[/]",
                $"[{ratioColor}]{Number(ratio)}[/]",
                Number(s.Rms),
                Number(s.MaxAbs),
                (s.ZeroFraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %",
                $"[{updateColor}]{Number(s.UpdateRatio)}[/]");
        }

        return table;
    }

    /// <summary>Writes the table of <see cref="BuildTable"/>, the activations' latest statistics and every finding to a console.</summary>
    /// <param name="monitor">The monitor.</param>
    /// <param name="console">The console (default: <see cref="AnsiConsole.Console"/>).</param>
    public static void Write(GradientMonitor monitor, IAnsiConsole? console = null)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        console ??= AnsiConsole.Console;
        console.Write(BuildTable(monitor));
        int record = monitor.RecordCount - 1;
        if (monitor.Activations.Count > 0 && record >= 0)
        {
            var activations = new Table().Border(TableBorder.Rounded).AddColumns("Activation", "Kind", "Units", "Saturated", "Dead units");
            foreach (ActivationProbe probe in monitor.Activations)
            {
                ActivationStatistics s = probe.StatisticsAt(record);
                activations.AddRow(
                    Markup.Escape(probe.Name),
                    probe.Kind.ToString(),
                    probe.Units.ToString(CultureInfo.InvariantCulture),
                    Share(s.SaturatedShare),
                    Share(s.DeadShare));
            }

            console.Write(activations);
        }

        IReadOnlyList<DiagnosticFinding> findings = monitor.GetFindings();
        if (findings.Count == 0)
        {
            console.MarkupLine("[green]No gradient problems found.[/]");
            return;
        }

        foreach (DiagnosticFinding finding in findings)
        {
            string color = finding.Severity == FindingSeverity.Error ? "red" : "yellow";
            var body = new StringBuilder(Markup.Escape(finding.Message));
            body.Append("\n[bold]Remedies[/]");
            foreach (string remedy in finding.Remedies)
            {
                body.Append("\n • ").Append(Markup.Escape(remedy));
            }

            console.Write(new Panel(new Markup(body.ToString()))
                .Header($"[{color}]{finding.Severity}: {finding.Kind}[/]")
                .BorderColor(finding.Severity == FindingSeverity.Error ? Color.Red : Color.Yellow));
        }
    }

    /// <summary>
    /// Writes the monitor as JSON: the options' thresholds, the layers and tensors, every kept record (step, loss,
    /// learning rate, global norm, per-layer norms, per-tensor statistics, per-activation statistics) and the findings.
    /// Non-finite numbers are written as the strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c>.
    /// </summary>
    /// <param name="monitor">The monitor.</param>
    /// <param name="stream">The stream to write UTF-8 JSON to; left open.</param>
    public static void WriteJson(GradientMonitor monitor, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentNullException.ThrowIfNull(stream);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("interval", monitor.Options.Interval);
        DiagnosticThresholds t = monitor.Options.Thresholds;
        json.WriteStartObject("thresholds");
        Number(json, "vanishingRatio", t.VanishingRatio);
        json.WriteNumber("vanishingChecks", t.VanishingChecks);
        Number(json, "explodingNorm", t.ExplodingNorm);
        Number(json, "explodingGrowthPerStep", t.ExplodingGrowthPerStep);
        json.WriteNumber("explodingGrowthChecks", t.ExplodingGrowthChecks);
        Number(json, "saturationDerivative", t.SaturationDerivative);
        Number(json, "saturationShare", t.SaturationShare);
        Number(json, "deadReluShare", t.DeadReluShare);
        json.WriteNumber("activationChecks", t.ActivationChecks);
        Number(json, "maxUpdateRatio", t.MaxUpdateRatio);
        json.WriteNumber("updateRatioChecks", t.UpdateRatioChecks);
        json.WriteEndObject();

        json.WriteStartArray("layers");
        foreach (string layer in monitor.Layers)
        {
            json.WriteStringValue(layer);
        }

        json.WriteEndArray();
        json.WriteStartArray("tensors");
        for (int p = 0; p < monitor.Parameters.Count; p++)
        {
            json.WriteStartObject();
            json.WriteString("name", monitor.Parameters[p].Name);
            json.WriteString("layer", monitor.Layers[monitor.LayerIndexOf(p)]);
            json.WriteStartArray("shape");
            foreach (int dimension in monitor.Parameters[p].Shape)
            {
                json.WriteNumberValue(dimension);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("records");
        for (int r = 0; r < monitor.RecordCount; r++)
        {
            json.WriteStartObject();
            json.WriteNumber("step", monitor.StepAt(r));
            Number(json, "loss", monitor.LossAt(r));
            Number(json, "learningRate", monitor.LearningRateAt(r));
            Number(json, "globalNorm", monitor.GlobalNormAt(r));
            json.WriteStartObject("layerNorms");
            ReadOnlySpan<double> norms = monitor.LayerNormsAt(r);
            for (int l = 0; l < norms.Length; l++)
            {
                Number(json, monitor.Layers[l], norms[l]);
            }

            json.WriteEndObject();
            json.WriteStartObject("tensors");
            ReadOnlySpan<TensorGradientStatistics> stats = monitor.TensorStatisticsAt(r);
            for (int p = 0; p < stats.Length; p++)
            {
                TensorGradientStatistics s = stats[p];
                json.WriteStartObject(monitor.Parameters[p].Name);
                Number(json, "norm", s.Norm);
                Number(json, "rms", s.Rms);
                Number(json, "maxAbs", s.MaxAbs);
                Number(json, "zeroFraction", s.ZeroFraction);
                Number(json, "updateRatio", s.UpdateRatio);
                json.WriteNumber("nonFinite", s.NonFinite);
                json.WriteBoolean("weightsFinite", s.WeightsFinite);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            if (monitor.Activations.Count > 0)
            {
                json.WriteStartObject("activations");
                foreach (ActivationProbe probe in monitor.Activations)
                {
                    ActivationStatistics a = probe.StatisticsAt(r);
                    json.WriteStartObject(probe.Name);
                    json.WriteString("kind", probe.Kind.ToString());
                    Number(json, "saturatedShare", a.SaturatedShare);
                    Number(json, "deadShare", a.DeadShare);
                    json.WriteNumber("samples", a.Samples);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("findings");
        foreach (DiagnosticFinding finding in monitor.GetFindings())
        {
            json.WriteStartObject();
            json.WriteString("kind", finding.Kind.ToString());
            json.WriteString("severity", finding.Severity.ToString());
            json.WriteNumber("firstStep", finding.FirstStep);
            json.WriteNumber("lastStep", finding.LastStep);
            json.WriteString("message", finding.Message);
            json.WriteStartArray("subjects");
            foreach (string subject in finding.Subjects)
            {
                json.WriteStringValue(subject);
            }

            json.WriteEndArray();
            json.WriteStartObject("evidence");
            foreach (KeyValuePair<string, double> item in finding.Evidence)
            {
                Number(json, item.Key, item.Value);
            }

            json.WriteEndObject();
            json.WriteStartArray("remedies");
            foreach (string remedy in finding.Remedies)
            {
                json.WriteStringValue(remedy);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Writes the JSON log of <see cref="WriteJson"/> to a file.</summary>
    /// <param name="monitor">The monitor.</param>
    /// <param name="path">The file to create or replace.</param>
    public static void SaveJson(GradientMonitor monitor, string path)
    {
        using FileStream stream = File.Create(path);
        WriteJson(monitor, stream);
    }

    /// <summary>
    /// Writes a CSV log with a header and one row per kept record and tensor:
    /// <c>step,loss,learning_rate,layer,tensor,norm,rms,max_abs,zero_fraction,update_ratio,non_finite</c>
    /// (invariant culture, round-trip precision, NaN as <c>NaN</c>).
    /// </summary>
    /// <param name="monitor">The monitor.</param>
    /// <param name="writer">Where to write.</param>
    public static void WriteCsv(GradientMonitor monitor, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("step,loss,learning_rate,layer,tensor,norm,rms,max_abs,zero_fraction,update_ratio,non_finite");
        for (int r = 0; r < monitor.RecordCount; r++)
        {
            ReadOnlySpan<TensorGradientStatistics> stats = monitor.TensorStatisticsAt(r);
            for (int p = 0; p < stats.Length; p++)
            {
                TensorGradientStatistics s = stats[p];
                writer.WriteLine(string.Join(
                    ',',
                    monitor.StepAt(r).ToString(CultureInfo.InvariantCulture),
                    Csv(monitor.LossAt(r)),
                    Csv(monitor.LearningRateAt(r)),
                    CsvText(monitor.Layers[monitor.LayerIndexOf(p)]),
                    CsvText(monitor.Parameters[p].Name),
                    Csv(s.Norm),
                    Csv(s.Rms),
                    Csv(s.MaxAbs),
                    Csv(s.ZeroFraction),
                    Csv(s.UpdateRatio),
                    s.NonFinite.ToString(CultureInfo.InvariantCulture)));
            }
        }
    }

    /// <summary>Writes the CSV log of <see cref="WriteCsv"/> to a file.</summary>
    /// <param name="monitor">The monitor.</param>
    /// <param name="path">The file to create or replace.</param>
    public static void SaveCsv(GradientMonitor monitor, string path)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        WriteCsv(monitor, writer);
    }

    internal static LayerSummary[] Summarise(GradientMonitor monitor, int record)
    {
        var layers = new LayerSummary[monitor.Layers.Count];
        ReadOnlySpan<double> norms = monitor.LayerNormsAt(record);
        var elements = new long[layers.Length];
        var squares = new double[layers.Length];
        for (int l = 0; l < layers.Length; l++)
        {
            layers[l] = new LayerSummary { Norm = norms[l], UpdateRatio = double.NaN };
        }

        bool weightsOnly = monitor.Options.Thresholds.UpdateRatioWeightsOnly;
        var hasWeights = new bool[layers.Length];
        for (int p = 0; p < monitor.Parameters.Count; p++)
        {
            hasWeights[monitor.LayerIndexOf(p)] |= monitor.Parameters[p].Shape.Length >= 2;
        }

        ReadOnlySpan<TensorGradientStatistics> stats = monitor.TensorStatisticsAt(record);
        for (int p = 0; p < stats.Length; p++)
        {
            int l = monitor.LayerIndexOf(p);
            int length = monitor.Parameters[p].Length;
            TensorGradientStatistics s = stats[p];
            elements[l] += length;
            squares[l] += s.Norm * s.Norm;
            layers[l].MaxAbs = Math.Max(layers[l].MaxAbs, s.MaxAbs);
            layers[l].ZeroFraction += s.ZeroFraction * length;
            // With UpdateRatioWeightsOnly, biases (whose norm starts at 0) do not set the layer's update ratio.
            bool eligible = !weightsOnly || monitor.Parameters[p].Shape.Length >= 2 || !hasWeights[l];
            if (eligible && !double.IsNaN(s.UpdateRatio) && !(layers[l].UpdateRatio >= s.UpdateRatio))
            {
                layers[l].UpdateRatio = s.UpdateRatio;
            }
        }

        for (int l = 0; l < layers.Length; l++)
        {
            layers[l].Rms = elements[l] == 0 ? 0 : Math.Sqrt(squares[l] / elements[l]);
            layers[l].ZeroFraction = elements[l] == 0 ? 0 : layers[l].ZeroFraction / elements[l];
        }

        return layers;
    }

    private static string Number(double value) =>
        double.IsNaN(value) ? "–" : value.ToString(Math.Abs(value) is >= 1e-3 and < 1e4 || value == 0 ? "0.####" : "0.00e+0", CultureInfo.InvariantCulture);

    private static string Share(float share) =>
        float.IsNaN(share) ? "–" : (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteString(name, value.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static string Csv(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string CsvText(string text) =>
        text.AsSpan().IndexOfAny(",\"\n\r") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal struct LayerSummary
    {
        public double Norm;
        public double Rms;
        public double MaxAbs;
        public double ZeroFraction;
        public double UpdateRatio;
    }
}
