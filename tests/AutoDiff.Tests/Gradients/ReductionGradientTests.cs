using Xunit;
using R = AutoDiff.Tests.Gradients.ReductionFunctions;

namespace AutoDiff.Tests.Gradients;

/// <summary>Reduction loops in every shape the preaccumulation must get right (or leave to the tape).</summary>
public sealed class ReductionGradientTests
{
    [Fact]
    public void Gradient_OfRunningSumReadInsideTheLoop_MatchesFiniteDifferences() =>
        Check.Array(601, R.RunningSumReadInLoop, R.RunningSumReadInLoopGradient);

    [Fact]
    public void Gradient_OfRunningSumReadBeforeItsUpdate_MatchesFiniteDifferences() =>
        Check.Array(602, R.ReductionReadBeforeUpdate, R.ReductionReadBeforeUpdateGradient);

    [Fact]
    public void Gradient_OfReductionTestedInTheLoopCondition_MatchesFiniteDifferences() =>
        Check.Array(603, R.ReductionInCondition, R.ReductionInConditionGradient, lo: -2, hi: 2);

    [Fact]
    public void Gradient_OfConditionalReduction_MatchesFiniteDifferences() =>
        Check.ArrayScalar(604, R.ConditionalReduction, R.ConditionalReductionGradient);

    [Fact]
    public void Gradient_OfReductionWhoseFactorChangesEachIteration_MatchesFiniteDifferences() =>
        Check.ArrayScalar(605, R.ReductionWithChangingFactor, R.ReductionWithChangingFactorGradient);

    [Fact]
    public void Gradient_OfReductionsWrittenAsPlainAssignment_MatchesFiniteDifferences() =>
        Check.ArrayScalar(606, R.PlainFormReductions, R.PlainFormReductionsGradient);

    [Fact]
    public void Gradient_OfProductReduction_MatchesFiniteDifferences() =>
        Check.Array(607, R.ProductReduction, R.ProductReductionGradient);

    [Fact]
    public void Gradient_OfReductionWithEarlyReturn_MatchesFiniteDifferences() =>
        Check.ArrayScalar(608, R.ReductionWithEarlyReturn, R.ReductionWithEarlyReturnGradient, clo: 0.5, chi: 6);

    [Fact]
    public void Gradient_OfReductionOfDifferentiableCalls_MatchesFiniteDifferences() =>
        Check.ArrayScalar(609, R.ReductionOfCalls, R.ReductionOfCallsGradient);

    [Fact]
    public void Gradient_OfReductionAlsoWritingALocalArray_MatchesFiniteDifferences() =>
        Check.Array(610, R.ReductionAndElementWrite, R.ReductionAndElementWriteGradient);

    [Fact]
    public void Gradient_OfTwoReductionLoopsIntoTheSameVariable_MatchesFiniteDifferences() =>
        Check.ArrayScalar(611, R.TwoReductionsSameVariableDifferentLoops, R.TwoReductionsSameVariableDifferentLoopsGradient);

    [Fact]
    public void Gradient_OfReductionSkippingIterationsWithContinue_MatchesFiniteDifferences() =>
        Check.ArrayScalar(612, R.ReductionWithContinue, R.ReductionWithContinueGradient);

    [Fact]
    public void Gradient_OfReductionOfLoopLocalsThenParameterOverwrite_MatchesFiniteDifferences() =>
        Check.ArrayScalar(613, R.ReductionUsingLoopLocalsAndParameterOverwrite, R.ReductionUsingLoopLocalsAndParameterOverwriteGradient);

    [Fact]
    public void Gradient_OfWhileLoopReduction_MatchesFiniteDifferences() =>
        Check.Array(614, R.WhileReduction, R.WhileReductionGradient);

    [Fact]
    public void Gradient_OfReductionRescaledInsideAnIf_MatchesFiniteDifferences() =>
        Check.ArrayScalar(615, R.ReductionDividedAndAssignedInIf, R.ReductionDividedAndAssignedInIfGradient);

    [Fact]
    public void Gradient_OfReductionIntoLocalArrayElements_MatchesFiniteDifferences() =>
        Check.ArrayScalar(616, R.ReductionIntoElement, R.ReductionIntoElementGradient);

    [Fact]
    public void Gradient_OfReductionIntoAnElementOfTheParameter_MatchesFiniteDifferences() =>
        Check.ArrayScalar(617, R.ReductionIntoParameterElement, R.ReductionIntoParameterElementGradient);

    [Fact]
    public void Gradient_OfLongReduction_GrowsTheTapeAndStaysCorrect() =>
        Check.ArrayScalar(618, R.ReductionWithChangingFactor, R.ReductionWithChangingFactorGradient, lengths: new[] { 300 }, lo: -0.1, hi: 0.1, clo: -0.5, chi: 0.5);

    [Fact]
    public void Gradient_OfRunningMaximum_MatchesFiniteDifferences() =>
        Check.Array(619, R.RunningMax, R.RunningMaxGradient, lengths: new[] { 1, 2, 3, 5, 8 });

    [Fact]
    public void Gradient_OfReductionOfATernary_MatchesFiniteDifferences() =>
        Check.ArrayScalar(620, R.TernaryReduction, R.TernaryReductionGradient);

    [Fact]
    public void Gradient_OfDecayedRunningMaximum_MatchesFiniteDifferences() =>
        Check.Array(621, R.DecayedMax, R.DecayedMaxGradient);

    [Fact]
    public void Gradient_OfReductionWithAScratchArrayOverwrittenEachIteration_MatchesFiniteDifferences() =>
        Check.Array(622, R.ScratchPerIteration, R.ScratchPerIterationGradient, lengths: new[] { 1, 3, 4, 7 });

