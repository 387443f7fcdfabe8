using System.Numerics;

namespace AutoDiff.Kernels;

internal enum ConvKind
{
    Forward,
    BackwardInput,
    BackwardWeights,
}

/// <summary>
/// Splits a convolution kernel across cores by images: each part takes a contiguous range of image groups and its
/// own slot of the workspace, and runs the single-threaded implicit GEMMs for them (the filters were packed once,
/// before the job, and are shared). One synchronisation per call instead of one per GEMM. Nested kernels (col2im)
/// see that they run inside a job and stay on their thread.
/// </summary>
internal sealed unsafe class ConvJob<T> : ParallelJob
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic] private static ConvJob<T>? t_forThisThread;

    private ConvKind _kind;
    private Conv2DGeometry _g;
    private T* _input, _weights, _bias, _output, _workspace;
    private int _groups;

    /// <summary>
    /// Runs <paramref name="kind"/> over all images. <paramref name="input"/> is x (or dx for the input gradient),
    /// <paramref name="output"/> is y (or dy for both backward kernels), <paramref name="weights"/> the packed filters
    /// (w for the forward pass, wᵀ for the input gradient; unused for the weight gradient).
    /// </summary>
    /// <returns>The number of parts, i.e. of workspace slots whose weight-gradient blocks hold partial sums.</returns>
    public static int Run(ConvKind kind, in Conv2DGeometry g, T* input, T* weights, T* bias, T* output, T* workspace, int workspaceLength)
    {
        ConvJob<T> job = t_forThisThread ??= new ConvJob<T>();
        job._kind = kind;
        job._g = g;
        job._input = input;
        job._weights = weights;
        job._bias = bias;
        job._output = output;
        job._workspace = workspace;
        int group = g.ImagesPerGroup;
        job._groups = (g.Batch + group - 1) / group;
        int slots = (workspaceLength - g.PackedWeightsLength) / g.SlotLength;
        int parts = Math.Max(1, Math.Min(Math.Min(WorkerPool.MaxParallelism, job._groups), slots));
        WorkerPool.Run(job, parts);
        return parts;
    }

    public override void Execute(int part, int parts)
    {
        Conv2DGeometry g = _g;
        int group = g.ImagesPerGroup;
        int first = (int)((long)_groups * part / parts), last = (int)((long)_groups * (part + 1) / parts);
        var slot = new Span<T>(_workspace + g.PackedWeightsLength + (long)part * g.SlotLength, g.SlotLength);
        int crs = g.InChannels * g.KernelHeight * g.KernelWidth;
        if (_kind == ConvKind.BackwardWeights)
        {
            // All of this part's images in one GEMM, into the slot's gradient block.
            slot.Slice(g.WeightBlockOffset, (crs + 1) * g.OutChannels).Clear();
            int n0 = Math.Min(g.Batch, first * group), n1 = Math.Min(g.Batch, last * group);
            Convolution.BackwardWeightsRange(g, _input, _output, slot, n0, n1 - n0);
            return;
        }

        var input = new Span<T>(_input, g.InputLength);
        for (int index = first; index < last; index++)
        {
            int n0 = index * group, images = Math.Min(group, g.Batch - n0);
            if (_kind == ConvKind.Forward)
            {
                Convolution.ForwardGroup(g, _input, _weights, _bias, _output, slot, n0, images);
            }
            else
            {
                Convolution.BackwardInputGroup(g, _weights, _output, input, slot, n0, images);
            }
        }
    }
}
