using System.Text.Json;
using AutoDiff.Diagnostics;
using AutoDiff.Optimizers;
using AutoDiff.Training;
using Spectre.Console;
using Xunit;

namespace AutoDiff.Runtime.Tests.Diagnostics;

public class GradientMonitorTests
{
    private const int Depth = 20;
    private const int Width = 32;

    [Fact]
    public void DeepSigmoidWithNaiveInitialisationIsFlaggedAsVanishing()
    {
        var model = new DeepMlp(Depth, Width, ActivationKind.Sigmoid, Init.SmallUniform);
        GradientMonitor monitor = Train(model, steps: 6, learningRate: 0.1);

        DiagnosticFinding vanishing = Assert.Single(monitor.GetFindings(), f => f.Kind == FindingKind.VanishingGradient);
        double ratio = vanishing.Evidence["firstToLastRatio"];
        Assert.InRange(ratio, 0, 1e-3);
        Assert.Contains("first-to-last ratio", vanishing.Message, StringComparison.Ordinal);
        Assert.Contains("layer00", vanishing.Message, StringComparison.Ordinal);
        Assert.Contains("layer19", vanishing.Message, StringComparison.Ordinal);
        Assert.Equal(3, vanishing.FirstStep); // K = 3 consecutive checks at interval 1
        Assert.Contains(vanishing.Remedies, r => r.Contains("He", StringComparison.Ordinal));
        Assert.Contains(vanishing.Remedies, r => r.Contains("residual", StringComparison.OrdinalIgnoreCase));

        // The reported ratio is the one measured: first layer's norm over last layer's at the last record.
        ReadOnlySpan<double> norms = monitor.LayerNormsAt(monitor.RecordCount - 1);
        Assert.Equal(norms[0] / norms[^1], ratio, 1e-12);
        Assert.DoesNotContain(monitor.GetFindings(), f => f.Kind == FindingKind.ExplodingGradient);
    }

