namespace AutoDiff.Kernels;

/// <summary>A loop body over an index range [start, end), run by <see cref="ParallelRange"/> on one or more threads.</summary>
internal interface IRangeKernel
{
    void Run(int start, int end);
}

/// <summary>
/// Splits a loop whose iterations are independent (element-wise kernels, pooling planes) across the kernel workers
/// when it is large enough to pay for the hand-off. Each index belongs to one part and every part computes exactly
/// what the single-threaded loop would, so results do not depend on the thread count.
/// </summary>
internal static class ParallelRange
{
    /// <summary>Work (in elements touched) below which a loop stays on the calling thread: about 20–50 µs of streaming.</summary>
    internal const long Threshold = 1 << 17;

    public static void Run<TKernel>(TKernel kernel, int count, int granule, long work)
        where TKernel : struct, IRangeKernel
    {
        int threads = work >= Threshold ? WorkerPool.MaxParallelism : 1;
        int units = (count + granule - 1) / granule;
        if (threads <= 1 || units <= 1)
        {
            kernel.Run(0, count);
            return;
        }

        RangeJob<TKernel> job = RangeJob<TKernel>.ForCurrentThread;
        job.Kernel = kernel;
        job.Count = count;
        job.Granule = granule;
        try
        {
            WorkerPool.Run(job, Math.Min(threads, units));
        }
        finally
        {
            job.Kernel = default;
        }
    }

    private sealed class RangeJob<TKernel> : ParallelJob
        where TKernel : struct, IRangeKernel
    {
        [ThreadStatic] private static RangeJob<TKernel>? t_forThisThread;

        public static RangeJob<TKernel> ForCurrentThread => t_forThisThread ??= new RangeJob<TKernel>();

        public TKernel Kernel;
        public int Count;
        public int Granule;

        public override void Execute(int part, int parts)
        {
            int units = (Count + Granule - 1) / Granule;
            int start = (int)Math.Min(Count, (long)units * part / parts * Granule);
            int end = (int)Math.Min(Count, (long)units * (part + 1) / parts * Granule);
            if (start < end)
            {
                Kernel.Run(start, end);
            }
        }
    }
}
