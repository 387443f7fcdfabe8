using System.Runtime.CompilerServices;
using Xunit;

namespace AutoDiff.Tests.Models;

public sealed partial class AnomalyModel
{
    [Parameter] public Tensor W1 = Tensor.Normal(new Shape(4, 5), 0f, 0.5f, seed: 1);
    [Parameter] public Tensor W2 = Tensor.Normal(new Shape(5, 3), 0f, 0.5f, seed: 2);

    [Differentiable]
    public float Loss(Tensor x, [NoDerivative] int[] labels)
    {
        Tensor h = TensorOps.Tanh(x);
        Tensor z = TensorOps.MatMul(h, W1); // ANOMALY: the NaN in W1 first shows here
        return TensorOps.SoftmaxCrossEntropy(TensorOps.MatMul(z, W2), labels);
    }
}

/// <summary>Anomaly mode names the operation and the source line where a NaN first appears.</summary>
public sealed class AnomalyTests
{
    [Fact]
    public void InjectedNaN_IsReportedAtTheOperationAndLineThatProducedIt()
    {
        var model = new AnomalyModel();
        Tensor x = Tensor.Normal(new Shape(2, 4), 0f, 1f, seed: 3);
        int[] labels = { 0, 2 };
        model.W1.Span[7] = float.NaN;

        // Off: no check, the NaN just flows into the loss.
        Assert.True(float.IsNaN(model.LossGradient(x, labels)));

        AnomalyDetection.IsEnabled = true;
        try
        {
            AnomalyException anomaly = Assert.Throws<AnomalyException>(() => model.LossGradient(x, labels));

            Assert.Equal("TensorOps.MatMul", anomaly.Operation);
            Assert.Equal("AnomalyTests.cs", anomaly.File);
            Assert.Equal(LineOf("// ANOMALY"), anomaly.Line);
            Assert.Contains("NaN", anomaly.Message, StringComparison.Ordinal);
        }
        finally
        {
            AnomalyDetection.IsEnabled = false;
        }
    }

    [Fact]
    public void AnomalyMode_PassesACleanStep()
    {
        var model = new AnomalyModel();
        Tensor x = Tensor.Normal(new Shape(2, 4), 0f, 1f, seed: 3);
        AnomalyDetection.IsEnabled = true;
        try
        {
            Assert.True(float.IsFinite(model.LossGradient(x, new[] { 1, 0 })));
        }
        finally
        {
            AnomalyDetection.IsEnabled = false;
        }
    }

    private static int LineOf(string marker, [CallerFilePath] string file = "") =>
        Array.FindIndex(File.ReadAllLines(file), l => l.Contains(marker, StringComparison.Ordinal) && !l.Contains("LineOf", StringComparison.Ordinal)) + 1;
}
