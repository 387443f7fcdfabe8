using System.Numerics.Tensors;
using AutoDiff.CompilerServices;
using AutoDiff.Kernels;

namespace AutoDiff;

// Convolution, pooling and flattening for image models (NCHW), with their registered pullbacks.
public static partial class TensorOps
{
    /// <summary>2-D convolution (cross-correlation) of an [N, C, H, W] input with [K, C, R, S] filters plus a [K] bias.</summary>
    /// <param name="x">The input, [N, C, H, W].</param>
    /// <param name="weight">The filters, [K, C, R, S].</param>
    /// <param name="bias">The bias, [K].</param>
    /// <param name="stride">The step between output positions.</param>
    /// <param name="padding">Zero rows and columns added on each side.</param>
    /// <returns>The output, [N, K, OH, OW].</returns>
    public static Tensor Conv2D(Tensor x, Tensor weight, Tensor bias, int stride = 1, int padding = 0)
    {
        Conv2DGeometry g = Geometry("Conv2D", x, weight, bias, stride, padding);
        Tensor result = TensorArena.RentOrAllocate(new Shape(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth));
        Tensor workspace = TensorArena.RentOrAllocate(new Shape(g.WorkspaceLength));
        Convolution.Conv2D(g, x.ReadOnlySpan, weight.ReadOnlySpan, bias.ReadOnlySpan, result.Span, workspace.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="Conv2D"/>: the transposed convolution to the input, and the filter and bias gradients.</summary>
    /// <param name="x">The input.</param>
    /// <param name="weight">The filters.</param>
    /// <param name="bias">The bias.</param>
    /// <param name="stride">The stride.</param>
    /// <param name="padding">The padding.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    /// <param name="weightGradient">Accumulates ∂loss/∂weight, or null.</param>
    /// <param name="biasGradient">Accumulates ∂loss/∂bias, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Conv2D))]
    public static void Conv2DPullback(Tensor x, Tensor weight, Tensor bias, int stride, int padding, Tensor result, Tensor resultGradient, Tensor? xGradient, Tensor? weightGradient, Tensor? biasGradient)
    {
        Conv2DGeometry g = Geometry("Conv2DPullback", x, weight, bias, stride, padding);
        Tensor workspace = TensorArena.RentOrAllocate(new Shape(g.WorkspaceLength));
        // The kernels overwrite their outputs: a gradient holding pending zeros receives them directly, any other
        // through a scratch tensor that is then added.
        if (xGradient is not null)
        {
            Tensor dx = GradientTarget(xGradient);
            Convolution.Conv2DBackwardInput(g, weight.ReadOnlySpan, resultGradient.ReadOnlySpan, dx.Span, workspace.Span);
            FinishGradient(xGradient, dx);
        }

        if (weightGradient is not null || biasGradient is not null)
        {
            Tensor dw = weightGradient is not null ? GradientTarget(weightGradient) : TensorArena.RentOrAllocate(weight.Shape);
            Tensor db = biasGradient is not null ? GradientTarget(biasGradient) : TensorArena.RentOrAllocate(bias.Shape);
            Convolution.Conv2DBackwardWeights(g, x.ReadOnlySpan, resultGradient.ReadOnlySpan, dw.Span, db.Span, workspace.Span);
            if (weightGradient is not null)
            {
                FinishGradient(weightGradient, dw);
            }

            if (biasGradient is not null)
            {
                FinishGradient(biasGradient, db);
            }
        }
    }

    /// <summary>Max pooling over size × size windows with stride equal to the size, on [N, C, H, W].</summary>
    /// <param name="x">The input.</param>
    /// <param name="size">The window size (and stride).</param>
    /// <returns>The pooled tensor, [N, C, H / size, W / size] (a partial edge window is dropped).</returns>
    public static Tensor MaxPool2D(Tensor x, int size)
    {
        Pool2DGeometry g = PoolGeometry("MaxPool2D", x, size);
        Tensor result = TensorArena.RentOrAllocate(new Shape(g.Batch, g.Channels, g.OutHeight, g.OutWidth));
        int[] winners = TensorArena.RentIndicesOrAllocate(g.OutputLength);
        Pooling.MaxPool2D<float>(g, x.ReadOnlySpan, result.Span, winners.AsSpan(0, g.OutputLength));
        return result;
    }

    /// <summary>
    /// The recording forward of <see cref="MaxPool2D"/> for generated gradients: computes the pooling and leaves the
    /// winning input of every window on <see cref="Tape{T}.Shared"/> for <see cref="MaxPool2DPullback"/>, which then
    /// scatters the gradient without pooling again.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="size">The window size (and stride).</param>
    /// <returns>The pooled tensor.</returns>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static Tensor MaxPool2DForward(Tensor x, int size)
    {
        Pool2DGeometry g = PoolGeometry("MaxPool2D", x, size);
        Tensor result = TensorArena.RentOrAllocate(new Shape(g.Batch, g.Channels, g.OutHeight, g.OutWidth));
        int[] winners = TensorArena.RentIndicesOrAllocate(g.OutputLength);
        Pooling.MaxPool2D<float>(g, x.ReadOnlySpan, result.Span, winners.AsSpan(0, g.OutputLength));
        Tape<int[]>.Shared.Push(winners);
        Tape<Tensor>.Shared.Push(result);
        return result;
    }

    /// <summary>
    /// Pullback of <see cref="MaxPool2D"/>: each output's gradient goes to the input that won its window. After
    /// <see cref="MaxPool2DForward"/> it pops the winners that call recorded; otherwise it pools again to find them.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="size">The window size.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result, or null when the result reached nothing.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(MaxPool2D), Forward = nameof(MaxPool2DForward))]
    public static void MaxPool2DPullback(Tensor x, int size, Tensor result, Tensor? resultGradient, Tensor? xGradient)
    {
        Pool2DGeometry g = PoolGeometry("MaxPool2DPullback", x, size);
        int[]? winners = null;
        Tape<Tensor> recorded = Tape<Tensor>.Shared;
        if (recorded.Count > 0 && ReferenceEquals(recorded.Peek(), result))
        {
            recorded.Pop();
            winners = Tape<int[]>.Shared.Pop();
        }

        if (xGradient is null || resultGradient is null)
        {
            return;
        }

        if (winners is null)
        {
            Tensor scratch = TensorArena.RentOrAllocate(result.Shape);
            winners = TensorArena.RentIndicesOrAllocate(g.OutputLength);
            Pooling.MaxPool2D<float>(g, x.ReadOnlySpan, scratch.Span, winners.AsSpan(0, g.OutputLength));
        }

        // Scatter straight into the gradient: one pass over the (small) output instead of two over the input.
        Pooling.ScatterAdd<float>(g, resultGradient.ReadOnlySpan, winners.AsSpan(0, g.OutputLength), xGradient.Span);
    }

    /// <summary>Average pooling over size × size windows with stride equal to the size, on [N, C, H, W].</summary>
    /// <param name="x">The input.</param>
    /// <param name="size">The window size (and stride).</param>
    /// <returns>The pooled tensor.</returns>
    public static Tensor AvgPool2D(Tensor x, int size)
    {
        Pool2DGeometry g = PoolGeometry("AvgPool2D", x, size);
        Tensor result = TensorArena.RentOrAllocate(new Shape(g.Batch, g.Channels, g.OutHeight, g.OutWidth));
        Pooling.AvgPool2D<float>(g, x.ReadOnlySpan, result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="AvgPool2D"/>: each output's gradient is shared equally by its window.</summary>
    /// <param name="x">The input.</param>
    /// <param name="size">The window size.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(AvgPool2D))]
    public static void AvgPool2DPullback(Tensor x, int size, Tensor result, Tensor resultGradient, Tensor? xGradient)
    {
        if (xGradient is null)
        {
            return;
        }

        Pool2DGeometry g = PoolGeometry("AvgPool2DPullback", x, size);
        Tensor dx = GradientTarget(xGradient);
        Pooling.AvgPool2DBackward<float>(g, resultGradient.ReadOnlySpan, dx.Span);
        FinishGradient(xGradient, dx);
    }

    /// <summary>Flattens [N, …] to [N, rest] (a copy from the workspace, so no view object is allocated per step).</summary>
    /// <param name="x">The input, rank 2 to 4.</param>
    /// <returns>The [N, rest] tensor.</returns>
    public static Tensor Flatten(Tensor x)
    {
        int rows = x.Dim(0);
        Tensor result = TensorArena.RentOrAllocate(new Shape(rows, rows == 0 ? 0 : x.Length / rows));
        x.ReadOnlySpan.CopyTo(result.Span);
        return result;
    }

    /// <summary>Pullback of <see cref="Flatten"/>: the gradient, reshaped back.</summary>
    /// <param name="x">The input.</param>
    /// <param name="result">The forward result.</param>
    /// <param name="resultGradient">∂loss/∂result.</param>
    /// <param name="xGradient">Accumulates ∂loss/∂x, or null.</param>
    [DerivativeOf(typeof(TensorOps), nameof(Flatten))]
    public static void FlattenPullback(Tensor x, Tensor result, Tensor resultGradient, Tensor? xGradient)
    {
        if (xGradient is not null)
        {
            AddInto(xGradient, resultGradient);
        }
    }

    private static Conv2DGeometry Geometry(string operation, Tensor x, Tensor weight, Tensor bias, int stride, int padding)
    {
        if (x.Rank != 4 || weight.Rank != 4 || bias.Rank != 1 || x.Dim(1) != weight.Dim(1) || bias.Dim(0) != weight.Dim(0))
        {
            throw new ArgumentException($"{operation}: input {x.Shape}, filters {weight.Shape} and bias {bias.Shape} do not fit; expected [N, C, H, W], [K, C, R, S] and [K].");
        }

        return new Conv2DGeometry(x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3), weight.Dim(0), weight.Dim(2), weight.Dim(3), stride, padding);
    }

    private static Pool2DGeometry PoolGeometry(string operation, Tensor x, int size)
    {
        if (x.Rank != 4)
        {
            throw new ArgumentException($"{operation}: expected an [N, C, H, W] input, got {x.Shape}.");
        }

        return new Pool2DGeometry(x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3), size, size);
    }
}
