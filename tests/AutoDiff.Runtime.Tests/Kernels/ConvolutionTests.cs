using AutoDiff.Kernels;
using CsCheck;
using Xunit;

namespace AutoDiff.Runtime.Tests.Kernels;

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
