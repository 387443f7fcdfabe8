using System.Reflection;
using Xunit;

namespace AutoDiff.PackageTests;

/// <summary>
/// Packs src/AutoDiff.Runtime (package AutoDiff) and src/AutoDiff.Plotting (package AutoDiff.Plotting) once per test
/// run into a temporary local feed, with a version no earlier run used, and gives each consumer project a private
/// NuGet cache: a stale AutoDiff package can never be restored.
/// </summary>
public sealed class PackageFixture : IDisposable
{
    public const string PackageId = "AutoDiff";

    public const string PlottingPackageId = "AutoDiff.Plotting";

    public static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(4);

    public PackageFixture()
    {
        RepositoryRoot = typeof(PackageFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "AutoDiffRepositoryRoot").Value!;
        Root = Path.Combine(Path.GetTempPath(), "autodiff-package-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Feed = Path.Combine(Root, "feed");
        NuGetPackages = Path.Combine(Root, "nuget-packages");
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(NuGetPackages);
        Version = $"0.0.1-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

        PackResult = Pack("AutoDiff.Runtime");
        PackagePath = Path.Combine(Feed, $"{PackageId}.{Version}.nupkg");

        // The second pack shares the first one's artifacts path, so it finds the runtime built and only compiles
        // the plotting assembly.
        PlottingPackResult = PackResult.ExitCode == 0 ? Pack("AutoDiff.Plotting") : PackResult;
        PlottingPackagePath = Path.Combine(Feed, $"{PlottingPackageId}.{Version}.nupkg");
    }

    /// <summary>The repository the test assembly was built from.</summary>
    public string RepositoryRoot { get; }

    /// <summary>A unique temporary directory outside the repository; deleted at the end of the run.</summary>
    public string Root { get; }

    public string Feed { get; }

    public string NuGetPackages { get; }

    public string Version { get; }

    public CommandResult PackResult { get; }

    public string PackagePath { get; }

    public CommandResult PlottingPackResult { get; }

    public string PlottingPackagePath { get; }

    /// <summary>Fails the calling test with the pack output when packing AutoDiff failed.</summary>
    public void AssertPacked()
    {
        Assert.True(PackResult.ExitCode == 0 && File.Exists(PackagePath), PackResult.ToString());
    }

    /// <summary>Fails the calling test with the pack output when packing AutoDiff or AutoDiff.Plotting failed.</summary>
    public void AssertPlottingPacked()
    {
        AssertPacked();
        Assert.True(PlottingPackResult.ExitCode == 0 && File.Exists(PlottingPackagePath), PlottingPackResult.ToString());
    }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("AUTODIFF_KEEP_PACKAGE_TESTS") == "1")
        {
            return;
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // Its own artifacts path: never touches (or is confused by) the repository's bin/obj or another build's.
    private CommandResult Pack(string project) => DotNetCli.Run(
        RepositoryRoot,
        PackTimeout,
        nugetPackages: null,
        "pack", Path.Combine(RepositoryRoot, "src", project, project + ".csproj"),
        "-c", "Release",
        "-o", Feed,
        "--artifacts-path", Path.Combine(Root, "pack-artifacts"),
        "-p:Version=" + Version,
        "-nodeReuse:false");
}
