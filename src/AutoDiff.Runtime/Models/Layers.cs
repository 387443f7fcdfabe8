namespace AutoDiff;

/// <summary>
/// Layers for <see cref="DifferentiableAttribute"/> model code, written as <c>[Differentiable]</c> C# on
/// <see cref="TensorOps"/> exactly as a user would write their own: the generator gives each a recording forward and
/// a pullback (<c>DenseForward</c>/<c>DenseReverse</c>, …) that a model's generated gradient calls, so a layer costs
/// what its operations cost. The image layers (<see cref="Conv2D"/>, pooling, <see cref="Flatten"/>) and
/// <see cref="Residual"/> are single operations, here so that a model reads as a list of layers.
/// </summary>
/// <example>
/// <code>
/// [Differentiable]
/// public float Loss(Tensor x, [NoDerivative] int[] labels)
/// {
///     Tensor h = TensorOps.Relu(Layers.Dense(x, W1, B1));
///     h = Layers.Dropout(h, 0.2f, Training, Step);
///     return TensorOps.SoftmaxCrossEntropy(Layers.Dense(h, W2, B2), labels);
/// }
/// </code>
/// </example>
public static partial class Layers
{
    /// <summary>A fully connected layer without activation: <c>x · weights + bias</c>.</summary>
    /// <param name="x">The [batch, in] input.</param>
    /// <param name="weights">The [in, out] weights.</param>
    /// <param name="bias">The [out] bias.</param>
    /// <returns>The [batch, out] output.</returns>
    [Differentiable]
    public static Tensor Dense(Tensor x, Tensor weights, Tensor bias) => TensorOps.AddBias(TensorOps.MatMul(x, weights), bias);

    /// <summary>A 2-D convolution layer (NCHW): [N, C, H, W] input, [K, C, R, S] filters, [K] bias.</summary>
    /// <param name="x">The input.</param>
    /// <param name="filters">The filters.</param>
    /// <param name="bias">The bias.</param>
    /// <param name="stride">The step between output positions.</param>
    /// <param name="padding">Zero rows and columns added on each side.</param>
    /// <returns>The [N, K, OH, OW] output.</returns>
    [Differentiable]
    public static Tensor Conv2D(Tensor x, Tensor filters, Tensor bias, int stride, int padding) => TensorOps.Conv2D(x, filters, bias, stride, padding);

    /// <summary>Max pooling over size × size windows with stride equal to the size.</summary>
    /// <param name="x">The [N, C, H, W] input.</param>
    /// <param name="size">The window size.</param>
    /// <returns>The pooled tensor.</returns>
    [Differentiable]
    public static Tensor MaxPool2D(Tensor x, int size) => TensorOps.MaxPool2D(x, size);

    /// <summary>Average pooling over size × size windows with stride equal to the size.</summary>
    /// <param name="x">The [N, C, H, W] input.</param>
    /// <param name="size">The window size.</param>
    /// <returns>The pooled tensor.</returns>
    [Differentiable]
    public static Tensor AvgPool2D(Tensor x, int size) => TensorOps.AvgPool2D(x, size);

    /// <summary>Flattens [N, …] to [N, rest], between the image layers and the dense ones.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The [N, rest] tensor.</returns>
    [Differentiable]
    public static Tensor Flatten(Tensor x) => TensorOps.Flatten(x);

    /// <summary>
    /// A residual connection, <c>x + f(x)</c> (He et al., 2016): the identity path carries the gradient past
    /// <paramref name="fx"/>, a remedy for vanishing gradients in deep networks.
    /// </summary>
    /// <param name="x">The block's input.</param>
    /// <param name="fx">The block's output f(x), same shape.</param>
    /// <returns>x + f(x).</returns>
    [Differentiable]
    public static Tensor Residual(Tensor x, Tensor fx) => TensorOps.Add(x, fx);

    /// <summary>
    /// Batch normalisation of an [N, F] input, in training mode (batch statistics, updating the running ones) or in
    /// inference mode (the running statistics).
    /// </summary>
    /// <param name="x">The [N, F] input.</param>
    /// <param name="gamma">The [F] scale (a parameter, initialise to ones).</param>
    /// <param name="beta">The [F] shift (a parameter, initialise to zeros).</param>
    /// <param name="runningMean">The [F] running mean (model state, not a parameter; initialise to zeros).</param>
    /// <param name="runningVariance">The [F] running variance (model state; initialise to ones).</param>
    /// <param name="training">True while training.</param>
    /// <param name="momentum">The weight of each batch in the running statistics (PyTorch's default is 0.1).</param>
    /// <returns>The normalised tensor.</returns>
    [Differentiable]
    public static Tensor BatchNorm(Tensor x, Tensor gamma, Tensor beta, [NoDerivative] Tensor runningMean, [NoDerivative] Tensor runningVariance, bool training, float momentum)
    {
        if (training)
        {
            return TensorOps.BatchNormTraining(x, gamma, beta, runningMean, runningVariance, momentum);
        }

        return TensorOps.BatchNormInference(x, gamma, beta, runningMean, runningVariance);
    }

