namespace AutoDiff.Kernels;

/// <summary>Process-wide settings of the kernels.</summary>
public static class KernelSettings
{
    private static int s_maxThreads = Environment.ProcessorCount;

    /// <summary>
    /// Gets or sets the largest number of threads one kernel call may use (the caller's thread included).
    /// Defaults to <see cref="Environment.ProcessorCount"/>; 1 runs every kernel on the calling thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => s_maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            s_maxThreads = value;
        }
    }
}
