using System.Globalization;

namespace AutoDiff.Samples.Common;

/// <summary>Small helpers for printing numbers and collecting written files.</summary>
public static class Format
{
    /// <summary>Formats a number with five significant digits, invariant culture.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The text.</returns>
    public static string Fmt(double value) => value.ToString("G5", CultureInfo.InvariantCulture);

    /// <summary>Adds <paramref name="path"/> to <paramref name="list"/> unless it is <see langword="null"/>.</summary>
    /// <param name="list">The list of written files.</param>
    /// <param name="path">The file, or <see langword="null"/> when nothing was written.</param>
    public static void AddIf(List<string> list, string? path)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (path is not null)
        {
            list.Add(path);
        }
    }
}