    [Fact]
    public void Gradient_OfReductionWhoseArrayCarriesValuesAcrossIterations_MatchesFiniteDifferences() =>
        Check.Array(623, R.ScratchCarriedAcrossIterations, R.ScratchCarriedAcrossIterationsGradient, lengths: new[] { 1, 3, 4, 7 });

    [Fact]
    public void Gradient_OfReductionWhoseArrayIsOnlyPartlyOverwritten_MatchesFiniteDifferences() =>
        Check.Array(624, R.ScratchPartlyOverwritten, R.ScratchPartlyOverwrittenGradient);

    [Fact]
    public void Gradient_OfInnerLoopWithCounterAndElementPastTheEndWhenEmpty_MatchesFiniteDifferences() =>
        Check.Array(625, R.CounterAndElementAroundEmptyInnerLoop, R.CounterAndElementAroundEmptyInnerLoopGradient, lengths: new[] { 1, 2, 5 });

    [Fact]
    public void Gradient_OfReductionWhoseArrayASideEffectReadsAfterTheLoop_MatchesAndReproducesTheSideEffect()
    {
        Check.Array(626, R.ScratchReadBySideEffectAfterLoop, R.ScratchReadBySideEffectAfterLoopGradient, lengths: new[] { 2, 3, 6 });
        double[] x = { 0.5, -1.25, 2.0, 0.75 };
        R.ScratchReadBySideEffectAfterLoop(x);
        long fromFunction = R.LastRecorded;
        R.ScratchReadBySideEffectAfterLoopGradient(x, new double[x.Length]);
        Assert.Equal(fromFunction, R.LastRecorded);
    }

    [Fact]
    public void Gradient_OfNorm_MatchesFiniteDifferences() =>
        Check.Array(627, R.Norm, R.NormGradient);

    [Fact]
    public void Gradient_OfReductionWhoseInputIsReadAfterTheLoop_MatchesFiniteDifferences() =>
        Check.Array(628, R.LogSumPlusFirst, R.LogSumPlusFirstGradient);

    [Fact]
    public void Gradient_OfTwoReductionsOfOneInput_MatchesFiniteDifferences() =>
        Check.Array(629, R.TwoReductionsOfOneInput, R.TwoReductionsOfOneInputGradient);

    [Fact]
    public void Gradient_OfFloatReductionOfAnInputReadBeforeIt_MatchesFiniteDifferences()
    {
        var s = new Sampler(630);
        foreach (int n in new[] { 0, 1, 2, 5, 9 })
        {
            float[] x = s.ArrayF(n, -1.5, 1.5);
            float[] g = Enumerable.Repeat(float.NaN, n).ToArray();
            Assert.Equal(R.ScaledMeanF(x), R.ScaledMeanFGradient(x, g));
            FiniteDifference.AssertGradientF(p => R.ScaledMeanF(p), x, g);
        }
    }

    [Fact]
    public void Gradient_OfReturnedReductionAfterAnother_MatchesFiniteDifferences() =>
        Check.Array(631, R.ReturnedReductionAfterAnother, R.ReturnedReductionAfterAnotherGradient);

    [Fact]
    public void Gradient_OfTwoUpdatesPerIteration_ReturnsTheFunctionsValueExactly() =>
        Check.Array(632, R.TwoUpdatesPerIteration, R.TwoUpdatesPerIterationGradient, lengths: new[] { 0, 1, 7, 64, 257 });

    [Fact]
    public void Gradient_OfTemporaryReusedAfterAReduction_MatchesFiniteDifferences() =>
        Check.ArrayScalar(633, R.TemporaryReusedAfterReduction, R.TemporaryReusedAfterReductionGradient,
            lengths: new[] { 0, 1, 5, 42, 43, 44, 200 }); // three doubles a row: 42 rows fit on the stack, 43 go on a tape

    [Fact]
    public void Gradient_OfSharedFactorResults_MatchesFiniteDifferences() =>
        Check.ArrayScalar(634, R.SharedFactorResults, R.SharedFactorResultsGradient);

    [Fact]
    public void Gradient_OfResultsKeptInTheirVariables_MatchesFiniteDifferences() =>
        Check.ArrayScalar(635, R.ResultsKeptInTheirVariables, R.ResultsKeptInTheirVariablesGradient, lengths: new[] { 0, 1, 2, 3, 5, 8, 13 });

    [Fact]
    public void Gradient_OfGatedRecurrence_MatchesFiniteDifferences() =>
        Check.ArrayScalar(636, R.GatedRecurrence, R.GatedRecurrenceGradient, lengths: new[] { 0, 1, 2, 3, 5, 8, 13 });

    [Fact]
    public void Gradient_OfGatedRecurrenceF_MatchesFiniteDifferencesAndDoubleTwin()
    {
        var s = new Sampler(637);
        foreach (int n in new[] { 0, 1, 2, 5, 9 })
        {
            float[] x = s.ArrayF(n, -1.5, 1.5);
            float c = s.NextF(-1.5, 1.5);
            float[] g = Enumerable.Repeat(float.NaN, n).ToArray();
            Assert.Equal(R.GatedRecurrenceF(x, c), R.GatedRecurrenceFGradient(x, c, g, out float dc));
            float[] all = x.Append(c).ToArray();
            float[] gradient = g.Append(dc).ToArray();
            FiniteDifference.AssertGradientF(p => R.GatedRecurrenceF(p[..n], p[n]), all, gradient);
            FiniteDifference.AssertGradientAgainstTwin(p => R.GatedRecurrence(p[..n], p[n]), all, gradient);
        }
    }
}
