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
}
