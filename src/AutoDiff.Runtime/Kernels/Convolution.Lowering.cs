using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoDiff.Kernels;

/// <summary>
/// col2im (the adjoint of the im2col lowering, for the input gradient) over a range of input channels, so it runs on
/// every core like the GEMM before it (channel ranges touch disjoint rows of the column matrix and disjoint planes
/// of the image). The forward pass and the weight gradient never write im2col: they pack it (<see cref="ConvPacking{T}"/>).
/// Pointer loops: the lines are short (OW is 26, 11 and 3 in the seed CNN), so per-line span slicing would cost
/// more than the copying itself.
/// </summary>
internal sealed unsafe class LoweringJob<T> : ParallelJob
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Below this many column entries one thread lowers everything.</summary>
    private const int ParallelThreshold = 1 << 16;

    [ThreadStatic] private static LoweringJob<T>? t_forThisThread;

    private Conv2DGeometry _g;
    private T* _image;
    private T* _col;
    private int _n0, _images;

    /// <summary>Adds the column matrix <paramref name="col"/> of images [n0, n0 + images) back into <paramref name="image"/>.</summary>
    public static void Run(in Conv2DGeometry g, T* image, T* col, int n0, int images)
    {
        LoweringJob<T> job = t_forThisThread ??= new LoweringJob<T>();
        job._g = g;
        job._image = image;
        job._col = col;
        job._n0 = n0;
        job._images = images;
        long entries = (long)g.InChannels * g.KernelHeight * g.KernelWidth * images * g.OutHeight * g.OutWidth;
        int parts = entries >= ParallelThreshold ? Math.Min(WorkerPool.MaxParallelism, g.InChannels) : 1;
        WorkerPool.Run(job, parts);
    }

    public override void Execute(int part, int parts)
    {
        int c0 = (int)((long)_g.InChannels * part / parts), c1 = (int)((long)_g.InChannels * (part + 1) / parts);
        Col2ImAdd(c0, c1);
    }

    private void Col2ImAdd(int c0, int c1)
    {
        Conv2DGeometry g = _g;
        int oh = g.OutHeight, ow = g.OutWidth, plane = oh * ow, cols = _images * plane, hw = g.Height * g.Width, stride = g.Stride;
        for (int c = c0; c < c1; c++)
        {
            for (int r = 0; r < g.KernelHeight; r++)
            {
                for (int s = 0; s < g.KernelWidth; s++)
                {
                    Convolution.ValidColumns(g, s, out int first, out int last);
                    int targetStart = first * stride - g.Padding + s, width = last - first;
                    T* row = _col + (long)((c * g.KernelHeight + r) * g.KernelWidth + s) * cols;
                    for (int i = 0; i < _images; i++)
                    {
                        T* image = _image + (long)((_n0 + i) * g.InChannels + c) * hw;
                        T* line = row + i * plane + first;
                        for (int y = 0; y < oh; y++, line += ow)
                        {
                            int ih = y * stride - g.Padding + r;
                            if ((uint)ih >= (uint)g.Height)
                            {
                                continue;
                            }

                            T* target = image + ih * g.Width + targetStart;
                            if (stride == 1)
                            {
                                AddTo(line, target, width);
                            }
                            else
                            {
                                for (int k = 0; k < width; k++)
                                {
                                    target[k * stride] += line[k];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(T* src, T* dst, int count)
    {
        int k = 0;
        for (; k <= count - Vector256<T>.Count; k += Vector256<T>.Count)
        {
            (Vector256.Load(dst + k) + Vector256.Load(src + k)).Store(dst + k);
        }

        for (; k < count; k++)
        {
            dst[k] += src[k];
        }
    }
}
