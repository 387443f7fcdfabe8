using Xunit;

namespace AutoDiff.Runtime.Tests.Models;

/// <summary>The initialisers' distributions against their formulas, their fans, and their seeding.</summary>
public sealed class InitTests
{
    private static (double Mean, double Std, float Min, float Max) Moments(Tensor t)
    {
        float[] v = t.ToArray();
        double mean = v.Average(x => (double)x);
        double std = Math.Sqrt(v.Average(x => (x - mean) * (x - mean)));
        return (mean, std, v.Min(), v.Max());
    }

    [Theory]
    [InlineData(400, 300)]
    [InlineData(784, 128)]
    public void DenseShapes_MatchTheFormulas(int fanIn, int fanOut)
    {
        var shape = new Shape(fanIn, fanOut);

        var (mean, std, min, max) = Moments(Init.GlorotUniform(shape, 1));
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        Assert.InRange(min, -limit, -0.99 * limit);
        Assert.InRange(max, 0.99 * limit, limit);
        Assert.InRange(std, 0.98 * limit / Math.Sqrt(3), 1.02 * limit / Math.Sqrt(3)); // U(−l, l) has σ = l/√3
        Assert.InRange(mean, -0.01 * limit, 0.01 * limit);

        (mean, std, _, _) = Moments(Init.GlorotNormal(shape, 2));
        Assert.InRange(std, 0.98 * Math.Sqrt(2.0 / (fanIn + fanOut)), 1.02 * Math.Sqrt(2.0 / (fanIn + fanOut)));

        (_, std, min, max) = Moments(Init.HeUniform(shape, 3));
        limit = Math.Sqrt(6.0 / fanIn);
        Assert.InRange(min, -limit, -0.99 * limit);
        Assert.InRange(max, 0.99 * limit, limit);

        (mean, std, _, _) = Moments(Init.HeNormal(shape, 4));
        Assert.InRange(std, 0.98 * Math.Sqrt(2.0 / fanIn), 1.02 * Math.Sqrt(2.0 / fanIn));
        Assert.InRange(mean, -0.01, 0.01);
    }

    [Fact]
    public void ConvolutionFans_CountTheReceptiveField()
    {
        Assert.Equal((32 * 9, 64 * 9), Init.Fans(new Shape(64, 32, 3, 3)));
        Assert.Equal((784, 128), Init.Fans(new Shape(784, 128)));
        var (_, std, _, _) = Moments(Init.HeNormal(new Shape(64, 32, 3, 3), 5));
        Assert.InRange(std, 0.97 * Math.Sqrt(2.0 / 288), 1.03 * Math.Sqrt(2.0 / 288));
    }

    [Fact]
    public void SameSeed_SameTensor_OtherSeed_Other()
    {
        var shape = new Shape(20, 30);
        Assert.Equal(Init.HeNormal(shape, 7).ToArray(), Init.HeNormal(shape, 7).ToArray());
        Assert.NotEqual(Init.HeNormal(shape, 7).ToArray(), Init.HeNormal(shape, 8).ToArray());
        Assert.All(Init.Zeros(new Shape(5)).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void BiasShapes_AreRefusedWithAClearMessage()
    {
        var error = Assert.Throws<ArgumentException>(() => Init.HeNormal(new Shape(10), 1));
        Assert.Contains("[10]", error.Message, StringComparison.Ordinal);
        Assert.Contains("Init.Zeros", error.Message, StringComparison.Ordinal);
    }
}
