namespace AutoDiff.Tests.AdBench;

/// <summary>Finds ADBench's data: <c>../shared/adbench/data</c> beside the repository root (the folder holding AutoDiff.sln).</summary>
public static class GmmData
{
    private static readonly Lazy<string> s_directory = new(() => Find(AppContext.BaseDirectory));

    /// <summary>
    /// The data folder, found by walking up from <see cref="AppContext.BaseDirectory"/> (or, when the build output
    /// lives outside the repository, from this source file's folder). Throws, naming the path, when it is missing.
    /// </summary>
    public static string Directory => s_directory.Value;

    /// <summary>The path of a file under the data folder; throws, naming the path, when it is missing.</summary>
    public static string File(params string[] parts)
    {
        string path = Path.Combine([Directory, .. parts]);
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException($"ADBench data file missing: {path}", path);
        }

        return path;
    }

    private static string Find(string start, [System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        string? root = FindRoot(start) ?? FindRoot(Path.GetDirectoryName(sourceFile));
        if (root is null)
        {
            throw new DirectoryNotFoundException($"No folder containing AutoDiff.sln above {start} or {sourceFile}.");
        }

        string data = Path.GetFullPath(Path.Combine(root, "..", "shared", "adbench", "data"));
        if (!System.IO.Directory.Exists(data))
        {
            throw new DirectoryNotFoundException($"ADBench data not found at {data}: shared/adbench/data must sit beside the repository clone ({root}).");
        }

        return data;
    }

    private static string? FindRoot(string? start)
    {
        for (DirectoryInfo? directory = start is null ? null : new(start); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "AutoDiff.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