    /// <summary>
    /// Inverted dropout while training (each element kept with probability 1 − <paramref name="rate"/>, scaled by
    /// 1/(1 − rate)); the identity in inference.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="rate">The probability of dropping an element, in [0, 1).</param>
    /// <param name="training">True while training.</param>
    /// <param name="seed">This step's seed (e.g. the step number): the same seed drops the same elements.</param>
    /// <returns>The result.</returns>
    [Differentiable]
    public static Tensor Dropout(Tensor x, float rate, bool training, ulong seed)
    {
        if (training && rate > 0)
        {
            return TensorOps.Dropout(x, rate, seed);
        }

        return x;
    }

    /// <summary>
    /// One step of an LSTM (Hochreiter and Schmidhuber, with a forget gate) with fused gate weights in the order
    /// input, forget, output, candidate: <c>z = x·wx + h·wh + b</c>; <c>i, f, o = σ(zᵢ, z_f, zₒ)</c>,
    /// <c>g = tanh(z_g)</c>; <c>c' = f ⊙ c + i ⊙ g</c>; <c>h' = o ⊙ tanh(c')</c>. The state is [h | c], [batch, 2·hidden];
    /// take h with <c>TensorOps.Columns(state, 0, hidden)</c>.
    /// </summary>
    /// <param name="x">The [batch, in] input of this step.</param>
    /// <param name="state">The [batch, 2·hidden] state [h | c] (zeros at the start).</param>
    /// <param name="wx">The [in, 4·hidden] input weights.</param>
    /// <param name="wh">The [hidden, 4·hidden] recurrent weights.</param>
    /// <param name="b">The [4·hidden] bias (a forget-gate bias of 1 is a common start).</param>
    /// <returns>The new [batch, 2·hidden] state [h' | c'].</returns>
    [Differentiable]
    public static Tensor LstmCell(Tensor x, Tensor state, Tensor wx, Tensor wh, Tensor b)
    {
        int hidden = wh.Dim(0);
        Tensor h = TensorOps.Columns(state, 0, hidden);
        Tensor c = TensorOps.Columns(state, hidden, hidden);
        Tensor z = TensorOps.AddBias(TensorOps.Add(TensorOps.MatMul(x, wx), TensorOps.MatMul(h, wh)), b);
        Tensor input = TensorOps.Sigmoid(TensorOps.Columns(z, 0, hidden));
        Tensor forget = TensorOps.Sigmoid(TensorOps.Columns(z, hidden, hidden));
        Tensor output = TensorOps.Sigmoid(TensorOps.Columns(z, 2 * hidden, hidden));
        Tensor candidate = TensorOps.Tanh(TensorOps.Columns(z, 3 * hidden, hidden));
        Tensor cNext = TensorOps.Add(TensorOps.Multiply(forget, c), TensorOps.Multiply(input, candidate));
        Tensor hNext = TensorOps.Multiply(output, TensorOps.Tanh(cNext));
        return TensorOps.ConcatColumns(hNext, cNext);
    }

    /// <summary>
    /// One step of a GRU (Cho et al., in PyTorch's formulation) with fused gate weights in the order reset, update,
    /// new: <c>r = σ(x·wxᵣ + bxᵣ + h·whᵣ + bhᵣ)</c>, <c>u = σ(…)</c>, <c>n = tanh(x·wxₙ + bxₙ + r ⊙ (h·whₙ + bhₙ))</c>,
    /// <c>h' = (1 − u) ⊙ n + u ⊙ h</c>.
    /// </summary>
    /// <param name="x">The [batch, in] input of this step.</param>
    /// <param name="h">The [batch, hidden] hidden state (zeros at the start).</param>
    /// <param name="wx">The [in, 3·hidden] input weights.</param>
    /// <param name="wh">The [hidden, 3·hidden] recurrent weights.</param>
    /// <param name="bx">The [3·hidden] input bias.</param>
    /// <param name="bh">The [3·hidden] recurrent bias.</param>
    /// <returns>The new [batch, hidden] hidden state.</returns>
    [Differentiable]
    public static Tensor GruCell(Tensor x, Tensor h, Tensor wx, Tensor wh, Tensor bx, Tensor bh)
    {
        int hidden = wh.Dim(0);
        Tensor gx = TensorOps.AddBias(TensorOps.MatMul(x, wx), bx);
        Tensor gh = TensorOps.AddBias(TensorOps.MatMul(h, wh), bh);
        Tensor reset = TensorOps.Sigmoid(TensorOps.Add(TensorOps.Columns(gx, 0, hidden), TensorOps.Columns(gh, 0, hidden)));
        Tensor update = TensorOps.Sigmoid(TensorOps.Add(TensorOps.Columns(gx, hidden, hidden), TensorOps.Columns(gh, hidden, hidden)));
        Tensor candidate = TensorOps.Tanh(TensorOps.Add(TensorOps.Columns(gx, 2 * hidden, hidden), TensorOps.Multiply(reset, TensorOps.Columns(gh, 2 * hidden, hidden))));

        // (1 − u) ⊙ n + u ⊙ h = n + u ⊙ (h − n)
        return TensorOps.Add(candidate, TensorOps.Multiply(update, TensorOps.Subtract(h, candidate)));
    }
}
