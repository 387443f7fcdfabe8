namespace AutoDiff.Kernels;

/// <summary>Process-wide settings of the kernels.</summary>
public static class KernelSettings
{
    private static int s_maxThreads = Environment.ProcessorCount;

    /// <summary>
    /// Gets or sets the largest number of threads one kernel call may use (the caller's thread included).
    /// Defaults to <see cref="Environment.ProcessorCount"/>; 1 runs every kernel on the calling thread.
    /// </summary>
    /// <remarks>
    /// Large GEMMs (from about 100³ multiply-adds), convolutions, the element-wise activation kernels and their
    /// gradients, and max-pooling split their work across a pool of worker threads created once; small calls stay on
    /// the calling thread. Results are deterministic for a fixed thread count. Between thread counts they can differ
    /// in the last bits only where a kernel sums partial results per thread (a convolution's weight gradient); GEMM,
    /// element-wise and pooling results do not depend on the split.
    /// </remarks>
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
