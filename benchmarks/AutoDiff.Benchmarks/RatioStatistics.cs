namespace AutoDiff.Benchmarks;

/// <summary>Medians and time formatting shared by the ratio programs (<c>--scalar-ratios</c>, <c>--lstm-ratios</c>, <c>--model-ratios</c>).</summary>
internal static class RatioStatistics
{
    /// <summary>The median (the mean of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }

    /// <summary>A duration in nanoseconds as ns, µs or ms with two decimals.</summary>
    public static string Format(double nanoseconds) => nanoseconds switch
    {
        >= 1e6 => $"{nanoseconds / 1e6:F2} ms",
        >= 1e3 => $"{nanoseconds / 1e3:F2} µs",
        _ => $"{nanoseconds:F1} ns",
    };
}
