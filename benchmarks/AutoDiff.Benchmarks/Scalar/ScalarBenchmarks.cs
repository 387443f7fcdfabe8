using AutoDiff.Tests.AdBench;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace AutoDiff.Benchmarks.Scalar;

/// <summary>
/// One launch, 3 warm-up and 15 measured iterations: short enough for a 2-core machine, with enough iterations
/// for a median. Ratios are to the plain function (the baseline).
/// </summary>
public sealed class ScalarConfig : ManualConfig
{
    /// <summary>Creates the configuration.</summary>
    public ScalarConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(15).WithId("Scalar"));
        AddColumn(StatisticColumn.Median);
        SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(RatioStyle.Value);
    }
}

/// <summary>Rosenbrock, n = 1000, loop form: function, generated gradient, hand-written gradient.</summary>
[MemoryDiagnoser]
[Config(typeof(ScalarConfig))]
public class RosenbrockBenchmarks
{
    private readonly double[] _x = new double[1000];
    private readonly double[] _dx = new double[1000];

    /// <summary>Seeded values in [-1.5, 1.5).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] = 3 * random.NextDouble() - 1.5;
        }
    }

    /// <summary>The plain function.</summary>
    [Benchmark(Baseline = true)]
    public double Function() => ScalarFunctions.Rosenbrock(_x);

    /// <summary>The generated gradient.</summary>
    [Benchmark]
    public double Generated() => ScalarFunctions.RosenbrockGradient(_x, _dx);

    /// <summary>The hand-written gradient.</summary>
    [Benchmark]
    public double HandWritten() => ScalarFunctions.RosenbrockHandGradient(_x, _dx);
}

/// <summary>ADBench GMM on gmm_d10_K25 (d = 10, K = 25, n = 1000): function, generated gradient, hand-written gradient.</summary>
[MemoryDiagnoser]
[Config(typeof(ScalarConfig))]
public class GmmBenchmarks
{
    private GmmInstance _gmm = null!;
    private double[] _gradient = null!;

    /// <summary>Reads ../shared/adbench/data/gmm/1k/gmm_d10_K25.txt.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _gmm = GmmInstance.Read(GmmData.File("gmm", "1k", "gmm_d10_K25.txt"));
        _gradient = new double[_gmm.GradientLength];
    }

    /// <summary>The plain function.</summary>
    [Benchmark(Baseline = true)]
    public double Function() => _gmm.Objective();

    /// <summary>The generated gradient.</summary>
    [Benchmark]
    public double Generated() => _gmm.GeneratedGradient(_gradient);

    /// <summary>The hand-written gradient.</summary>
    [Benchmark]
    public double HandWritten() => _gmm.ManualGradient(_gradient);

    /// <summary>The plain function, row-by-row form (<see cref="Gmm.ObjectiveByRows"/>).</summary>
    [Benchmark]
    public double FunctionByRows() => _gmm.ObjectiveByRows();

    /// <summary>The generated gradient of the row-by-row form.</summary>
    [Benchmark]
    public double GeneratedByRows() => _gmm.GeneratedByRowsGradient(_gradient);
}

/// <summary>The seed linear regression's MSE (100 samples, y = 3x + 2 + noise): function, generated gradient, hand-written gradient.</summary>
[MemoryDiagnoser]
[Config(typeof(ScalarConfig))]
public class RegressionBenchmarks
{
    private readonly float[] _xs = new float[100];
    private readonly float[] _ys = new float[100];
    private float _w = 0.5f, _b = -0.25f;

    /// <summary>x and the noise uniform in [0, 1), as in the LinearRegression sample.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(0);
        for (int i = 0; i < _xs.Length; i++)
        {
            _xs[i] = random.NextSingle();
            _ys[i] = 3 * _xs[i] + 2 + random.NextSingle();
        }
    }

    /// <summary>The plain function.</summary>
    [Benchmark(Baseline = true)]
    public float Function() => ScalarFunctions.Mse(_w, _b, _xs, _ys);

    /// <summary>The generated gradient.</summary>
    [Benchmark]
    public float Generated() => ScalarFunctions.MseGradient(_w, _b, _xs, _ys, out float dw, out float db) + dw + db;

    /// <summary>The hand-written gradient.</summary>
    [Benchmark]
    public float HandWritten() => ScalarFunctions.MseHandGradient(_w, _b, _xs, _ys, out float dw, out float db) + dw + db;
}
