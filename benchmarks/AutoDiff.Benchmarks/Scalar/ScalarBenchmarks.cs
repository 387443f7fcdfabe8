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

        var generated = new double[_x.Length];
        double value = ScalarFunctions.RosenbrockGradient(_x, generated);
        double handValue = ScalarFunctions.RosenbrockHandGradient(_x, _dx);
        Check.Agree("Rosenbrock", value, handValue, generated, _dx, 1e-12);
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
        var generated = new double[_gmm.GradientLength];
        var byRows = new double[_gmm.GradientLength];
        double value = _gmm.GeneratedGradient(generated);
        double byRowsValue = _gmm.GeneratedByRowsGradient(byRows);
        double handValue = _gmm.ManualGradient(_gradient);
        Check.Agree("GMM", value, handValue, generated, _gradient, 1e-10);
        Check.Agree("GMM by rows", byRowsValue, handValue, byRows, _gradient, 1e-10);
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

        float value = ScalarFunctions.MseGradient(_w, _b, _xs, _ys, out float dw, out float db);
        float handValue = ScalarFunctions.MseHandGradient(_w, _b, _xs, _ys, out float hdw, out float hdb);
        Check.Agree("MSE", value, handValue, [dw, db], [hdw, hdb], 1e-5);
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

/// <summary>Each benchmark's setup checks that the generated and hand-written gradients agree before timing them.</summary>
internal static class Check
{
    public static void Agree(string name, double value, double handValue, ReadOnlySpan<double> generated, ReadOnlySpan<double> hand, double relative)
    {
        bool Close(double a, double b) => Math.Abs(a - b) <= relative * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
        if (!Close(value, handValue))
        {
            throw new InvalidOperationException($"{name}: generated value {value:R} but hand-written {handValue:R}.");
        }

        for (int i = 0; i < generated.Length; i++)
        {
            if (!Close(generated[i], hand[i]))
            {
                throw new InvalidOperationException($"{name}: gradient[{i}] generated {generated[i]:R} but hand-written {hand[i]:R}.");
            }
        }
    }
}
