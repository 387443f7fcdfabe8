using Xunit;

namespace AutoDiff.Runtime.Tests.Kernels;

public class TensorTests
{
    [Fact]
    public void Factories_GiveTheRequestedShapeAndValues()
    {
        Tensor z = Tensor.Zeros(128);
        Assert.Equal(new Shape(128), z.Shape);
        Assert.All(z.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(Tensor.Ones(2, 3).ToArray(), v => Assert.Equal(1f, v));
        TensorD d = TensorD.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3);
        Assert.Equal(6.0, d[1, 2]);
        Assert.Equal("TensorD[2, 3]", d.ToString());
    }

    [Fact]
    public void ReshapeAndSlice_AreViewsSharingStorage()
    {
        Tensor t = Tensor.FromArray(Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), 4, 6);
        Tensor images = t.Reshape(4, 1, 2, -1);
        Assert.Equal(new Shape(4, 1, 2, 3), images.Shape);
        Tensor batch = images.Slice(1, 2);
        Assert.Equal(new Shape(2, 1, 2, 3), batch.Shape);
        Assert.Equal(6f, batch[0, 0, 0, 0]);
        batch[1, 0, 1, 2] = -1f;
        Assert.Equal(-1f, t[2, 5]);
        Assert.Equal(12, batch.Span.Length);
    }

    [Fact]
    public void ShapeErrors_NameTheOperationAndBothShapes()
    {
        Tensor t = Tensor.Zeros(2, 3);
        var e = Assert.Throws<ArgumentException>(() => t.Reshape(4, 2));
        Assert.Contains("Reshape", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[4, 2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => t.CopyTo(Tensor.Zeros(3, 2)));
        Assert.Contains("CopyTo", e.Message);
        Assert.Contains("[3, 2]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Slice(1, 2));
        Assert.Throws<ArgumentException>(() => new Shape(1, 2, 3, 4, 5));
    }

    [Fact]
    public void SeededRandom_IsReproducible_WithTheRequestedMoments()
    {
        Tensor a = Tensor.Normal(new Shape(100, 100), 1f, 2f, seed: 5);
        Tensor b = Tensor.Normal(new Shape(100, 100), 1f, 2f, seed: 5);
        Assert.Equal(a.ToArray(), b.ToArray());
        double mean = a.ToArray().Average(v => (double)v);
        double std = Math.Sqrt(a.ToArray().Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, 0.94, 1.06);   // 3 standard errors of 2/100
        Assert.InRange(std, 1.95, 2.05);
        TensorD u = TensorD.Uniform(new Shape(1000), -1, 3, seed: 1);
        Assert.All(u.ToArray(), v => Assert.InRange(v, -1, 3));
    }
}
