using ScottPlot;

namespace AutoDiff.Samples.Common;

/// <summary>A named curve for a line plot.</summary>
/// <param name="Label">The legend text.</param>
/// <param name="X">The x values.</param>
/// <param name="Y">The y values, as long as <paramref name="X"/>.</param>
public sealed record Series(string Label, double[] X, double[] Y)
{
    /// <summary>A curve over 1, 2, 3, … (steps or epochs).</summary>
    /// <param name="label">The legend text.</param>
    /// <param name="y">The values.</param>
    /// <returns>The series.</returns>
    public static Series OverSteps(string label, IReadOnlyList<double> y) =>
        new(label, Enumerable.Range(1, y.Count).Select(i => (double)i).ToArray(), y.ToArray());
}

/// <summary>The PNG plots the samples write, with ScottPlot.</summary>
public static class Plots
{
    private const int Width = 900;
    private const int Height = 560;

    /// <summary>Writes curves into one plot, optionally with a logarithmic y axis (loss curves).</summary>
    /// <param name="path">The PNG path; nothing is written when <see langword="null"/>.</param>
    /// <param name="title">The title.</param>
    /// <param name="xLabel">The x-axis label.</param>
    /// <param name="yLabel">The y-axis label.</param>
    /// <param name="series">The curves.</param>
    /// <param name="logY">Whether to plot log10 of the values with decade ticks.</param>
    /// <returns><paramref name="path"/>.</returns>
    public static string? Lines(string? path, string title, string xLabel, string yLabel, IEnumerable<Series> series, bool logY = true)
    {
        if (path is null)
        {
            return null;
        }

        var plot = new Plot();
        foreach (Series s in series)
        {
            double[] y = logY ? s.Y.Select(v => Math.Log10(Math.Max(v, 1e-12))).ToArray() : s.Y;
            var line = plot.Add.ScatterLine(s.X, y);
            line.LegendText = s.Label;
            line.LineWidth = 2;
        }

        if (logY)
        {
            var ticks = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = value => FormattableString.Invariant($"1e{value:0}"),
            };
            plot.Axes.Left.TickGenerator = ticks;
            yLabel += " (log scale)";
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
        return path;
    }

    /// <summary>Writes data points and a fitted line.</summary>
    /// <param name="path">The PNG path; nothing is written when <see langword="null"/>.</param>
    /// <param name="title">The title.</param>
    /// <param name="x">The points' x.</param>
    /// <param name="y">The points' y.</param>
    /// <param name="lines">Lines y = slope·x + intercept with their legend text.</param>
    /// <returns><paramref name="path"/>.</returns>
    public static string? PointsAndLines(string? path, string title, double[] x, double[] y, IEnumerable<(string Label, double Slope, double Intercept)> lines)
    {
        if (path is null)
        {
            return null;
        }

        var plot = new Plot();
        var points = plot.Add.ScatterPoints(x, y);
        points.LegendText = "data";
        double min = x.Min(), max = x.Max();
        foreach (var (label, slope, intercept) in lines)
        {
            var line = plot.Add.Line(min, slope * min + intercept, max, slope * max + intercept);
            line.LegendText = label;
            line.LineWidth = 2;
        }

        plot.Title(title);
        plot.XLabel("x");
        plot.YLabel("y");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
        return path;
    }

    /// <summary>
    /// Writes a map of a classifier's probability over a square of the plane, with labelled points on top: where the
    /// colour changes is the decision boundary.
    /// </summary>
    /// <param name="path">The PNG path; nothing is written when <see langword="null"/>.</param>
    /// <param name="title">The title.</param>
    /// <param name="probability">P(class 1) at (x, y).</param>
    /// <param name="pointsX">The points' x.</param>
    /// <param name="pointsY">The points' y.</param>
    /// <param name="labels">The points' labels, 0 or 1.</param>
    /// <param name="min">The square's lower edge, in both axes.</param>
    /// <param name="max">The square's upper edge.</param>
    /// <returns><paramref name="path"/>.</returns>
    public static string? ProbabilityMap(
        string? path, string title, Func<double, double, double> probability, double[] pointsX, double[] pointsY, IReadOnlyList<float> labels,
        double min = -0.5, double max = 1.5)
    {
        ArgumentNullException.ThrowIfNull(probability);
        ArgumentNullException.ThrowIfNull(pointsX);
        ArgumentNullException.ThrowIfNull(pointsY);
        ArgumentNullException.ThrowIfNull(labels);
        if (path is null)
        {
            return null;
        }

        const int cells = 100;
        var intensities = new double[cells, cells];
        for (int row = 0; row < cells; row++)
        {
            double y = max - (row + 0.5) * (max - min) / cells; // row 0 is the top
            for (int column = 0; column < cells; column++)
            {
                double x = min + (column + 0.5) * (max - min) / cells;
                intensities[row, column] = probability(x, y);
            }
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Rectangle = new CoordinateRect(min, max, min, max);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        plot.Add.ColorBar(heatmap).Label = "P(class 1)";
        for (int label = 0; label <= 1; label++)
        {
            int[] chosen = Enumerable.Range(0, labels.Count).Where(i => labels[i] == label).ToArray();
            var markers = plot.Add.Markers(chosen.Select(i => pointsX[i]).ToArray(), chosen.Select(i => pointsY[i]).ToArray());
            markers.MarkerSize = 18;
            markers.MarkerShape = label == 1 ? MarkerShape.FilledCircle : MarkerShape.FilledSquare;
            markers.Color = label == 1 ? Colors.Black : Colors.Red;
            markers.LegendText = $"label {label}";
        }

        plot.Axes.SetLimits(min, max, min, max);
        plot.Title(title);
        plot.XLabel("x₁");
        plot.YLabel("x₂");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 640, 560);
        return path;
    }
}
