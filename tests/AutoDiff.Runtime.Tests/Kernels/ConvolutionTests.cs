using AutoDiff.Kernels;
using CsCheck;
using Xunit;

namespace AutoDiff.Runtime.Tests.Kernels;

[Collection(KernelThreads.Name)]
public class ConvolutionTests
{
    private static double[] NaiveConv(in Conv2DGeometry g, double[] x, double[] w, double[] b)
    {
        var y = new double[g.OutputLength];
        for (int n = 0; n < g.Batch; n++)
        for (int k = 0; k < g.OutChannels; k++)
        for (int i = 0; i < g.OutHeight; i++)
        for (int j = 0; j < g.OutWidth; j++)
        {
            double sum = b.Length > 0 ? b[k] : 0;
            for (int c = 0; c < g.InChannels; c++)
            for (int r = 0; r < g.KernelHeight; r++)
            for (int s = 0; s < g.KernelWidth; s++)
            {
                int ih = i * g.Stride - g.Padding + r, iw = j * g.Stride - g.Padding + s;
                if (ih >= 0 && ih < g.Height && iw >= 0 && iw < g.Width)
                {
                    sum += w[((k * g.InChannels + c) * g.KernelHeight + r) * g.KernelWidth + s] *
                           x[((n * g.InChannels + c) * g.Height + ih) * g.Width + iw];
                }
            }

            y[((n * g.OutChannels + k) * g.OutHeight + i) * g.OutWidth + j] = sum;
        }

        return y;
    }

    public static TheoryData<int, int, int, int, int, int, int, int> Geometries() => new()
    {
        // N, C, H, W, K, R, stride, padding
        { 2, 1, 7, 9, 3, 3, 1, 0 },
        { 3, 2, 8, 6, 5, 3, 1, 1 },
        { 2, 3, 9, 9, 4, 3, 2, 1 },
        { 5, 2, 5, 5, 3, 2, 2, 0 },
        { 70, 2, 3, 3, 2, 3, 1, 1 }, // more images than one lowering group
        { 1, 4, 6, 5, 2, 1, 1, 0 },
        { 2, 1, 12, 12, 12, 3, 1, 0 }, // one image per GEMM (written in place) and C·R·S < K (transposed weight GEMM)
    };

    /// <summary>
    /// Geometries for the implicit-GEMM paths: the seed CNN's layers at a small batch (copy-by-runs packing with one
    /// or two k blocks; gathered packing of grouped 3 × 3 outputs with C·R·S = 576 past Kc), output rows wider than a
    /// panel, padding with OW ≥ 8 (masked gathers), stride 2, and enough images that k blocks of the weight-gradient
    /// GEMM straddle two images.
    /// </summary>
    public static TheoryData<int, int, int, int, int, int, int, int> ImplicitGemmGeometries() => new()
    {
        // N, C, H, W, K, R, stride, padding
        { 3, 32, 13, 13, 64, 3, 1, 0 },
        { 5, 64, 5, 5, 64, 3, 1, 0 },
        { 2, 1, 28, 28, 32, 3, 1, 0 },
        { 2, 3, 9, 40, 7, 3, 1, 0 },
        { 3, 5, 12, 11, 13, 3, 1, 1 },
        { 2, 4, 15, 17, 9, 3, 2, 0 },
        { 11, 8, 9, 9, 6, 3, 1, 0 },
    };

    /// <summary>The adjoints of <see cref="NaiveConv"/>, summed directly: dx, dw and db for an upstream gradient dy.</summary>
    private static (double[] Dx, double[] Dw, double[] Db) NaiveBackward(in Conv2DGeometry g, double[] x, double[] w, double[] dy)
    {
        var dx = new double[g.InputLength];
        var dw = new double[g.WeightLength];
        var db = new double[g.OutChannels];
        for (int n = 0; n < g.Batch; n++)
        for (int k = 0; k < g.OutChannels; k++)
        for (int i = 0; i < g.OutHeight; i++)
        for (int j = 0; j < g.OutWidth; j++)
        {
            double d = dy[((n * g.OutChannels + k) * g.OutHeight + i) * g.OutWidth + j];
            db[k] += d;
            for (int c = 0; c < g.InChannels; c++)
            for (int r = 0; r < g.KernelHeight; r++)
            for (int s = 0; s < g.KernelWidth; s++)
            {
                int ih = i * g.Stride - g.Padding + r, iw = j * g.Stride - g.Padding + s;
                if (ih >= 0 && ih < g.Height && iw >= 0 && iw < g.Width)
                {
                    int wi = ((k * g.InChannels + c) * g.KernelHeight + r) * g.KernelWidth + s;
                    int xi = ((n * g.InChannels + c) * g.Height + ih) * g.Width + iw;
                    dw[wi] += d * x[xi];
                    dx[xi] += d * w[wi];
                }
            }
        }

        return (dx, dw, db);
    }

