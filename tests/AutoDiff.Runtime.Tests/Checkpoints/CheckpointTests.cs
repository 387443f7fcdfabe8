using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using AutoDiff.Checkpoints;
using AutoDiff.Optimizers;
using AutoDiff.Training;
using Xunit;

namespace AutoDiff.Runtime.Tests.Checkpoints;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("autodiff-checkpoint-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    /// <summary>A small model, an AMSGrad optimizer three steps in, a step schedule and a random generator.</summary>
    private sealed class Run
    {
        public Run(ulong seed)
        {
            Weight = ParameterSlot.Create("layer.weight", 3, 5);
            Bias = ParameterSlot.Create("layer.bias", 5);
            Parameters = [Weight, Bias];
            Optimizer = new Adam(Parameters, new AdamOptions { LearningRate = 0.1, AmsGrad = true });
            Schedule = new StepLearningRate(Optimizer, stepSize: 2, gamma: 0.5);
            Random = new TrainingRandom(seed);
        }

        public ParameterSlot Weight { get; }

        public ParameterSlot Bias { get; }

        public IReadOnlyList<ParameterSlot> Parameters { get; }

        public Adam Optimizer { get; }

        public StepLearningRate Schedule { get; }

        public TrainingRandom Random { get; }

        public ICheckpointState[] States => [Optimizer, Schedule, Random];

        public void Train(int steps)
        {
            for (int step = 0; step < steps; step++)
            {
                foreach (ParameterSlot parameter in Parameters)
                {
                    Span<float> gradient = parameter.Gradient.Span;
                    for (int i = 0; i < gradient.Length; i++)
                    {
                        gradient[i] = (Random.NextSingle() * 2) - 1;
                    }
                }

                Optimizer.Step();
                Schedule.Step();
            }
        }

        public float[] Snapshot() => [.. Weight.Value.ToArray(), .. Bias.Value.ToArray()];
    }

    private static void AssertBitwiseEqual(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"element {i}: {expected[i]:R} vs {actual[i]:R}");
        }
    }

    private string SaveTrainedRun(string name, out Run run)
    {
        run = new Run(seed: 7);
        run.Train(3);
        string path = PathOf(name);
        Checkpoint.Save(path, run.Parameters, run.States);
        return path;
    }

    /// <summary>A fresh run whose parameters hold a recognisable sentinel, to prove a refused load changed nothing.</summary>
    private static Run SentinelRun()
    {
        var run = new Run(seed: 99);
        run.Weight.Value.Span.Fill(42f);
        run.Bias.Value.Span.Fill(-42f);
        return run;
    }

    private static void AssertUntouched(Run run)
    {
        Assert.All(run.Weight.Value.ToArray(), v => Assert.Equal(42f, v));
        Assert.All(run.Bias.Value.ToArray(), v => Assert.Equal(-42f, v));
        Assert.Equal(0, run.Optimizer.StepCount);
        Assert.Equal(0, run.Schedule.Epoch);
        Assert.Equal(0.1, run.Optimizer.Groups[0].LearningRate);
    }

    [Fact]
    public void SaveThenLoad_RestoresParametersOptimizerScheduleAndRandomState()
    {
        string path = SaveTrainedRun("round-trip.safetensors", out Run saved);

        var restored = new Run(seed: 12345);
        Checkpoint.Load(path, restored.Parameters, restored.States);

        AssertBitwiseEqual(saved.Snapshot(), restored.Snapshot());
        Assert.Equal(3, restored.Optimizer.StepCount);
        Assert.Equal(3, restored.Schedule.Epoch);
        Assert.Equal(saved.Optimizer.Groups[0].LearningRate, restored.Optimizer.Groups[0].LearningRate);
        Assert.Equal(0.05, restored.Optimizer.Groups[0].LearningRate);

        // The moments and the random state came back too: both runs now continue identically.
        saved.Train(2);
        restored.Train(2);
        AssertBitwiseEqual(saved.Snapshot(), restored.Snapshot());
    }

    [Fact]
    public void SavedFile_IsPlainSafetensors()
    {
        string path = SaveTrainedRun("format.safetensors", out Run run);
        byte[] bytes = File.ReadAllBytes(path);

        // safetensors: u64 little-endian header length N, N bytes of JSON, then the raw data.
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength).TrimEnd(' '));
        JsonElement bias = header.RootElement.GetProperty("layer.bias");
        Assert.Equal("F32", bias.GetProperty("dtype").GetString());
        Assert.Equal([5L], bias.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal([3L, 5L], header.RootElement.GetProperty("layer.weight").GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        long[] offsets = bias.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        Assert.Equal(20, offsets[1] - offsets[0]);

        int dataStart = 8 + (int)headerLength;
        for (int i = 0; i < 5; i++)
        {
            float stored = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(dataStart + (int)offsets[0] + (4 * i)));
            Assert.Equal(run.Bias.Value.Span[i], stored);
        }

        JsonElement metadata = header.RootElement.GetProperty("__metadata__");
        Assert.Equal("pt", metadata.GetProperty("format").GetString());
        Assert.Equal("3", metadata.GetProperty("optimizer.step").GetString());
        Assert.StartsWith("sha256:", metadata.GetProperty("autodiff.checksum").GetString());
        Assert.True(header.RootElement.TryGetProperty("optimizer.layer.weight.exp_avg", out _));
        Assert.True(header.RootElement.TryGetProperty("optimizer.layer.bias.max_exp_avg_sq", out _));
    }

    [Fact]
    public void LoadParameters_ReadsAHandWrittenSafetensorsFileWithoutChecksum()
    {
        // Built from the format's description alone: {"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} + 1.5f, −2f.
        string json = "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        byte[] header = Encoding.UTF8.GetBytes(json);
        byte[] file = new byte[8 + header.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(8 + header.Length), 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(8 + header.Length + 4), -2f);
        string path = PathOf("foreign.safetensors");
        File.WriteAllBytes(path, file);

        ParameterSlot b = ParameterSlot.Create("b", 2);
        Checkpoint.LoadParameters(path, [b]);
        Assert.Equal([1.5f, -2f], b.Value.ToArray());

        // A full training load insists on the checksum.
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, [b]));
    }

    [Fact]
    public void LoadParameters_ConvertsF64F16AndBF16ToFloat32()
    {
        // Hand-built file: d (F64) = [0.1, 1 + 2^-24 + 2^-30], h (F16) = [1.5, -2], b (BF16 bits 0x3FC0, 0xC000) = [1.5, -2].
        // 1 + 2^-24 + 2^-30 lies just above the midpoint between the floats 1 and 1 + 2^-23, so rounding to nearest
        // gives 1 + 2^-23 (truncation would give 1).
        string json = "{\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}," +
            "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[16,20]}," +
            "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[20,24]}}";
        byte[] header = Encoding.UTF8.GetBytes(json);
        byte[] file = new byte[8 + header.Length + 24];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        Span<byte> data = file.AsSpan(8 + header.Length);
        BinaryPrimitives.WriteDoubleLittleEndian(data, 0.1);
        BinaryPrimitives.WriteDoubleLittleEndian(data[8..], 1 + Math.Pow(2, -24) + Math.Pow(2, -30));
        BinaryPrimitives.WriteHalfLittleEndian(data[16..], (Half)1.5f);
        BinaryPrimitives.WriteHalfLittleEndian(data[18..], (Half)(-2f));
        BinaryPrimitives.WriteUInt16LittleEndian(data[20..], 0x3FC0);
        BinaryPrimitives.WriteUInt16LittleEndian(data[22..], 0xC000);
        string path = PathOf("converted.safetensors");
        File.WriteAllBytes(path, file);

        ParameterSlot d = ParameterSlot.Create("d", 2), h = ParameterSlot.Create("h", 2), b = ParameterSlot.Create("b", 1, 2);
        Checkpoint.LoadParameters(path, [d, h, b]);

        Assert.Equal([0.1f, 1 + MathF.Pow(2, -23)], d.Value.ToArray());
        Assert.Equal([1.5f, -2f], h.Value.ToArray());
        Assert.Equal([1.5f, -2f], b.Value.ToArray());
    }

    public static TheoryData<string> Corruptions => ["data byte", "last data byte", "shape swapped", "metadata value", "header length", "header json"];

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Load_OfACorruptedFile_FailsAndChangesNothing(string corruption)
    {
        string path = SaveTrainedRun("corrupt.safetensors", out _);
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string header = Encoding.UTF8.GetString(bytes, 8, headerLength);

        switch (corruption)
        {
            case "data byte":
                bytes[8 + headerLength + 17] ^= 0x01;
                break;
            case "last data byte":
                bytes[^1] ^= 0x80;
                break;
            case "shape swapped":
                // Same element count, so only the checksum can tell.
                bytes = Replace(bytes, "\"layer.weight\":{\"dtype\":\"F32\",\"shape\":[3,5]", "\"layer.weight\":{\"dtype\":\"F32\",\"shape\":[5,3]");
                break;
            case "metadata value":
                Assert.Contains("\"optimizer.step\":\"3\"", header);
                bytes = Replace(bytes, "\"optimizer.step\":\"3\"", "\"optimizer.step\":\"4\"");
                break;
            case "header length":
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)headerLength + 8);
                break;
            default:
                bytes[8] = (byte)'[';
                break;
        }

        File.WriteAllBytes(path, bytes);
        Run target = SentinelRun();
        var exception = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, target.Parameters, target.States));
        Assert.Contains(path, exception.Message);
        AssertUntouched(target);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(100)]
    [InlineData(-4)]
    [InlineData(-1)]
    public void Load_OfATruncatedFile_FailsAndChangesNothing(int keep)
    {
        string path = SaveTrainedRun("truncated.safetensors", out _);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(keep >= 0 ? keep : bytes.Length + keep)]);

        Run target = SentinelRun();
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, target.Parameters, target.States));
        AssertUntouched(target);
    }

    [Fact]
    public void Load_WithTrailingBytes_Fails()
    {
        string path = SaveTrainedRun("trailing.safetensors", out _);
        File.AppendAllText(path, "junk");
        Run target = SentinelRun();
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, target.Parameters, target.States));
        AssertUntouched(target);
    }

    [Fact]
    public void Load_IntoAMismatchedModel_FailsBeforeWritingAnyParameter()
    {
        string path = SaveTrainedRun("mismatch.safetensors", out _);

        // The weight matches, the bias has another shape: the weight must not be loaded either.
        ParameterSlot weight = ParameterSlot.Create("layer.weight", 3, 5), bias = ParameterSlot.Create("layer.bias", 6);
        weight.Value.Span.Fill(42f);
        var exception = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, [weight, bias]));
        Assert.Contains("layer.bias", exception.Message);
        Assert.All(weight.Value.ToArray(), v => Assert.Equal(42f, v));

        // A missing tensor is refused the same way.
        ParameterSlot extra = ParameterSlot.Create("layer2.bias", 5);
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, [weight, extra]));
        Assert.All(weight.Value.ToArray(), v => Assert.Equal(42f, v));
    }

    [Fact]
    public void Load_OfAnotherOptimizersState_FailsAndChangesNothing()
    {
        string path = SaveTrainedRun("other-optimizer.safetensors", out _);
        Run target = SentinelRun();
        var sgd = new Sgd(target.Parameters, new SgdOptions { LearningRate = 0.5, Momentum = 0.9 });
        var exception = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, target.Parameters, sgd, target.Schedule));
        Assert.Contains("Adam", exception.Message);
        AssertUntouched(target);
        Assert.Equal(0.5, sgd.Groups[0].LearningRate);

        // A checkpoint of plain Adam lacks AMSGrad's max_exp_avg_sq: loading it into AMSGrad Adam is refused too.
        var plainRun = new Run(seed: 3);
        var plainAdam = new Adam(plainRun.Parameters, new AdamOptions { LearningRate = 0.1 });
        string plainPath = PathOf("plain-adam.safetensors");
        Checkpoint.Save(plainPath, plainRun.Parameters, plainAdam, plainRun.Schedule, plainRun.Random);
        exception = Assert.Throws<CheckpointException>(() => Checkpoint.Load(plainPath, target.Parameters, target.States));
        Assert.Contains("max_exp_avg_sq", exception.Message);
        AssertUntouched(target);
    }

    [Fact]
    public void Save_ReplacesAtomically_AndAFailedSaveKeepsTheOldFile()
    {
        string path = SaveTrainedRun("atomic.safetensors", out Run run);
        byte[] first = File.ReadAllBytes(path);

        run.Train(1);
        Checkpoint.Save(path, run.Parameters, run.States);
        Assert.NotEqual(first, File.ReadAllBytes(path));

        byte[] second = File.ReadAllBytes(path);
        ParameterSlot duplicate = ParameterSlot.Create("layer.bias", 5);
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, [run.Weight, run.Bias, duplicate], run.States));
        Assert.Equal(second, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_folder));
    }

    [Fact]
    public void Resume_FromAMidRunCheckpoint_IsBitIdenticalToAnUninterruptedRun()
    {
        const int Steps = 40;
        float[] uninterrupted = RegressionRun.Create(out RegressionRun a).TrainAndSnapshot(a, Steps);

        RegressionRun.Create(out RegressionRun firstHalf).TrainAndSnapshot(firstHalf, Steps / 2);
        string path = PathOf("resume.safetensors");
        Checkpoint.Save(path, firstHalf.Parameters, firstHalf.States);

        RegressionRun.Create(out RegressionRun resumed, seed: 1234);
        Checkpoint.Load(path, resumed.Parameters, resumed.States);
        float[] continued = resumed.TrainAndSnapshot(resumed, Steps / 2);

        AssertBitwiseEqual(uninterrupted, continued);
        Assert.Equal(Steps, resumed.Optimizer.StepCount);
    }

    private static byte[] Replace(byte[] bytes, string from, string to)
    {
        Assert.Equal(from.Length, to.Length);
        byte[] pattern = Encoding.UTF8.GetBytes(from);
        int at = bytes.AsSpan().IndexOf(pattern);
        Assert.True(at >= 0, $"'{from}' not found in the header");
        byte[] copy = (byte[])bytes.Clone();
        Encoding.UTF8.GetBytes(to).CopyTo(copy, at);
        return copy;
    }

    /// <summary>
    /// Minibatch linear regression y = x·w + b on 64 fixed samples, minibatches of 8 drawn with a checkpointed random
    /// generator, AdamW with a cosine schedule and gradient clipping — everything a resume has to restore.
    /// </summary>
    private sealed class RegressionRun
    {
        private const int Samples = 64, Features = 4, Batch = 8;
        private readonly float[] _x = new float[Samples * Features];
        private readonly float[] _y = new float[Samples];

        private RegressionRun(ulong seed)
        {
            var data = new TrainingRandom(2);
            for (int i = 0; i < _x.Length; i++)
            {
                _x[i] = (data.NextSingle() * 2) - 1;
            }

            for (int s = 0; s < Samples; s++)
            {
                _y[s] = (0.5f * _x[s * Features]) - (2f * _x[(s * Features) + 1]) + (_x[(s * Features) + 3] * 0.25f) + 1f;
            }

            Weight = ParameterSlot.Create("w", Features);
            Bias = ParameterSlot.Create("b", 1);
            Parameters = [Weight, Bias];
            Optimizer = new AdamW(Parameters, new AdamWOptions { LearningRate = 0.05 });
            Schedule = new CosineWithWarmupLearningRate(Optimizer, warmupSteps: 5, totalSteps: 40);
            Random = new TrainingRandom(seed, "sampler");
        }

        public ParameterSlot Weight { get; }

        public ParameterSlot Bias { get; }

        public IReadOnlyList<ParameterSlot> Parameters { get; }

        public AdamW Optimizer { get; }

        public CosineWithWarmupLearningRate Schedule { get; }

        public TrainingRandom Random { get; }

        public ICheckpointState[] States => [Optimizer, Schedule, Random];

        public static RegressionRun Create(out RegressionRun run, ulong seed = 5) => run = new RegressionRun(seed);

        public float[] TrainAndSnapshot(RegressionRun run, int steps)
        {
            for (int step = 0; step < steps; step++)
            {
                Span<float> gw = Weight.Gradient.Span, gb = Bias.Gradient.Span;
                gw.Clear();
                gb.Clear();
                for (int k = 0; k < Batch; k++)
                {
                    int s = Random.NextInt32(Samples);
                    float prediction = Bias.Value.Span[0];
                    for (int f = 0; f < Features; f++)
                    {
                        prediction += Weight.Value.Span[f] * _x[(s * Features) + f];
                    }

                    float residual = (prediction - _y[s]) * (2f / Batch);
                    gb[0] += residual;
                    for (int f = 0; f < Features; f++)
                    {
                        gw[f] += residual * _x[(s * Features) + f];
                    }
                }

                GradientClipping.ClipByGlobalNorm(Parameters, 1.0);
                Optimizer.Step();
                Schedule.Step();
            }

            return [.. Weight.Value.ToArray(), .. Bias.Value.ToArray(), (float)Optimizer.Groups[0].LearningRate];
        }
    }
}
