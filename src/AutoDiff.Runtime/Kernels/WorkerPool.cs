namespace AutoDiff.Kernels;

/// <summary>A unit of work split into numbered parts, run by <see cref="WorkerPool"/>.</summary>
/// <remarks>Kernels keep one instance per job type and refill its fields for each call, so dispatch allocates nothing.</remarks>
internal abstract class ParallelJob
{
    /// <summary>Runs part <paramref name="part"/> of <paramref name="parts"/>; parts must be independent.</summary>
    public abstract void Execute(int part, int parts);
}

/// <summary>
/// Dedicated background threads, created once, that run the parts of one <see cref="ParallelJob"/> at a time while
/// the calling thread runs part 0. No task, delegate or closure is allocated per call.
/// </summary>
/// <remarks>
/// One job runs at a time: a caller that finds the pool busy (another thread's kernel, or a kernel called from
/// inside a job) runs all parts itself, which is always correct and avoids deadlock.
/// Workers spin briefly before blocking, so back-to-back kernel calls (a training step) do not pay a full wake-up.
/// </remarks>
internal static class WorkerPool
{
    private const int SpinCount = 2000;

    /// <summary>How many short spins a worker makes after a job before it blocks (about 50 µs in all).</summary>
    private const int HotSpinIterations = 1000;

    private const int SpinWaitIterations = 20;

    private static readonly object s_gate = new();
    private static Worker[]? s_workers;
    private static ParallelJob? s_job;
    private static int s_parts;
    private static int s_remaining;
    private static Exception? s_failure;
    private static readonly ManualResetEventSlim s_done = new(false, SpinCount);

    /// <summary>True on a thread while it runs a part of a job: kernels called from inside a part stay sequential.</summary>
    [ThreadStatic] private static bool t_insideJob;

    /// <summary>The number of threads a job may use: the pool's workers plus the caller.</summary>
    public static int MaxParallelism => Math.Min(KernelSettings.MaxThreads, Environment.ProcessorCount);

    /// <summary>Runs parts 0 .. <paramref name="parts"/> - 1 of <paramref name="job"/> and returns when all are done.</summary>
    public static void Run(ParallelJob job, int parts)
    {
        if (parts <= 1 || t_insideJob || !Monitor.TryEnter(s_gate))
        {
            for (int p = 0; p < parts; p++)
            {
                job.Execute(p, parts);
            }

            return;
        }

        try
        {
            Worker[] workers = s_workers ??= CreateWorkers();
            int helpers = Math.Min(parts - 1, workers.Length);
            s_job = job;
            s_parts = parts;
            s_failure = null;
            s_remaining = helpers;
            s_done.Reset();
            for (int w = 0; w < helpers; w++)
            {
                workers[w].Start(w + 1);
            }

            // The caller takes part 0 and any parts beyond the number of workers. Even if its part throws, it waits
            // for the workers before releasing the pool, so the next job never starts under a running one.
            t_insideJob = true;
            try
            {
                job.Execute(0, parts);
                for (int p = helpers + 1; p < parts; p++)
                {
                    job.Execute(p, parts);
                }
            }
            finally
            {
                t_insideJob = false;
                if (helpers > 0)
                {
                    s_done.Wait();
                }
            }

            s_job = null;
            if (s_failure is { } failure)
            {
                throw new AggregateException("A kernel worker failed.", failure);
            }
        }
        finally
        {
            Monitor.Exit(s_gate);
        }
    }

    private static Worker[] CreateWorkers()
    {
        var workers = new Worker[Math.Max(0, Environment.ProcessorCount - 1)];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = new Worker(i);
        }

        return workers;
    }

    private sealed class Worker
    {
        private readonly ManualResetEventSlim _start = new(false, SpinCount);
        private int _part;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"AutoDiff kernel worker {index}" };
            thread.Start();
        }

        public void Start(int part)
        {
            _part = part;
            Volatile.Write(ref _started, 1);
            _start.Set();
        }

        private int _started;

        private void Loop()
        {
            t_insideJob = true;
            while (true)
            {
                // Kernels come in bursts (a training step is dozens of them): stay awake for about
                // HotSpinIterations spins (tens of microseconds) before blocking, so the next job does not pay the
                // wake-up of a sleeping thread, which costs as much as a 128×128 GEMM.
                for (int spin = 0; spin < HotSpinIterations && Volatile.Read(ref _started) == 0; spin++)
                {
                    Thread.SpinWait(SpinWaitIterations);
                }

                _start.Wait();
                _start.Reset();
                Volatile.Write(ref _started, 0);
                try
                {
                    s_job!.Execute(_part, s_parts);
                }
                catch (Exception e)
                {
                    s_failure = e;
                }

                if (Interlocked.Decrement(ref s_remaining) == 0)
                {
                    s_done.Set();
                }
            }
        }
    }
}
