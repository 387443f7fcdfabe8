using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace AutoDiff.Diagnostics;

/// <summary>
/// The classic pictures of vanishing and exploding gradients, as PNG files drawn with ScottPlot: the gradient norm of
/// every layer over the training steps, and the gradient norm against depth. Both use a log₁₀ vertical axis (the
/// values are plotted as log₁₀ and the ticks labelled as powers of ten); zero and non-finite norms are left out.
/// </summary>
/// <remarks>
/// In the <c>AutoDiff.Plotting</c> package, apart from the <c>AutoDiff</c> package, because ScottPlot brings SkiaSharp
/// and its native libraries. The methods extend <see cref="GradientMonitor"/>:
/// <code>
/// monitor.SaveNormsOverSteps("norms-over-steps.png");
/// monitor.SaveNormsByDepth("norms-by-depth.png");
/// </code>
/// </remarks>
public static class GradientPlots
{
    /// <summary>
    /// Plots the gradient norm of each layer against the step, one line per layer (at most
    /// <paramref name="maxLayers"/>, evenly spaced from first to last, so deep networks stay readable).
    /// </summary>
    /// <param name="monitor">The monitor whose records are drawn.</param>
    /// <param name="path">The PNG file to create or replace.</param>
    /// <param name="width">The image width in pixels.</param>
    /// <param name="height">The image height in pixels.</param>
    /// <param name="maxLayers">The most layers to draw.</param>
    public static void SaveNormsOverSteps(this GradientMonitor monitor, string path, int width = 900, int height = 600, int maxLayers = 10)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLayers, 1);
        var plot = new Plot();
        int layers = monitor.Layers.Count;
        foreach (int l in PickLayers(layers, maxLayers))
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (int r = 0; r < monitor.RecordCount; r++)
            {
                double norm = monitor.LayerNormsAt(r)[l];
                if (norm > 0 && double.IsFinite(norm))
                {
                    xs.Add(monitor.StepAt(r));
                    ys.Add(Math.Log10(norm));
                }
            }

            if (xs.Count > 0)
            {
                var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
                line.LegendText = $"{l}: {monitor.Layers[l]}";
                line.MarkerSize = xs.Count > 50 ? 0 : 4;
            }
        }

        plot.Title("Gradient norm per layer");
        plot.XLabel("step");
        plot.YLabel("‖g‖ (log scale)");
        LogAxis(plot);
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        ShowLegendIfAny(plot);
        plot.SavePng(path, width, height);
    }

    /// <summary>
    /// Plots the gradient norm of each layer against its depth (0 = first layer) for a few records: the first and the
    /// last kept, and up to <paramref name="curves"/> in all, evenly spaced. A vanishing gradient is a line falling
    /// towards the input (left); an exploding one rises towards it.
    /// </summary>
    /// <param name="monitor">The monitor whose records are drawn.</param>
    /// <param name="path">The PNG file to create or replace.</param>
    /// <param name="width">The image width in pixels.</param>
    /// <param name="height">The image height in pixels.</param>
    /// <param name="curves">The most records to draw.</param>
    public static void SaveNormsByDepth(this GradientMonitor monitor, string path, int width = 900, int height = 600, int curves = 4)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(curves, 1);
        var plot = new Plot();
        foreach (int r in PickLayers(monitor.RecordCount, curves))
        {
            ReadOnlySpan<double> norms = monitor.LayerNormsAt(r);
            var xs = new List<double>();
            var ys = new List<double>();
            for (int l = 0; l < norms.Length; l++)
            {
                if (norms[l] > 0 && double.IsFinite(norms[l]))
                {
                    xs.Add(l);
                    ys.Add(Math.Log10(norms[l]));
                }
            }

            if (xs.Count > 0)
            {
                var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
                line.LegendText = "step " + monitor.StepAt(r).ToString(CultureInfo.InvariantCulture);
                line.MarkerSize = 5;
            }
        }

        plot.Title("Gradient norm against depth");
        plot.XLabel("layer (0 = input side)");
        plot.YLabel("‖g‖ (log scale)");
        LogAxis(plot);
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        ShowLegendIfAny(plot);
        plot.SavePng(path, width, height);
    }

    // ScottPlot draws nothing at all, not even the axes, when an empty legend is placed outside the data area
    // (no records yet, or every norm zero or non-finite).
    private static void ShowLegendIfAny(Plot plot)
    {
        if (plot.GetPlottables().Any())
        {
            plot.ShowLegend(Edge.Right);
        }
    }

    private static void LogAxis(Plot plot)
    {
        var ticks = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => "1e" + Math.Round(y).ToString("0", CultureInfo.InvariantCulture),
        };
        plot.Axes.Left.TickGenerator = ticks;
        plot.Grid.MajorLineColor = Colors.Black.WithOpacity(0.15);
    }

    // Up to `count` indices evenly spaced over [0, total), always including the first and the last.
    private static IEnumerable<int> PickLayers(int total, int count)
    {
        if (total <= count)
        {
            return Enumerable.Range(0, total);
        }

        return Enumerable.Range(0, count)
            .Select(i => count == 1 ? total - 1 : (int)Math.Round(i * (total - 1) / (double)(count - 1)))
            .Distinct();
    }
}