    [Fact]
    public void DeepSigmoidWithStandardNormalWeightsSaturatesAndVanishes()
    {
        // N(0, 1) weights with fan-in 32 give pre-activations of standard deviation ≈ 3: many sigmoids saturate.
        var model = new DeepMlp(Depth, Width, ActivationKind.Sigmoid, Init.StandardNormal);
        var monitor = new GradientMonitor(model, new GradientMonitorOptions { Interval = 1 });
        model.Probes = Enumerable.Range(0, model.HiddenLayers)
            .Select(l => monitor.AddActivation($"layer{l:00}.sigmoid", ActivationKind.Sigmoid, Width)).ToArray();
        var optimizer = new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.01 });
        for (int step = 1; step <= 4; step++)
        {
            model.ForwardBackward();
            optimizer.Step();
            monitor.OnStepEnd(step);
        }

        IReadOnlyList<DiagnosticFinding> findings = monitor.GetFindings();
        DiagnosticFinding vanishing = Assert.Single(findings, f => f.Kind == FindingKind.VanishingGradient);
        Assert.InRange(vanishing.Evidence["firstToLastRatio"], 0, 1e-3);
        Assert.Contains(findings, f => f.Kind == FindingKind.Saturation);
        Assert.Contains("Saturated activations make it worse", vanishing.Message, StringComparison.Ordinal);
        Assert.InRange(model.Probes[10].StatisticsAt(monitor.RecordCount - 1).SaturatedShare, 0.4f, 1f);
    }

    [Fact]
    public void PreClippingNormFromTheTrainerFeedsTheExplodingRule()
    {
        var model = new ConstantGradientModel(5e3f);
        var monitor = new GradientMonitor([model.Slot], new GradientMonitorOptions { Interval = 1 });
        var trainer = new Trainer(model, new Sgd([model.Slot], new SgdOptions { LearningRate = 1e-6 }), 4, 0, new TrainerOptions
        {
            Epochs = 1, BatchSize = 1, ClipGradientNorm = 1.0, Progress = ProgressMode.None, Callbacks = [monitor],
        });

        trainer.Fit();

        // The gradients the optimizer used were clipped to norm 1; the explosion is still reported.
        Assert.Equal(1.0, monitor.TensorStatisticsAt(0)[0].Norm, 1e-5);
        DiagnosticFinding finding = Assert.Single(monitor.GetFindings(), f => f.Kind == FindingKind.ExplodingGradient);
        Assert.Equal(1e4, finding.Evidence["norm"], 1e-1); // 5e3 in each of 4 elements
        Assert.Contains("before clipping", Assert.Single(finding.Subjects), StringComparison.Ordinal);
    }

    [Fact]
    public void DeepReluWithHeInitialisationIsNotFlagged()
    {
        var model = new DeepMlp(Depth, Width, ActivationKind.Relu, Init.He);
        GradientMonitor monitor = Train(model, steps: 6, learningRate: 0.01);

        Assert.DoesNotContain(monitor.GetFindings(), f => f.Kind is FindingKind.VanishingGradient or FindingKind.ExplodingGradient);
        ReadOnlySpan<double> norms = monitor.LayerNormsAt(monitor.RecordCount - 1);
        Assert.InRange(norms[0] / norms[^1], 1e-2, 1e2);
    }

    [Fact]
    public void DeepSigmoidWithResidualConnectionsIsNotFlagged()
    {
        // Same depth, activation and naive initialisation as the vanishing case; only the skip connections differ.
        var model = new DeepMlp(Depth, Width, ActivationKind.Sigmoid, Init.SmallUniform, residual: true);
        GradientMonitor monitor = Train(model, steps: 6, learningRate: 1e-3);

        Assert.DoesNotContain(monitor.GetFindings(), f => f.Kind is FindingKind.VanishingGradient or FindingKind.ExplodingGradient);
        ReadOnlySpan<double> norms = monitor.LayerNormsAt(monitor.RecordCount - 1);
        Assert.InRange(norms[0] / norms[^1], 1e-2, 1e2);
    }

    [Fact]
    public void OversizedInitialWeightsAreFlaggedAsExploding()
    {
        var model = new DeepMlp(10, Width, ActivationKind.Relu, Init.StandardNormal);
        GradientMonitor monitor = Train(model, steps: 1, learningRate: 0);

        DiagnosticFinding exploding = Assert.Single(monitor.GetFindings(), f => f.Kind == FindingKind.ExplodingGradient);
        Assert.Equal(FindingSeverity.Error, exploding.Severity);
        Assert.True(exploding.Evidence["norm"] > 1e3);
        // Forward activations and backward deltas both grow 4× per layer, so every layer's weight gradient is huge.
        Assert.StartsWith("layer", Assert.Single(exploding.Subjects), StringComparison.Ordinal);
        ReadOnlySpan<double> norms = monitor.LayerNormsAt(0);
        Assert.All(norms.ToArray(), norm => Assert.True(norm > 1e3));
        Assert.Contains(exploding.Remedies, r => r.Contains("Clip", StringComparison.Ordinal));
        Assert.DoesNotContain(monitor.GetFindings(), f => f.Kind is FindingKind.NonFinite or FindingKind.VanishingGradient);
    }

    [Fact]
    public void GradientNormGrowingEveryStepIsFlaggedAsExploding()
    {
        ParameterSlot slot = ParameterSlot.Create("w", 4, 4);
        slot.Value.Span.Fill(1);
        var monitor = new GradientMonitor([slot], new GradientMonitorOptions { Interval = 2, Thresholds = new() { ExplodingNorm = 1e30 } });
        float g = 1e-3f;
        for (int step = 1; step <= 6; step++)
        {
            g *= 3; // 3× per step > the default 2× per step
            slot.Gradient.Span.Fill(g);
            monitor.OnStepEnd(step);
        }

        DiagnosticFinding finding = Assert.Single(monitor.GetFindings());
        Assert.Equal(FindingKind.ExplodingGradient, finding.Kind);
        Assert.Equal(3, finding.Evidence["growthPerStep"], 1e-4);
        Assert.Equal(6, finding.FirstStep); // records at 2, 4, 6: growth seen at 4 and 6 (two checks)

        // Growth of 1.5× per step stays below the threshold.
        var calm = new GradientMonitor([slot], new GradientMonitorOptions { Interval = 2 });
        g = 1e-3f;
        for (int step = 1; step <= 8; step++)
        {
            g *= 1.5f;
            slot.Gradient.Span.Fill(g);
            calm.OnStepEnd(step);
        }

        Assert.Empty(calm.GetFindings());
    }

    [Fact]
    public void NaNGradientIsFlaggedWithTheTensorName()
    {
        var model = new DeepMlp(6, 16, ActivationKind.Relu, Init.He);
        var monitor = new GradientMonitor(model, new GradientMonitorOptions { Interval = 1 });
        var optimizer = new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.01 });
        for (int step = 1; step <= 3; step++)
        {
            model.ForwardBackward();
            if (step == 2)
            {
                model.Parameters[4].Gradient.Span[3] = float.NaN; // layer02.weight
            }

            optimizer.Step();
            monitor.OnStepEnd(step);
            Assert.Equal(step >= 2, monitor.HasNonFinite);
        }

        DiagnosticFinding finding = Assert.Single(monitor.GetFindings(), f => f.Kind == FindingKind.NonFinite);
        Assert.Equal(2, finding.FirstStep);
        Assert.Contains("layer02.weight", finding.Subjects);
        Assert.Contains("layer02.weight", finding.Message, StringComparison.Ordinal);
        Assert.Equal(1, monitor.TensorStatisticsAt(1)[4].NonFinite);
        Assert.True(double.IsNaN(monitor.TensorStatisticsAt(1)[4].Norm));
    }

    [Fact]
    public void TrainerStopsOnNonFiniteGradientsWhenAsked()
    {
        var model = new PoisonedModel();
        var monitor = new GradientMonitor([model.Slot], new GradientMonitorOptions { Interval = 1, StopOnNonFinite = true });
        var optimizer = new Sgd([model.Slot], new SgdOptions { LearningRate = 0.1 });
        var trainer = new Trainer(model, optimizer, trainingSamples: 4, validationSamples: 0, new TrainerOptions
        {
            Epochs = 5, BatchSize = 1, Progress = ProgressMode.None, Callbacks = [monitor],
        });

        TrainingHistory history = trainer.Fit();

        Assert.True(history.StoppedEarly);
        Assert.Single(history.Epochs);
        Assert.Equal(3, monitor.GetFindings().Single(f => f.Kind == FindingKind.NonFinite).FirstStep);
    }

    [Fact]
    public void AsTrainerCallbackItRecordsEveryIntervalAndFlagsVanishing()
    {
        var model = new DeepMlp(Depth, Width, ActivationKind.Sigmoid, Init.SmallUniform);
        var monitor = new GradientMonitor(model, new GradientMonitorOptions { Interval = 2 });
        var optimizer = new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.05 });
        var trainer = new Trainer(model, optimizer, trainingSamples: 32, validationSamples: 0, new TrainerOptions
        {
            Epochs = 10, BatchSize = 32, Progress = ProgressMode.None, Callbacks = [monitor],
        });

        trainer.Fit();

        Assert.Equal(5, monitor.RecordCount);
        Assert.Equal([2L, 4, 6, 8, 10], Enumerable.Range(0, 5).Select(monitor.StepAt));
        Assert.Contains(monitor.GetFindings(), f => f.Kind == FindingKind.VanishingGradient);
        Assert.False(float.IsNaN(monitor.LossAt(0)));
        Assert.Equal(0.05, monitor.LearningRateAt(0), 1e-12);
    }

    [Fact]
    public void StatisticsMatchADirectComputation()
    {
        ParameterSlot w = ParameterSlot.Create("dense.weight", 2, 3);
        ParameterSlot tiny = ParameterSlot.Create("tiny.weight", 1, 3);
        float[] weights = [1, -2, 2, 0, 4, 0];
        float[] gradient = [0, 3, -4, 0, 0, 12];
        weights.CopyTo(w.Value.Span);
        gradient.CopyTo(w.Gradient.Span);
        tiny.Value.Span.Fill(1);
        float[] tinyGradient = [3e-25f, -4e-25f, 0];
        tinyGradient.CopyTo(tiny.Gradient.Span);
        ParameterSlot small = ParameterSlot.Create("small.weight", 1, 2);
        small.Value.Span.Fill(1e-30f);
        small.Gradient.Span.Fill(1e-30f);
        var monitor = new GradientMonitor([w, tiny, small], new GradientMonitorOptions { Interval = 1 });
        var optimizer = new Sgd([w, tiny, small], new SgdOptions { LearningRate = 0.5 });

        optimizer.Step();
        Assert.True(monitor.OnStepEnd(1));

        TensorGradientStatistics s = monitor.TensorStatisticsAt(0)[0];
        Assert.Equal(13, s.Norm, 1e-5);
        Assert.Equal(13 / Math.Sqrt(6), s.Rms, 1e-5);
        Assert.Equal(12f, s.MaxAbs);
        Assert.Equal(0.5f, s.ZeroFraction);
        Assert.Equal(0.5 * 13 / 5, s.UpdateRatio, 1e-5); // ‖Δw‖ = lr ‖g‖, ‖w‖ = 5
        Assert.Equal(0, s.NonFinite);

        // 3e-25 and 4e-25 square to denormals in float; the monitor still gets the norm right.
        TensorGradientStatistics t = monitor.TensorStatisticsAt(0)[1];
        Assert.Equal(5e-25, t.Norm, 1e-30);
        Assert.Equal(0, t.UpdateRatio); // 1 − 0.5 · 4e-25 rounds to 1 in float32: the weights did not move

        // Weights and updates of 1e-30: squares underflow, the scaled path still gives ‖Δw‖/‖w‖ = 0.5.
        TensorGradientStatistics u = monitor.TensorStatisticsAt(0)[2];
        Assert.Equal(0.5, u.UpdateRatio, 1e-6);
        Assert.Equal(Math.Sqrt(2) * 1e-30, u.Norm, 1e-36);
        Assert.Equal(["dense", "tiny", "small"], monitor.Layers);
        Assert.Equal(Math.Sqrt((13.0 * 13) + (5e-25 * 5e-25)), monitor.GlobalNormAt(0), 1e-5);
    }

    [Fact]
    public void LargeLearningRateIsFlaggedAndSmallOneIsNot()
    {
        GradientMonitor Run(double learningRate)
        {
            var model = new DeepMlp(4, 16, ActivationKind.Relu, Init.He);
            return Train(model, steps: 4, learningRate);
        }

        DiagnosticFinding finding = Assert.Single(Run(1.0).GetFindings(), f => f.Kind == FindingKind.LearningRateTooLarge);
        Assert.True(finding.Evidence["updateRatio"] > 1e-2);
        Assert.Equal(1.0, finding.Evidence["learningRate"]);
        Assert.DoesNotContain(Run(1e-4).GetFindings(), f => f.Kind == FindingKind.LearningRateTooLarge);
    }

    [Fact]
    public void UpdateRatioIsMeasuredOnlyWhenTheStepBeforeWasSeen()
    {
        var model = new DeepMlp(3, 8, ActivationKind.Relu, Init.He);
        var monitor = new GradientMonitor(model, new GradientMonitorOptions { Interval = 5 }, startStep: 0);
        var optimizer = new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.01 });
        for (int step = 1; step <= 10; step++)
        {
            model.ForwardBackward();
            optimizer.Step();
            monitor.OnStepEnd(step);
        }

        Assert.Equal(2, monitor.RecordCount);
        Assert.False(double.IsNaN(monitor.TensorStatisticsAt(1)[0].UpdateRatio));

        // A monitor attached mid-run without the preceding step has nothing to compare with.
        var late = new GradientMonitor(model, new GradientMonitorOptions { Interval = 5 }, startStep: 3);
        model.ForwardBackward();
        optimizer.Step();
        late.OnStepEnd(5);
        Assert.True(double.IsNaN(late.TensorStatisticsAt(0)[0].UpdateRatio));
    }

    [Fact]
    public void DeadReluUnitsAreDetectedOnConstructedActivations()
    {
        var monitor = new GradientMonitor([ParameterSlot.Create("w", 2)], new GradientMonitorOptions { Interval = 1 });
        ActivationProbe dead = monitor.AddActivation("half-dead", ActivationKind.Relu, 16);
        ActivationProbe sparse = monitor.AddActivation("sparse-but-alive", ActivationKind.Relu, 16);
        var deadOutput = new float[32 * 16];
        var sparseOutput = new float[32 * 16];
        for (int r = 0; r < 32; r++)
        {
            for (int u = 0; u < 16; u++)
            {
                deadOutput[(r * 16) + u] = u < 8 ? 0 : 1 + r; // units 0-7 never fire
                sparseOutput[(r * 16) + u] = r == u ? 0.5f : 0; // each unit fires for exactly one sample
            }
        }

        dead.Record(deadOutput);
        sparse.Record(sparseOutput);
        monitor.OnStepEnd(1);

        Assert.Equal(0.5f, dead.StatisticsAt(0).DeadShare);
        Assert.Equal(0.5f, dead.StatisticsAt(0).SaturatedShare);
        Assert.Equal(0f, sparse.StatisticsAt(0).DeadShare);
        Assert.Equal(1 - (16f / (32 * 16)), sparse.StatisticsAt(0).SaturatedShare, 1e-6f);
        DiagnosticFinding finding = Assert.Single(monitor.GetFindings());
        Assert.Equal(FindingKind.DeadRelu, finding.Kind);
        Assert.Equal(["half-dead"], finding.Subjects);
        Assert.Contains("leaky ReLU", finding.Remedies[0], StringComparison.Ordinal);
    }

    [Fact]
    public void SaturatedSigmoidAndTanhAreDetectedOnConstructedActivations()
    {
        var monitor = new GradientMonitor([ParameterSlot.Create("w", 2)], new GradientMonitorOptions { Interval = 1 });
        ActivationProbe sigmoid = monitor.AddActivation("sigmoid", ActivationKind.Sigmoid, 10);
        ActivationProbe tanh = monitor.AddActivation("tanh", ActivationKind.Tanh, 10);
        ActivationProbe healthy = monitor.AddActivation("healthy", ActivationKind.Sigmoid, 10);
        var sigmoidOutput = new float[8 * 10];
        var tanhOutput = new float[8 * 10];
        var healthyOutput = new float[8 * 10];
        for (int i = 0; i < sigmoidOutput.Length; i++)
        {
            // σ' = 0.99 · 0.01 ≈ 0.0099 < 0.05 for 6 of every 10 outputs; σ' = 0.25 for the rest.
            sigmoidOutput[i] = (i % 10) switch { < 3 => 0.99f, < 6 => 0.01f, _ => 0.5f };
            tanhOutput[i] = i % 2 == 0 ? -0.999f : 0.1f; // 1 − 0.999² ≈ 0.002
            healthyOutput[i] = 0.3f + (0.4f * (i % 10) / 10);
        }

        sigmoid.Record(sigmoidOutput);
        tanh.Record(tanhOutput);
        healthy.Record(healthyOutput);
        monitor.OnStepEnd(1);

        Assert.Equal(0.6f, sigmoid.StatisticsAt(0).SaturatedShare, 1e-6f);
        Assert.Equal(0.5f, tanh.StatisticsAt(0).SaturatedShare, 1e-6f);
        Assert.Equal(0f, healthy.StatisticsAt(0).SaturatedShare);
        Assert.True(float.IsNaN(sigmoid.StatisticsAt(0).DeadShare));
        IReadOnlyList<DiagnosticFinding> findings = monitor.GetFindings();
        Assert.Equal(["sigmoid", "tanh"], findings.Select(f => Assert.Single(f.Subjects)));
        Assert.All(findings, f => Assert.Equal(FindingKind.Saturation, f.Kind));
    }

    [Fact]
    public void SaturationThresholdIsTheDerivative()
    {
        // With threshold t = 0.05, a sigmoid output y is saturated iff y(1 − y) < 0.05.
        var monitor = new GradientMonitor([ParameterSlot.Create("w", 2)], new GradientMonitorOptions { Interval = 1 });
        ActivationProbe probe = monitor.AddActivation("s", ActivationKind.Sigmoid, 1);
        float[] outputs = [0.04f, 0.06f, 0.5f, 0.94f, 0.96f];
        int expected = outputs.Count(y => y * (1 - y) < 0.05f);
        probe.Measure(outputs);
        monitor.OnStepEnd(1);
        Assert.Equal(2, expected);
        Assert.Equal(expected / 5f, probe.StatisticsAt(0).SaturatedShare, 1e-6f);
    }

    [Fact]
    public void ActivationsAreMeasuredOnlyOnRecordedSteps()
    {
        var monitor = new GradientMonitor([ParameterSlot.Create("w", 2)], new GradientMonitorOptions { Interval = 3 });
        ActivationProbe probe = monitor.AddActivation("r", ActivationKind.Relu, 2);
        float[] alive = [1, 1, 1, 1];
        float[] dead = [0, 0, 0, 0];
        for (int step = 1; step <= 6; step++)
        {
            probe.Record(step % 3 == 0 ? alive : dead); // dead outputs on unrecorded steps are ignored
            monitor.OnStepEnd(step);
        }

        Assert.Equal(2, monitor.RecordCount);
        Assert.Equal(0f, probe.StatisticsAt(0).DeadShare);
        Assert.Equal(0f, probe.StatisticsAt(1).DeadShare);
        Assert.Empty(monitor.GetFindings());
    }

    [Fact]
    public void RecordingAllocatesNothing()
    {
        var model = new DeepMlp(6, 16, ActivationKind.Relu, Init.He);
        var monitor = new GradientMonitor(model, new GradientMonitorOptions { Interval = 1, Capacity = 8 });
        ActivationProbe[] probes = Enumerable.Range(0, model.HiddenLayers)
            .Select(l => monitor.AddActivation($"layer{l:00}.relu", l % 2 == 0 ? ActivationKind.Relu : ActivationKind.Sigmoid, 16))
            .ToArray();
        var optimizer = new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.01 });
        var output = new float[32 * 16];
        output.AsSpan().Fill(0.5f);
        model.ForwardBackward();
        for (int step = 1; step <= 4; step++)
        {
            // warm up JIT and tiering
            Record(step);
        }

        // Three windows: a one-off runtime allocation can land in one; recording that allocates allocates in all.
        var windows = new List<long>();
        for (int start = 5; start <= 100; start += 32)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int step = start; step < start + 32 && step <= 100; step++)
            {
                Record(step); // wraps the ring buffer many times
            }

            windows.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(windows.Min() == 0, $"every window allocated: {string.Join(", ", windows)} bytes");
        Assert.Equal(8, monitor.RecordCount);
        Assert.Equal(100, monitor.StepAt(7));
        Assert.Equal(93, monitor.StepAt(0));

        void Record(int step)
        {
            for (int l = 0; l < probes.Length; l++)
            {
                probes[l].Record(output);
            }

            optimizer.Step();
            monitor.OnStepEnd(step, 1f, 0.01);
        }
    }

    [Fact]
    public void ReportsContainTheLayersAndFindings()
    {
        var model = new DeepMlp(Depth, Width, ActivationKind.Sigmoid, Init.SmallUniform);
        var monitor = new GradientMonitor(model, new GradientMonitorOptions { Interval = 1 });
        model.Probes = Enumerable.Range(0, model.HiddenLayers)
            .Select(l => monitor.AddActivation($"layer{l:00}.sigmoid", ActivationKind.Sigmoid, Width)).ToArray();
        var optimizer = new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.1 });
        for (int step = 1; step <= 5; step++)
        {
            float loss = model.ForwardBackward();
            optimizer.Step();
            monitor.OnStepEnd(step, loss, 0.1);
        }

        string directory = Path.Combine(Path.GetTempPath(), "autodiff-diagnostics-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            // JSON: parses, one record per step, and the vanishing finding with its ratio.
            string json = Path.Combine(directory, "gradients.json");
            GradientReport.SaveJson(monitor, json);
            using (JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(json)))
            {
                JsonElement root = document.RootElement;
                Assert.Equal(5, root.GetProperty("records").GetArrayLength());
                Assert.Equal(Depth, root.GetProperty("layers").GetArrayLength());
                JsonElement finding = root.GetProperty("findings").EnumerateArray()
                    .Single(f => f.GetProperty("kind").GetString() == "VanishingGradient");
                Assert.True(finding.GetProperty("evidence").GetProperty("firstToLastRatio").GetDouble() < 1e-3);
                JsonElement last = root.GetProperty("records")[4];
                Assert.Equal(5, last.GetProperty("step").GetInt64());
                Assert.Equal(
                    monitor.TensorStatisticsAt(4)[0].Norm,
                    last.GetProperty("tensors").GetProperty("layer00.weight").GetProperty("norm").GetDouble());
            }

            // CSV: a header and one row per record and tensor.
            string csv = Path.Combine(directory, "gradients.csv");
            GradientReport.SaveCsv(monitor, csv);
            string[] lines = File.ReadAllLines(csv);
            Assert.Equal(1 + (5 * model.Parameters.Count), lines.Length);
            Assert.StartsWith("step,loss,learning_rate,layer,tensor,norm", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("1,", lines[1], StringComparison.Ordinal);

            // Console table and findings.
            var text = new StringWriter();
            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
            });
            console.Profile.Width = 200;
            GradientReport.Write(monitor, console);
            string rendered = text.ToString();
            Assert.Contains("layer00", rendered, StringComparison.Ordinal);
            Assert.Contains("layer19", rendered, StringComparison.Ordinal);
            Assert.Contains("VanishingGradient", rendered, StringComparison.Ordinal);
            Assert.Contains("layer05.sigmoid", rendered, StringComparison.Ordinal);

            string? keep = Environment.GetEnvironmentVariable("AUTODIFF_DIAGNOSTICS_OUT");
            if (!string.IsNullOrEmpty(keep))
            {
                Directory.CreateDirectory(keep);
                foreach (string file in Directory.GetFiles(directory))
                {
                    File.Copy(file, Path.Combine(keep, Path.GetFileName(file)), overwrite: true);
                }

                File.WriteAllText(Path.Combine(keep, "report.txt"), rendered);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void OptionsAreValidated()
    {
        ParameterSlot[] slots = [ParameterSlot.Create("w", 2)];
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientMonitor(slots, new GradientMonitorOptions { Interval = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientMonitor(slots, new GradientMonitorOptions { Thresholds = new() { VanishingRatio = 0 } }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientMonitor(slots, new GradientMonitorOptions { Thresholds = new() { SaturationDerivative = 0.3 } }));
        Assert.Throws<ArgumentException>(() => new GradientMonitor([slots[0], slots[0]]));
        var monitor = new GradientMonitor(slots);
        monitor.AddActivation("a", ActivationKind.Relu, 4);
        Assert.Throws<ArgumentException>(() => monitor.AddActivation("a", ActivationKind.Relu, 4));
        Assert.Throws<ArgumentException>(() => monitor.Activations[0].Measure(new float[6]));
    }

    private static GradientMonitor Train(DeepMlp model, int steps, double learningRate)
    {
        var monitor = new GradientMonitor(model, new GradientMonitorOptions { Interval = 1 });
        var optimizer = new Sgd(model.Parameters, new SgdOptions { LearningRate = learningRate });
        for (int step = 1; step <= steps; step++)
        {
            float loss = model.ForwardBackward();
            optimizer.Step();
            monitor.OnStepEnd(step, loss, learningRate);
        }

        return monitor;
    }

    /// <summary>A 2 × 2 parameter whose gradient is the same constant at every step.</summary>
    private sealed class ConstantGradientModel(float gradient) : ITrainingModel
    {
        public ParameterSlot Slot { get; } = ParameterSlot.Create("c.weight", 2, 2);

        public float ComputeLossAndGradients(ReadOnlySpan<int> batch)
        {
            Slot.Gradient.Span.Fill(gradient);
            return 1f;
        }

        public BatchEvaluation Evaluate(DataSplit split, ReadOnlySpan<int> batch) => new(0, 0);
    }

    /// <summary>A one-parameter model whose gradient turns into NaN at its third step.</summary>
    private sealed class PoisonedModel : ITrainingModel
    {
        private int _calls;

        public ParameterSlot Slot { get; } = ParameterSlot.Create("p.weight", 2, 2);

        public float ComputeLossAndGradients(ReadOnlySpan<int> batch)
        {
            _calls++;
            Slot.Gradient.Span.Fill(_calls == 3 ? float.NaN : 0.1f);
            return 1f;
        }

        public BatchEvaluation Evaluate(DataSplit split, ReadOnlySpan<int> batch) => new(0, 0);
    }
}
