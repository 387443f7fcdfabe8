using Xunit;
using S = AutoDiff.Tests.Gradients.ScratchFunctions;

namespace AutoDiff.Tests.Gradients;

/// <summary>
/// Loops with per-iteration scratch arrays against finite differences, for lengths from 0 (no row: the loops do not
/// run) up to several rows and partial rows; <see cref="Check"/> fills the gradient outputs with NaN first.
/// </summary>
public sealed class ScratchGradientTests
{
    private static readonly int[] Lengths = { 0, 1, 2, 3, 5, 6, 9, 13 };

    [Fact]
    public void Gradient_OfRecurrenceOverRows_MatchesFiniteDifferences() =>
        Check.Array(1201, S.RecurrenceOverRows, S.RecurrenceOverRowsGradient, Lengths);

    [Fact]
    public void Gradient_OfMixtureOfRows_MatchesFiniteDifferences() =>
        Check.Array(1202, S.MixtureOfRows, S.MixtureOfRowsGradient, Lengths);

    [Fact]
    public void Gradient_OfNestedRecurrence_MatchesFiniteDifferences() =>
        Check.Array(1203, S.NestedRecurrence, S.NestedRecurrenceGradient, Lengths);

    [Fact]
    public void Gradient_OfSteppedLoopWithBreak_MatchesFiniteDifferences() =>
        Check.Array(1204, S.SteppedWithBreak, S.SteppedWithBreakGradient, Lengths);

    [Fact]
    public void Gradient_OfOffsetRows_MatchesFiniteDifferences() =>
        Check.Array(1205, S.OffsetRows, S.OffsetRowsGradient, Lengths);

    [Fact]
    public void Gradient_OfManyArrayRows_MatchesFiniteDifferences() =>
        Check.Array(1206, S.ManyArrayRows, S.ManyArrayRowsGradient, Lengths);

    [Fact]
    public void Gradient_OfFloatRecurrenceOverRows_MatchesFiniteDifferencesAndDoubleTwin()
    {
        var s = new Sampler(1207);
        foreach (int n in Lengths)
        {
            float[] x = s.ArrayF(n, -1.5, 1.5);
            float[] g = Enumerable.Repeat(float.NaN, n).ToArray();
            float value = S.RecurrenceOverRowsFGradient(x, g);
            Assert.Equal(S.RecurrenceOverRowsF(x), value);
            FiniteDifference.AssertGradientF(p => S.RecurrenceOverRowsF(p), x, g);
            FiniteDifference.AssertGradientAgainstTwin(p => S.RecurrenceOverRows(p), x, g);
        }
    }

    [Fact]
    public void Gradient_OfRecurrenceWithBreak_MatchesFiniteDifferences() =>
        Check.Array(1208, S.RecurrenceWithBreak, S.RecurrenceWithBreakGradient, Lengths, lo: -2, hi: 2);

    [Fact]
    public void Gradient_OfTriangleWithCounters_MatchesFiniteDifferences() =>
        Check.Array(1209, S.TriangleCounter, S.TriangleCounterGradient, Lengths);
}
