using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoDiff.Kernels;

/// <summary>
/// Packs GEMM panels of the im2col matrix straight from the NCHW input (an implicit GEMM): the column matrix
/// <c>col[(c·R + r)·S + s, (n, oh, ow)] = x[n, c, oh·stride − pad + r, ow·stride − pad + s]</c> is never written
/// out. Every element of a packed row is "a lane offset plus a row offset" into x, so a row of a panel is one AVX2
/// gather per 8 floats (4 doubles), masked where the window reaches into the zero padding.
/// </summary>
/// <remarks>
/// A lane table describes the Nr positions across a panel (the pixels of the forward B panel, or the (c, r, s)
/// taps of the weight-gradient B panel) by their offset into x and their row and column in the image; a row adds a
/// scalar offset, row and column (the tap, or the pixel). Lanes past the end of the matrix get a row of
/// <see cref="OutsideLane"/>, which no bounds test passes, so they pack as zeros.
/// </remarks>
internal static unsafe class ConvPacking<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The image row of a lane that lies outside the matrix: far enough out that adding any tap keeps it out.</summary>
    public const int OutsideLane = int.MinValue / 2;

    /// <summary>The largest panel width (Nr) the lane tables hold: 2 × Vector512 of float.</summary>
    public const int MaxLanes = 32;

    /// <summary>
    /// Packs rows [pc, pc + kc) and columns [j0, j0 + nc) of the forward im2col matrix of images n0, n0 + 1, …
    /// (column j = i·OH·OW + oh·OW + ow is pixel (oh, ow) of image n0 + i) into <paramref name="nr"/>-wide panels:
    /// panel t holds, for each row, the <paramref name="nr"/> values of columns j0 + t·nr, ….
    /// </summary>
    public static void PackPixelColumns(in Conv2DGeometry g, T* x, int n0, int pc, int kc, int j0, int nc, int nr, T* dst, bool vectorized)
    {
        int* laneOffset = stackalloc int[MaxLanes];
        int* laneRow = stackalloc int[MaxLanes];
        int* laneColumn = stackalloc int[MaxLanes];
        int plane = g.OutHeight * g.OutWidth, hw = g.Height * g.Width, chw = g.InChannels * hw;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int lanes = Math.Min(nr, nc - jr);
            for (int l = 0; l < nr; l++)
            {
                if (l < lanes)
                {
                    int j = j0 + jr + l, image = n0 + j / plane, pixel = j % plane;
                    int ih = pixel / g.OutWidth * g.Stride - g.Padding, iw = pixel % g.OutWidth * g.Stride - g.Padding;
                    laneOffset[l] = image * chw + ih * g.Width + iw;
                    laneRow[l] = ih;
                    laneColumn[l] = iw;
                }
                else
                {
                    laneOffset[l] = 0;
                    laneRow[l] = OutsideLane;
                    laneColumn[l] = 0;
                }
            }

            bool masked = g.Padding > 0 || lanes < nr;
            T* panel = dst + (long)jr * kc;
            int c = pc / (g.KernelHeight * g.KernelWidth), r = pc / g.KernelWidth % g.KernelHeight, s = pc % g.KernelWidth;
            for (int p = 0; p < kc; p++)
            {
                GatherRow(x, laneOffset, laneRow, laneColumn, nr, c * hw + r * g.Width + s, r, s, g.Height, g.Width, masked, panel + p * nr, vectorized);
                if (++s == g.KernelWidth)
                {
                    s = 0;
                    if (++r == g.KernelHeight)
                    {
                        r = 0;
                        c++;
                    }
                }
            }
        }
    }

    /// <summary>
    /// <see cref="PackPixelColumns"/> for stride 1 without padding on AVX-512 machines: the lanes of a panel fall into
    /// runs of consecutive pixels of one output row, and a run reads consecutive input pixels for every tap, so each
    /// row of the panel is a few masked vector copies (a run is at most OW long) instead of gathers.
    /// </summary>
    public static void PackPixelColumnsByRuns(in Conv2DGeometry g, T* x, int n0, int pc, int kc, int j0, int nc, int nr, T* dst)
    {
        int* runLane = stackalloc int[MaxLanes];
        int* runLength = stackalloc int[MaxLanes];
        int* runOffset = stackalloc int[MaxLanes];
        int plane = g.OutHeight * g.OutWidth, hw = g.Height * g.Width, chw = g.InChannels * hw;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int lanes = Math.Min(nr, nc - jr), runs = 0;
            for (int l = 0; l < lanes; runs++)
            {
                int j = j0 + jr + l, image = n0 + j / plane, pixel = j % plane, oh = pixel / g.OutWidth, ow = pixel % g.OutWidth;
                runLane[runs] = l;
                runLength[runs] = Math.Min(g.OutWidth - ow, lanes - l);
                runOffset[runs] = image * chw + oh * g.Width + ow;
                l += runLength[runs];
            }

            T* panel = dst + (long)jr * kc;
            int c = pc / (g.KernelHeight * g.KernelWidth), r = pc / g.KernelWidth % g.KernelHeight, s = pc % g.KernelWidth;
            for (int p = 0; p < kc; p++)
            {
                T* row = panel + p * nr;
                T* src = x + c * hw + r * g.Width + s;
                if (lanes < nr)
                {
                    // The last panel: zero the row in whole vectors (a span Clear call per row cost more than the copies).
                    for (int l = 0; l < nr; l += Vector512<T>.Count)
                    {
                        Vector512<T>.Zero.Store(row + l);
                    }
                }

                for (int u = 0; u < runs; u++)
                {
                    MaskedCopy(src + runOffset[u], row + runLane[u], runLength[u]);
                }

                if (++s == g.KernelWidth)
                {
                    s = 0;
                    if (++r == g.KernelHeight)
                    {
                        r = 0;
                        c++;
                    }
                }
            }
        }
    }

    /// <summary>Copies <paramref name="count"/> elements with AVX-512 masked loads and stores (no access past either end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaskedCopy(T* src, T* dst, int count)
    {
        int w = Vector512<T>.Count;
        for (; count > 0; count -= w, src += w, dst += w)
        {
            if (typeof(T) == typeof(float))
            {
                Vector512<float> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
                Avx512F.MaskStore((float*)dst, mask, Avx512F.MaskLoad((float*)src, mask, Vector512<float>.Zero));
            }
            else
            {
                Vector512<double> mask = Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)count)).AsDouble();
                Avx512F.MaskStore((double*)dst, mask, Avx512F.MaskLoad((double*)src, mask, Vector512<double>.Zero));
            }
        }
    }

    /// <summary>
    /// Packs rows [m0, m0 + m) (taps j = (c·R + r)·S + s) and columns [q0, q0 + kc) (pixels q = n·OH·OW + oh·OW + ow,
    /// across images) of the im2col matrix into Mr-high panels: the A operand of <c>dwᵀ = col · dyᵀ</c>. With stride 1
    /// and no padding six taps of one output row are six contiguous runs of x, packed side by side by
    /// <see cref="SixRows"/>; otherwise element by element with bounds tests.
    /// </summary>
    public static void PackTapRows(in Conv2DGeometry g, T* x, int m0, int m, int mr, int q0, int kc, T* dst)
    {
        int plane = g.OutHeight * g.OutWidth, hw = g.Height * g.Width, chw = g.InChannels * hw;
        int rs = g.KernelHeight * g.KernelWidth, crs = g.InChannels * rs;
        int* tapOffset = stackalloc int[8];
        int* tapRow = stackalloc int[8];
        int* tapColumn = stackalloc int[8];
        for (int ir = 0; ir < m; ir += mr)
        {
            T* panel = dst + (long)ir * kc;
            for (int i = 0; i < mr; i++)
            {
                int tap = m0 + ir + i;
                bool valid = ir + i < m && tap < crs;
                tapOffset[i] = valid ? tap / rs * hw + tap / g.KernelWidth % g.KernelHeight * g.Width + tap % g.KernelWidth : 0;
                tapRow[i] = valid ? tap / g.KernelWidth % g.KernelHeight : OutsideLane;
                tapColumn[i] = valid ? tap % g.KernelWidth : 0;
            }

            bool fullPanel = mr == 6 && ir + 6 <= m && m0 + ir + 6 <= crs;
            if (fullPanel && g.Stride == 1 && g.Padding == 0)
            {
                for (int t = 0, q = q0; t < kc;)
                {
                    int image = q / plane, pixel = q % plane, oh = pixel / g.OutWidth, ow = pixel % g.OutWidth;
                    int run = Math.Min(g.OutWidth - ow, kc - t);
                    T* at = x + (long)image * chw + oh * g.Width + ow;
                    SixRows.Interleave(at + tapOffset[0], at + tapOffset[1], at + tapOffset[2], at + tapOffset[3],
                        at + tapOffset[4], at + tapOffset[5], run, panel + t * 6);
                    t += run;
                    q += run;
                }

                continue;
            }

            int img = q0 / plane, pix = q0 % plane, y = pix / g.OutWidth, xo = pix % g.OutWidth;
            for (int t = 0; t < kc; t++)
            {
                int ih = y * g.Stride - g.Padding, iw = xo * g.Stride - g.Padding;
                long offset = (long)img * chw + ih * g.Width + iw;
                for (int i = 0; i < mr; i++)
                {
                    bool inside = (uint)(tapRow[i] + ih) < (uint)g.Height && (uint)(tapColumn[i] + iw) < (uint)g.Width;
                    panel[t * mr + i] = inside ? x[offset + tapOffset[i]] : T.Zero;
                }

                if (++xo == g.OutWidth)
                {
                    xo = 0;
                    if (++y == g.OutHeight)
                    {
                        y = 0;
                        img++;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs rows [q0, q0 + kc) (pixels, across images) and columns [j0, j0 + nc) (output channels) of dyᵀ into
    /// <paramref name="nr"/>-wide panels: the B operand of <c>dwᵀ = col · dyᵀ</c>; columns past nc are zero.
    /// </summary>
    public static void PackOutputColumns(in Conv2DGeometry g, T* dy, int q0, int kc, int j0, int nc, int nr, T* dst)
    {
        int plane = g.OutHeight * g.OutWidth, kp = g.OutChannels * plane;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int lanes = Math.Min(nr, nc - jr);
            T* panel = dst + (long)jr * kc;
            for (int t = 0, q = q0; t < kc;)
            {
                // One image's pixels at a time: lane l reads a contiguous run of plane j0 + jr + l.
                int image = q / plane, pixel = q % plane, run = Math.Min(plane - pixel, kc - t);
                T* src = dy + (long)image * kp + (long)(j0 + jr) * plane + pixel;
                T* d = panel + t * nr;
                int u = 0;
                if (typeof(T) == typeof(float) && Avx.IsSupported && lanes == nr && nr % 8 == 0)
                {
                    // 8 channels × 8 pixels at a time through an 8 × 8 transpose.
                    for (; u + 8 <= run; u += 8, d += 8 * nr)
                    {
                        for (int l = 0; l < nr; l += 8)
                        {
                            Transpose8x8((float*)src + (long)l * plane + u, plane, (float*)d + l, nr);
                        }
                    }
                }

                for (; u < run; u++, d += nr)
                {
                    for (int l = 0; l < lanes; l++)
                    {
                        d[l] = src[l * plane + u];
                    }

                    for (int l = lanes; l < nr; l++)
                    {
                        d[l] = T.Zero;
                    }
                }

                t += run;
                q += run;
            }
        }
    }

    /// <summary>dst[j·dstStride + i] = src[i·srcStride + j] for i, j &lt; 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, long srcStride, float* dst, long dstStride)
    {
        Vector256<float> r0 = Vector256.Load(src), r1 = Vector256.Load(src + srcStride);
        Vector256<float> r2 = Vector256.Load(src + 2 * srcStride), r3 = Vector256.Load(src + 3 * srcStride);
        Vector256<float> r4 = Vector256.Load(src + 4 * srcStride), r5 = Vector256.Load(src + 5 * srcStride);
        Vector256<float> r6 = Vector256.Load(src + 6 * srcStride), r7 = Vector256.Load(src + 7 * srcStride);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(s0, s4, 0x20).Store(dst);
        Avx.Permute2x128(s1, s5, 0x20).Store(dst + dstStride);
        Avx.Permute2x128(s2, s6, 0x20).Store(dst + 2 * dstStride);
        Avx.Permute2x128(s3, s7, 0x20).Store(dst + 3 * dstStride);
        Avx.Permute2x128(s0, s4, 0x31).Store(dst + 4 * dstStride);
        Avx.Permute2x128(s1, s5, 0x31).Store(dst + 5 * dstStride);
        Avx.Permute2x128(s2, s6, 0x31).Store(dst + 6 * dstStride);
        Avx.Permute2x128(s3, s7, 0x31).Store(dst + 7 * dstStride);
    }

    /// <summary>
    /// <c>dst[l] = x[laneOffset[l] + offset]</c> for l &lt; nr, or zero where <paramref name="masked"/> and the
    /// position (laneRow[l] + row, laneColumn[l] + column) is outside the H × W image.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatherRow(T* x, int* laneOffset, int* laneRow, int* laneColumn, int nr, int offset, int row, int column,
        int height, int width, bool masked, T* dst, bool vectorized)
    {
        if (vectorized && Avx2.IsSupported && typeof(T) == typeof(float))
        {
            var add = Vector256.Create(offset);
            for (int l = 0; l < nr; l += 8)
            {
                Vector256<int> index = Vector256.Load(laneOffset + l) + add;
                Vector256<float> value;
                if (!masked)
                {
                    value = Avx2.GatherVector256((float*)x, index, 4);
                }
                else
                {
                    Vector256<uint> ih = (Vector256.Load(laneRow + l) + Vector256.Create(row)).AsUInt32();
                    Vector256<uint> iw = (Vector256.Load(laneColumn + l) + Vector256.Create(column)).AsUInt32();
                    Vector256<float> inside = (Vector256.LessThan(ih, Vector256.Create((uint)height)) &
                        Vector256.LessThan(iw, Vector256.Create((uint)width))).AsSingle();
                    value = Avx2.GatherMaskVector256(Vector256<float>.Zero, (float*)x, index, inside, 4);
                }

                value.Store((float*)dst + l);
            }

            return;
        }

        if (vectorized && Avx2.IsSupported && typeof(T) == typeof(double))
        {
            var add = Vector128.Create(offset);
            for (int l = 0; l < nr; l += 4)
            {
                Vector128<int> index = Vector128.Load(laneOffset + l) + add;
                Vector256<double> value;
                if (!masked)
                {
                    value = Avx2.GatherVector256((double*)x, index, 8);
                }
                else
                {
                    Vector128<uint> ih = (Vector128.Load(laneRow + l) + Vector128.Create(row)).AsUInt32();
                    Vector128<uint> iw = (Vector128.Load(laneColumn + l) + Vector128.Create(column)).AsUInt32();
                    Vector128<int> inside = (Vector128.LessThan(ih, Vector128.Create((uint)height)) &
                        Vector128.LessThan(iw, Vector128.Create((uint)width))).AsInt32();
                    value = Avx2.GatherMaskVector256(Vector256<double>.Zero, (double*)x, index,
                        Avx2.ConvertToVector256Int64(inside).AsDouble(), 8);
                }

                value.Store((double*)dst + l);
            }

            return;
        }

        for (int l = 0; l < nr; l++)
        {
            bool inside = !masked || ((uint)(laneRow[l] + row) < (uint)height && (uint)(laneColumn[l] + column) < (uint)width);
            dst[l] = inside ? x[laneOffset[l] + offset] : T.Zero;
        }
    }
}
