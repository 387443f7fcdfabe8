using AutoDiff.Optimizers;
using CsCheck;
using Xunit;

namespace AutoDiff.Runtime.Tests.Optimizers;

/// <summary>
/// The kernels promise that an element's update does not depend on whether it falls in the 8-wide vector body or the
/// scalar tail. Checked bitwise: a tensor of n elements (vector body plus tail) against n one-element tensors (tail
/// only), for random lengths, values and configurations.
/// </summary>
public class VectorTailEquivalenceTests
{
    private static readonly Func<IReadOnlyList<ParameterSlot>, Optimizer>[] s_configurations =
    [
        p => new Sgd(p, new SgdOptions { LearningRate = 0.1, WeightDecay = 0.01 }),
        p => new Sgd(p, new SgdOptions { LearningRate = 0.1, Momentum = 0.9, Dampening = 0.1 }),
        p => new Sgd(p, new SgdOptions { LearningRate = 0.1, Momentum = 0.9, Nesterov = true, WeightDecay = 0.01 }),
        p => new AdaGrad(p, new AdaGradOptions { LearningRate = 0.1, LearningRateDecay = 0.01, WeightDecay = 0.01, InitialAccumulatorValue = 0.1 }),
        p => new RmsProp(p, new RmsPropOptions { LearningRate = 0.01, WeightDecay = 0.01 }),
        p => new RmsProp(p, new RmsPropOptions { LearningRate = 0.01, Centered = true, Momentum = 0.9, Alpha = 0.4 }),
        p => new Adam(p, new AdamOptions { LearningRate = 0.01, WeightDecay = 0.01, AmsGrad = true }),
        p => new Adam(p, new AdamOptions { LearningRate = 0.01, Beta1 = 0.3 }),
        p => new AdamW(p, new AdamWOptions { LearningRate = 0.01, AmsGrad = true }),
    ];

    [Fact]
    public void VectorBodyAndScalarTail_GiveBitwiseEqualUpdates()
    {
        Gen<(int Length, int Seed, int Configuration)> cases =
            from length in Gen.Int[1, 40]
            from seed in Gen.Int[0, 1_000_000]
            from configuration in Gen.Int[0, s_configurations.Length - 1]
            select (length, seed, configuration);

        cases.Sample(c =>
        {
            var random = new Random(c.Seed);
            ParameterSlot whole = ParameterSlot.Create("whole", c.Length);
            ParameterSlot[] pieces = Enumerable.Range(0, c.Length).Select(i => ParameterSlot.Create($"p{i}", 1)).ToArray();
            for (int i = 0; i < c.Length; i++)
            {
                whole.Value.Span[i] = pieces[i].Value.Span[0] = (float)((random.NextDouble() * 4) - 2);
            }

            Optimizer wholeOptimizer = s_configurations[c.Configuration]([whole]);
            Optimizer pieceOptimizer = s_configurations[c.Configuration](pieces);
            for (int step = 0; step < 3; step++)
            {
                for (int i = 0; i < c.Length; i++)
                {
                    whole.Gradient.Span[i] = pieces[i].Gradient.Span[0] = (float)((random.NextDouble() * 2) - 1);
                }

                wholeOptimizer.Step();
                pieceOptimizer.Step();
            }

            for (int i = 0; i < c.Length; i++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(pieces[i].Value.Span[0]), BitConverter.SingleToInt32Bits(whole.Value.Span[i]));
            }
        }, iter: 300);
    }
}
