using System.Buffers.Binary;
using AutoDiff.Diagnostics;
using AutoDiff.Optimizers;
using Xunit;

namespace AutoDiff.Plotting.Tests;

public sealed class GradientPlotsTests : IDisposable
{
    private const int Layers = 12;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "autodiff-plots-" + Guid.NewGuid().ToString("N"));

    public GradientPlotsTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("AUTODIFF_PLOTS_OUT") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            foreach (string file in Directory.GetFiles(_directory))
            {
                File.Copy(file, Path.Combine(keep, Path.GetFileName(file)), overwrite: true);
            }
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void SaveNormsOverSteps_WritesAPngOfTheRequestedSize()
    {
        GradientMonitor monitor = VanishingMonitor(steps: 5);
        string path = Path.Combine(_directory, "over-steps.png");

        monitor.SaveNormsOverSteps(path, width: 640, height: 480);

        AssertPng(path, 640, 480);
    }

    [Fact]
    public void SaveNormsByDepth_WritesAPngOfTheDefaultSize()
    {
        GradientMonitor monitor = VanishingMonitor(steps: 5);
        string path = Path.Combine(_directory, "by-depth.png");

        GradientPlots.SaveNormsByDepth(monitor, path);

        AssertPng(path, 900, 600);
    }

    [Fact]
    public void Plots_LeaveOutZeroAndNonFiniteNorms()
    {
        // Layer 3's gradient is zero and layer 7's NaN in every record: log₁₀ of either cannot be drawn.
        GradientMonitor monitor = VanishingMonitor(steps: 3, setGradient: (layer, gradient) =>
        {
            if (layer == 3)
            {
                gradient.Clear();
            }
            else if (layer == 7)
            {
                gradient.Fill(float.NaN);
            }
        });
        Assert.Equal(0, monitor.LayerNormsAt(0)[3]);
        Assert.True(double.IsNaN(monitor.LayerNormsAt(0)[7]));

        string overSteps = Path.Combine(_directory, "gaps-over-steps.png");
        string byDepth = Path.Combine(_directory, "gaps-by-depth.png");
        monitor.SaveNormsOverSteps(overSteps, maxLayers: Layers);
        monitor.SaveNormsByDepth(byDepth);

        AssertPng(overSteps, 900, 600);
        AssertPng(byDepth, 900, 600);
    }

    [Fact]
    public void Plots_OfAMonitorWithNoRecords_StillShowTheirAxes()
    {
        // An empty legend outside the data area made ScottPlot draw a blank picture (752 bytes of white).
        GradientMonitor monitor = VanishingMonitor(steps: 0);
        string overSteps = Path.Combine(_directory, "empty-over-steps.png");
        string byDepth = Path.Combine(_directory, "empty-by-depth.png");

        monitor.SaveNormsOverSteps(overSteps, width: 320, height: 200);
        monitor.SaveNormsByDepth(byDepth, width: 320, height: 200);

        AssertPng(overSteps, 320, 200);
        AssertPng(byDepth, 320, 200);
    }

    [Fact]
    public void Arguments_AreValidated()
    {
        GradientMonitor monitor = VanishingMonitor(steps: 1);
        string path = Path.Combine(_directory, "never.png");

        Assert.Throws<ArgumentNullException>(() => GradientPlots.SaveNormsOverSteps(null!, path));
        Assert.Throws<ArgumentNullException>(() => GradientPlots.SaveNormsByDepth(null!, path));
        Assert.Throws<ArgumentException>(() => monitor.SaveNormsOverSteps(""));
        Assert.Throws<ArgumentException>(() => monitor.SaveNormsByDepth(""));
        Assert.Throws<ArgumentOutOfRangeException>(() => monitor.SaveNormsOverSteps(path, maxLayers: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => monitor.SaveNormsByDepth(path, curves: 0));
        Assert.False(File.Exists(path));
    }

    // A monitor over `Layers` one-tensor layers whose gradients shrink tenfold per layer towards the input (layer 0),
    // the shape of a vanishing gradient, recorded at every one of `steps` steps.
    private static GradientMonitor VanishingMonitor(int steps, Action<int, Span<float>>? setGradient = null)
    {
        ParameterSlot[] slots = Enumerable.Range(0, Layers)
            .Select(l => ParameterSlot.Create($"layer{l:00}.weight", 4, 4))
            .ToArray();
        var monitor = new GradientMonitor(slots, new GradientMonitorOptions { Interval = 1 });
        for (int step = 1; step <= steps; step++)
        {
            for (int l = 0; l < Layers; l++)
            {
                slots[l].Value.Span.Fill(0.1f);
                Span<float> gradient = slots[l].Gradient.Span;
                gradient.Fill(MathF.Pow(10f, l - Layers + 1) * step);
                setGradient?.Invoke(l, gradient);
            }

            monitor.OnStepEnd(step, loss: 1f / step, learningRate: 0.1);
        }

        return monitor;
    }

    private static void AssertPng(string path, int width, int height)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 1000, $"{path} has only {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], bytes[..8]);
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }
}
