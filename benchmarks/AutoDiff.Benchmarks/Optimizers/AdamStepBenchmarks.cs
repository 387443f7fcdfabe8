using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AutoDiff.Optimizers;
using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks.Optimizers;

/// <summary>
/// One Adam step over N float parameters, as one tensor and as 100 tensors, against plain copies over the same
/// working set. Adam touches 4 arrays of N floats (16 bytes per parameter) and moves 28 bytes per parameter
/// (reads θ, g, m, v; writes θ, m, v). The copies move 2N floats into 2N floats: the same 16-byte-per-parameter
/// working set, 16 bytes of traffic per parameter. N = 1 Mi fits this machine's 32 MiB L3; N = 16 Mi (256 MiB)
/// runs from DRAM.
/// </summary>
/// <remarks>Throughput = bytes moved / mean time: 28·N bytes for the Adam rows, 16·N for the copy rows.</remarks>
[MemoryDiagnoser]
public class AdamStepBenchmarks
{
    private Adam _single = null!;
    private Adam _hundred = null!;
    private AdamW _singleW = null!;
    private float[] _copySource = null!;
    private float[] _copyDestination = null!;

    [Params(1 << 20, 1 << 24)]
    public int Parameters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2);
        ParameterSlot Fill(ParameterSlot slot)
        {
            Span<float> value = slot.Value.Span, gradient = slot.Gradient.Span;
            for (int i = 0; i < value.Length; i++)
            {
                value[i] = (float)(random.NextDouble() - 0.5);
                gradient[i] = (float)(random.NextDouble() - 0.5) * 1e-2f;
            }

            return slot;
        }

        _single = new Adam([Fill(ParameterSlot.Create("w", Parameters))], new AdamOptions());
        _singleW = new AdamW([Fill(ParameterSlot.Create("w", Parameters))], new AdamWOptions());

        // 100 tensors whose lengths add up to N, as in a model with many smaller layers.
        var slots = new ParameterSlot[100];
        for (int i = 0; i < slots.Length; i++)
        {
            int length = (Parameters / 100) + (i < Parameters % 100 ? 1 : 0);
            slots[i] = Fill(ParameterSlot.Create($"layer{i}", length));
        }

        _hundred = new Adam(slots, new AdamOptions());
        _copySource = new float[2 * Parameters];
        _copyDestination = new float[2 * Parameters];
        _copySource.AsSpan().Fill(1f);
    }

    [Benchmark(Baseline = true, Description = "copy 2N floats (Span.CopyTo)")]
    public void Copy() => _copySource.AsSpan().CopyTo(_copyDestination);

    [Benchmark(Description = "copy 2N floats (Vector256 loop)")]
    public void CopyVectorLoop()
    {
        ref float source = ref MemoryMarshal.GetArrayDataReference(_copySource);
        ref float destination = ref MemoryMarshal.GetArrayDataReference(_copyDestination);
        nuint length = (nuint)_copySource.Length;
        for (nuint i = 0; i < length; i += (nuint)Vector256<float>.Count)
        {
            Vector256.LoadUnsafe(ref source, i).StoreUnsafe(ref destination, i);
        }
    }

    [Benchmark(Description = "Adam, 1 tensor")]
    public void AdamSingleTensor() => _single.Step();

    [Benchmark(Description = "Adam, 100 tensors")]
    public void AdamHundredTensors() => _hundred.Step();

    [Benchmark(Description = "AdamW, 1 tensor")]
    public void AdamWSingleTensor() => _singleW.Step();
}