    [Theory]
    [MemberData(nameof(ImplicitGemmGeometries))]
    public void ImplicitGemm_ForwardAndBackward_MatchNaive_FloatAndDouble_AtEachThreadCount(int n, int c, int h, int w, int k, int r, int stride, int pad)
    {
        var g = new Conv2DGeometry(n, c, h, w, k, r, r, stride, pad);
        var random = new Random(n * 31 + c + h + w);
        double[] x = Reference.Random<double>(random, g.InputLength), wt = Reference.Random<double>(random, g.WeightLength);
        double[] b = Reference.Random<double>(random, k), dy = Reference.Random<double>(random, g.OutputLength);
        double[] y = NaiveConv(g, x, wt, b);
        var (dx, dw, db) = NaiveBackward(g, x, wt, dy);
        foreach (int threads in new[] { 1, 2 })
        {
            using IDisposable scope = KernelThreads.Use(threads);
            Run(x, wt, b, dy, 1e-12, $"double, {threads} threads");
            Run(Array.ConvertAll(x, v => (float)v), Array.ConvertAll(wt, v => (float)v), Array.ConvertAll(b, v => (float)v),
                Array.ConvertAll(dy, v => (float)v), 2e-5, $"float, {threads} threads");
        }

        void Run<T>(T[] xs, T[] ws, T[] bs, T[] dys, double tolerance, string what)
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var workspace = new T[g.WorkspaceLength];
            var ys = new T[g.OutputLength];
            var dxs = new T[g.InputLength];
            var dws = new T[g.WeightLength];
            var dbs = new T[k];
            if (typeof(T) == typeof(float))
            {
                Convolution.Conv2D(g, (float[])(object)xs, (float[])(object)ws, (float[])(object)bs, (float[])(object)ys, (float[])(object)workspace);
                Convolution.Conv2DBackwardInput(g, (float[])(object)ws, (float[])(object)dys, (float[])(object)dxs, (float[])(object)workspace);
                Convolution.Conv2DBackwardWeights(g, (float[])(object)xs, (float[])(object)dys, (float[])(object)dws, (float[])(object)dbs, (float[])(object)workspace);
            }
            else
            {
                Convolution.Conv2D(g, (double[])(object)xs, (double[])(object)ws, (double[])(object)bs, (double[])(object)ys, (double[])(object)workspace);
                Convolution.Conv2DBackwardInput(g, (double[])(object)ws, (double[])(object)dys, (double[])(object)dxs, (double[])(object)workspace);
                Convolution.Conv2DBackwardWeights(g, (double[])(object)xs, (double[])(object)dys, (double[])(object)dws, (double[])(object)dbs, (double[])(object)workspace);
            }

            // Each output sums C·R·S products of values in [-1, 1] (dw sums N·OH·OW), so scale the tolerance with the count.
            Reference.AssertClose(y, ToDouble(ys), tolerance * c * r * r, $"y ({what})");
            Reference.AssertClose(dx, ToDouble(dxs), tolerance * k * r * r, $"dx ({what})");
            Reference.AssertClose(dw, ToDouble(dws), tolerance * n * g.OutHeight * g.OutWidth, $"dw ({what})");
            Reference.AssertClose(db, ToDouble(dbs), tolerance * n * g.OutHeight * g.OutWidth, $"db ({what})");
        }
    }

    private static double[] ToDouble<T>(T[] values)
        where T : System.Numerics.IFloatingPointIeee754<T> => Array.ConvertAll(values, v => double.CreateTruncating(v));

    [Theory]
    [InlineData(2, 3, 9, 13, 0)]
    [InlineData(2, 3, 9, 13, 1)]
    [InlineData(3, 2, 5, 5, 0)]
    public unsafe void ImplicitPacking_EveryStrategyAndOperand_MatchesTheDefinitions(int n, int c, int h, int w, int pad)
    {
        var g = new Conv2DGeometry(n, c, h, w, 4, 3, 3, 1, pad);
        int crs = c * 9, cols = n * g.OutHeight * g.OutWidth, nr = 32;
        float[] xf = Reference.Random<float>(new Random(5), g.InputLength);
        double[] x = Array.ConvertAll(xf, v => (double)v); // the same values in both types
        // Rows [1, crs) and columns [3, cols) of col, packed as the forward B operand (nr-wide panels of pixels) and as
        // the weight gradient's A operand (6-high panels of taps), and the matching part of dyᵀ.
        int rows = crs - 1, width = cols - 3, panels = (width + nr - 1) / nr;
        double Col(int q, int j)
        {
            int image = j / (g.OutHeight * g.OutWidth), pixel = j % (g.OutHeight * g.OutWidth);
            int ih = pixel / g.OutWidth - pad + q / 3 % 3, iw = pixel % g.OutWidth - pad + q % 3;
            return ih < 0 || ih >= h || iw < 0 || iw >= w ? 0 : x[((image * c + q / 9) * h + ih) * w + iw];
        }

        foreach (bool vectorized in new[] { false, true })
        {
            Check(vectorized, (packed, lanes) => Pack<double>(x, packed, (px, pd) => ConvPacking<double>.PackPixelColumns(g, px, 0, 1, rows, 3, width, lanes, pd, vectorized)));
            Check(vectorized, (packed, lanes) => Pack<float>(xf, packed, (px, pd) => ConvPacking<float>.PackPixelColumns(g, px, 0, 1, rows, 3, width, lanes, pd, vectorized)));
        }

        // The weight gradient's operands: taps 1.. as 6-high row panels over pixels 3.., and dyᵀ (pixels 3.. by channels 1..3).
        foreach (bool useFloat in new[] { false, true })
        {
            double[] taps = useFloat
                ? Pack<float>(xf, panels6(rows) * width, (px, pd) => ConvPacking<float>.PackTapRows(g, px, 1, rows, 6, 3, width, pd))
                : Pack<double>(x, panels6(rows) * width, (px, pd) => ConvPacking<double>.PackTapRows(g, px, 1, rows, 6, 3, width, pd));
            for (int ir = 0; ir < rows; ir += 6)
            for (int t = 0; t < width; t++)
            for (int i = 0; i < 6; i++)
            {
                double expected = ir + i < rows ? Col(1 + ir + i, 3 + t) : 0;
                Assert.True(expected == taps[ir * width + t * 6 + i], $"tap rows (float={useFloat}): panel {ir / 6} pixel {t} row {i}");
            }
        }

        float[] dyf = Reference.Random<float>(new Random(6), g.OutputLength);
        double[] dy = Array.ConvertAll(dyf, v => (double)v);
        double[] dyT = Pack<double>(dy, nr * width, (pdy, pd) => ConvPacking<double>.PackOutputColumns(g, pdy, 3, width, 1, 3, nr, pd));
        double[] dyTf = Pack<float>(dyf, nr * width, (pdy, pd) => ConvPacking<float>.PackOutputColumns(g, pdy, 3, width, 1, 3, nr, pd));
        for (int t = 0; t < width; t++)
        for (int l = 0; l < nr; l++)
        {
            int q = 3 + t, image = q / (g.OutHeight * g.OutWidth), pixel = q % (g.OutHeight * g.OutWidth);
            double expected = l < 3 ? dy[(image * 4 + 1 + l) * g.OutHeight * g.OutWidth + pixel] : 0;
            Assert.True(expected == dyT[t * nr + l] && expected == dyTf[t * nr + l], $"dyᵀ pixel {t} lane {l}");
        }

        static int panels6(int count) => (count + 5) / 6 * 6;

        if (pad == 0 && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            Check(true, (packed, lanes) => Pack<double>(x, packed, (px, pd) => ConvPacking<double>.PackPixelColumnsByRuns(g, px, 0, 1, rows, 3, width, lanes, pd)));
            Check(true, (packed, lanes) => Pack<float>(xf, packed, (px, pd) => ConvPacking<float>.PackPixelColumnsByRuns(g, px, 0, 1, rows, 3, width, lanes, pd)));
        }

        void Check(bool vectorized, Func<int, int, double[]> pack)
        {
            // Rows are taps 1.., lanes are pixels 3...
            double[] packed = pack(panels * nr * rows, nr);
            for (int panel = 0; panel < panels; panel++)
            for (int p = 0; p < rows; p++)
            for (int l = 0; l < nr; l++)
            {
                int lane = panel * nr + l;
                double expected = lane >= width ? 0 : Col(1 + p, 3 + lane);
                Assert.True(expected == packed[(panel * rows + p) * nr + l],
                    $"vectorized={vectorized} panel {panel} row {p} lane {l}: expected {expected}, got {packed[(panel * rows + p) * nr + l]}");
            }
        }
    }

    private static unsafe double[] Pack<T>(T[] x, int length, PackAction<T> pack)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var packed = new T[length];
        fixed (T* px = x, pd = packed)
        {
            pack(px, pd);
        }

        return ToDouble(packed);
    }

    private unsafe delegate void PackAction<T>(T* x, T* packed)
        where T : unmanaged;

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Forward_MatchesDirectConvolution_FloatAndDouble(int n, int c, int h, int w, int k, int r, int stride, int pad)
    {
        var g = new Conv2DGeometry(n, c, h, w, k, r, r, stride, pad);
        var random = new Random(n + c + h);
        double[] x = Reference.Random<double>(random, g.InputLength), wt = Reference.Random<double>(random, g.WeightLength), b = Reference.Random<double>(random, k);
        double[] expected = NaiveConv(g, x, wt, b);
        var y = new double[g.OutputLength];
        Convolution.Conv2D(g, x, wt, b, y, new double[g.WorkspaceLength]);
        Reference.AssertClose(expected, y, 1e-12, "double");

        var yf = new float[g.OutputLength];
        Convolution.Conv2D(g, Array.ConvertAll(x, v => (float)v), Array.ConvertAll(wt, v => (float)v), Array.ConvertAll(b, v => (float)v), yf, new float[g.WorkspaceLength]);
        Reference.AssertClose(Array.ConvertAll(expected, v => (float)v), yf, 1e-4f, "float");
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Backward_InputWeightsAndBias_MatchFiniteDifferences(int n, int c, int h, int w, int k, int r, int stride, int pad)
    {
        n = Math.Min(n, 3); // finite differences cost one forward per input element
        var g = new Conv2DGeometry(n, c, h, w, k, r, r, stride, pad);
        var random = new Random(17 + h);
        double[] x = Reference.Random<double>(random, g.InputLength), wt = Reference.Random<double>(random, g.WeightLength), b = Reference.Random<double>(random, k);
        double[] dy = Reference.Random<double>(random, g.OutputLength);
        var workspace = new double[g.WorkspaceLength];
        var dx = new double[g.InputLength];
        var dw = new double[g.WeightLength];
        var db = new double[k];
        Convolution.Conv2DBackwardInput(g, wt, dy, dx, workspace);
        Convolution.Conv2DBackwardWeights(g, x, dy, dw, db, workspace);
        FiniteDifferences.Check(x, v => NaiveConv(g, v, wt, b), dy, dx, "dx");
        FiniteDifferences.Check(wt, v => NaiveConv(g, x, v, b), dy, dw, "dw");
        FiniteDifferences.Check(b, v => NaiveConv(g, x, wt, v), dy, db, "db");
    }

    [Fact]
    public void Property_BackwardKernelsAreTheAdjointsOfTheForward_OnRandomGeometries()
    {
        // The dot-product test: convolution is linear in x and in w, so for any dy
        // ⟨conv(x, w), dy⟩ = ⟨x, backwardInput(w, dy)⟩ = ⟨w, backwardWeights(x, dy)⟩.
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 3], Gen.Int[3, 9], Gen.Int[1, 5], Gen.Int[1, 3], Gen.Int[1, 2], Gen.Int[0, 1], Gen.Int)
            .Sample((n, c, size, k, r, stride, pad, seed) =>
            {
                var g = new Conv2DGeometry(n, c, size, size + 1, k, r, r, stride, pad);
                var random = new Random(seed);
                double[] x = Reference.Random<double>(random, g.InputLength), w = Reference.Random<double>(random, g.WeightLength);
                double[] dy = Reference.Random<double>(random, g.OutputLength);
                var workspace = new double[g.WorkspaceLength];
                var y = new double[g.OutputLength];
                var dx = new double[g.InputLength];
                var dw = new double[g.WeightLength];
                Convolution.Conv2D(g, x, w, [], y, workspace);
                Convolution.Conv2DBackwardInput(g, w, dy, dx, workspace);
                Convolution.Conv2DBackwardWeights(g, x, dy, dw, [], workspace);
                double forward = FiniteDifferences.Dot(y, dy);
                double tolerance = 1e-12 * (1 + Math.Abs(forward)) * g.OutputLength;
                return Math.Abs(forward - FiniteDifferences.Dot(x, dx)) <= tolerance
                    && Math.Abs(forward - FiniteDifferences.Dot(w, dw)) <= tolerance;
            }, iter: 100);
    }

    [Fact]
    public void ShortWorkspace_ThrowsNamingTheOperation()
    {
        var g = new Conv2DGeometry(1, 1, 5, 5, 1, 3, 3);
        var e = Assert.Throws<ArgumentException>(() =>
            Convolution.Conv2D(g, new float[25], new float[9], [], new float[9], new float[1]));
        Assert.Contains("Conv2D", e.Message);
        Assert.Contains("workspace", e.Message);
    }
}
