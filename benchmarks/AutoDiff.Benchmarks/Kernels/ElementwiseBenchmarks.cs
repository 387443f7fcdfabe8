using AutoDiff.Kernels;
using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks.Kernels;

/// <summary>Our element-wise kernels against the plain scalar loop a user would write, on 64 Ki floats (in L2).</summary>
[MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    private const int Length = 65_536;
    private float[] _x = [], _y = [], _d = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        _x = Enumerable.Range(0, Length).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        _y = Enumerable.Range(0, Length).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        _d = new float[Length];
    }

    [Benchmark]
    public void Add_Ours() => Elementwise.Add<float>(_x, _y, _d);

    [Benchmark]
    public void Add_Scalar()
    {
        float[] x = _x, y = _y, d = _d;
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = x[i] + y[i];
        }
    }

    [Benchmark]
    public void Relu_Ours() => Activations.Relu<float>(_x, _d);

    [Benchmark]
    public void Relu_Scalar()
    {
        float[] x = _x, d = _d;
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = x[i] > 0 ? x[i] : 0;
        }
    }

    [Benchmark]
    public void ReluBackward_Ours() => Activations.ReluBackward<float>(_x, _y, _d);

    [Benchmark]
    public void ReluBackward_Scalar()
    {
        float[] x = _x, dy = _y, d = _d;
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = x[i] > 0 ? dy[i] : 0;
        }
    }

    [Benchmark]
    public void Sigmoid_Ours() => Activations.Sigmoid<float>(_x, _d);

    [Benchmark]
    public void Sigmoid_Scalar()
    {
        float[] x = _x, d = _d;
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = 1f / (1f + MathF.Exp(-x[i]));
        }
    }

    [Benchmark]
    public void Gelu_Ours() => Activations.Gelu<float>(_x, _d);

    [Benchmark]
    public void Gelu_Scalar()
    {
        float[] x = _x, d = _d;
        const float k = 0.7978845608f;
        for (int i = 0; i < d.Length; i++)
        {
            float v = x[i];
            d[i] = 0.5f * v * (1f + MathF.Tanh(k * (v + 0.044715f * v * v * v)));
        }
    }

    [Benchmark]
    public void Softmax_Ours() => Activations.Softmax<float>(_x, 512, _d);

    [Benchmark]
    public void Softmax_Scalar()
    {
        float[] x = _x, d = _d;
        for (int r = 0; r < Length / 512; r++)
        {
            int o = r * 512;
            float max = float.NegativeInfinity, sum = 0;
            for (int j = 0; j < 512; j++)
            {
                max = MathF.Max(max, x[o + j]);
            }

            for (int j = 0; j < 512; j++)
            {
                sum += d[o + j] = MathF.Exp(x[o + j] - max);
            }

            for (int j = 0; j < 512; j++)
            {
                d[o + j] /= sum;
            }
        }
    }
}
