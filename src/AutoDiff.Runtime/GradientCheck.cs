using System.Globalization;

namespace AutoDiff;

/// <summary>A scalar function of a vector, as <see cref="GradientCheck"/> evaluates it.</summary>
/// <param name="x">The point.</param>
/// <returns>The function's value at <paramref name="x"/>.</returns>
public delegate double VectorFunction(ReadOnlySpan<double> x);

/// <summary>A function's value and gradient, like a generated <c>MGradient</c> over one span.</summary>
/// <param name="x">The point.</param>
/// <param name="gradient">Receives the gradient at <paramref name="x"/>.</param>
/// <returns>The function's value at <paramref name="x"/>.</returns>
public delegate double VectorGradient(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>The single-precision counterpart of <see cref="VectorFunction"/>.</summary>
/// <param name="x">The point.</param>
/// <returns>The function's value at <paramref name="x"/>.</returns>
public delegate float VectorFunctionF(ReadOnlySpan<float> x);

/// <summary>The single-precision counterpart of <see cref="VectorGradient"/>.</summary>
/// <param name="x">The point.</param>
/// <param name="gradient">Receives the gradient at <paramref name="x"/>.</param>
/// <returns>The function's value at <paramref name="x"/>.</returns>
public delegate float VectorGradientF(ReadOnlySpan<float> x, Span<float> gradient);

/// <summary>
/// Compares a gradient (generated or hand-written) with central finite differences, like PyTorch's
/// <c>torch.autograd.gradcheck</c>, and reports the worst element. Call it from your own tests.
/// </summary>
/// <example>
/// <code>
/// var result = GradientCheck.Check(Model.Loss, Model.LossGradient, point);
/// Assert.True(result.Passed, result.ToString());
/// </code>
/// </example>
public static class GradientCheck
{
    /// <summary>Checks a double-precision gradient at <paramref name="x"/>.</summary>
    /// <param name="function">The function.</param>
    /// <param name="gradient">Its gradient (for example a generated <c>MGradient</c> method group).</param>
    /// <param name="x">The point to check at.</param>
    /// <param name="relativeTolerance">Allowed error relative to the larger of the two derivatives.</param>
    /// <param name="absoluteTolerance">Allowed absolute error, for derivatives near zero.</param>
    /// <param name="step">The finite-difference step, scaled by max(1, |xᵢ|).</param>
    /// <returns>The comparison, with the worst element.</returns>
    /// <remarks>
    /// Uses the five-point stencil (f(x-2h) - 8f(x-h) + 8f(x+h) - f(x+2h)) / 12h, whose error is O(h⁴). An element
    /// passes when |analytic - numeric| ≤ absoluteTolerance + relativeTolerance · max(|analytic|, |numeric|).
    /// Avoid points where the function has a kink (max, abs, ReLU at 0): finite differences are wrong there.
    /// </remarks>
    public static GradientCheckResult Check(
        VectorFunction function,
        VectorGradient gradient,
        ReadOnlySpan<double> x,
        double relativeTolerance = 1e-6,
        double absoluteTolerance = 1e-8,
        double step = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(gradient);
        double[] point = x.ToArray();
        double[] analytic = new double[x.Length];
        double value = gradient(point, analytic);
        double direct = function(point);
        var result = new GradientCheckResult(relativeTolerance, absoluteTolerance);
        result.ValueMismatch = !Close(value, direct, relativeTolerance, absoluteTolerance);
        for (int i = 0; i < point.Length; i++)
        {
            double original = point[i];
            double h = step * Math.Max(1, Math.Abs(original));
            double Evaluate(double offset)
            {
                point[i] = original + offset;
                return function(point);
            }

            double numeric = (Evaluate(-2 * h) - 8 * Evaluate(-h) + 8 * Evaluate(h) - Evaluate(2 * h)) / (12 * h);
            point[i] = original;
            result.Record(i, analytic[i], numeric);
        }

        return result;
    }

    /// <summary>Checks a single-precision gradient; finite differences are taken in float, so tolerances are looser.</summary>
    /// <param name="function">The function.</param>
    /// <param name="gradient">Its gradient.</param>
    /// <param name="x">The point to check at.</param>
    /// <param name="relativeTolerance">Allowed relative error.</param>
    /// <param name="absoluteTolerance">Allowed absolute error.</param>
    /// <param name="step">The finite-difference step, scaled by max(1, |xᵢ|).</param>
    /// <returns>The comparison, with the worst element.</returns>
    public static GradientCheckResult Check(
        VectorFunctionF function,
        VectorGradientF gradient,
        ReadOnlySpan<float> x,
        double relativeTolerance = 2e-2,
        double absoluteTolerance = 1e-3,
        float step = 1e-2f)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(gradient);
        float[] point = x.ToArray();
        float[] analytic = new float[x.Length];
        float value = gradient(point, analytic);
        float direct = function(point);
        var result = new GradientCheckResult(relativeTolerance, absoluteTolerance);
        result.ValueMismatch = !Close(value, direct, relativeTolerance, absoluteTolerance);
        for (int i = 0; i < point.Length; i++)
        {
            float original = point[i];
            float h = step * MathF.Max(1, MathF.Abs(original));
            double Evaluate(float offset)
            {
                point[i] = original + offset;
                return function(point);
            }

            double numeric = (Evaluate(-2 * h) - 8 * Evaluate(-h) + 8 * Evaluate(h) - Evaluate(2 * h)) / (12.0 * h);
            point[i] = original;
            result.Record(i, analytic[i], numeric);
        }

        return result;
    }

    internal static bool Close(double a, double b, double relative, double absolute) =>
        Math.Abs(a - b) <= absolute + (relative * Math.Max(Math.Abs(a), Math.Abs(b)));
}

/// <summary>The outcome of a <see cref="GradientCheck"/>: pass or fail, and the worst element with both values.</summary>
public sealed class GradientCheckResult
{
    private readonly double _relativeTolerance;
    private readonly double _absoluteTolerance;
    private double _worstExcess = double.NegativeInfinity;

    internal GradientCheckResult(double relativeTolerance, double absoluteTolerance)
    {
        _relativeTolerance = relativeTolerance;
        _absoluteTolerance = absoluteTolerance;
    }

    /// <summary>Gets a value indicating whether every element is within tolerance and the returned value matches the function.</summary>
    public bool Passed => FailedElements == 0 && !ValueMismatch && !double.IsNaN(_worstExcess);

    /// <summary>Gets the number of elements outside the tolerance.</summary>
    public int FailedElements { get; private set; }

    /// <summary>Gets the index of the element with the largest error relative to its tolerance (-1 for an empty input).</summary>
    public int WorstIndex { get; private set; } = -1;

    /// <summary>Gets the gradient's value at <see cref="WorstIndex"/>.</summary>
    public double Analytic { get; private set; }

    /// <summary>Gets the finite-difference estimate at <see cref="WorstIndex"/>.</summary>
    public double Numeric { get; private set; }

    /// <summary>Gets |analytic - numeric| at <see cref="WorstIndex"/>.</summary>
    public double AbsoluteError => Math.Abs(Analytic - Numeric);

    /// <summary>Gets the error at <see cref="WorstIndex"/> relative to the larger magnitude of the two values.</summary>
    public double RelativeError => AbsoluteError / Math.Max(Math.Max(Math.Abs(Analytic), Math.Abs(Numeric)), double.Epsilon);

    /// <summary>Gets a value indicating whether the gradient method's returned value differs from the function's value.</summary>
    public bool ValueMismatch { get; internal set; }

    /// <summary>Throws when the check failed, with the worst element in the message.</summary>
    /// <exception cref="InvalidOperationException">The gradient does not match finite differences.</exception>
    public void ThrowIfFailed()
    {
        if (!Passed)
        {
            throw new InvalidOperationException(ToString());
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        string worst = WorstIndex < 0
            ? "no elements"
            : string.Create(CultureInfo.InvariantCulture, $"worst element [{WorstIndex}]: gradient {Analytic:R}, finite differences {Numeric:R}, absolute error {AbsoluteError:G3}, relative error {RelativeError:G3}");
        string verdict = Passed ? "Gradient check passed" : $"Gradient check FAILED ({FailedElements} element(s) outside tolerance{(ValueMismatch ? "; the gradient method's value differs from the function's" : string.Empty)})";
        return string.Create(CultureInfo.InvariantCulture, $"{verdict}; {worst} (tolerance: {_absoluteTolerance:G3} + {_relativeTolerance:G3}·|value|).");
    }

    internal void Record(int index, double analytic, double numeric)
    {
        double error = Math.Abs(analytic - numeric);
        double allowed = _absoluteTolerance + (_relativeTolerance * Math.Max(Math.Abs(analytic), Math.Abs(numeric)));
        double excess = double.IsNaN(error) ? double.PositiveInfinity : error / allowed;
        if (excess > 1)
        {
            FailedElements++;
        }

        if (excess > _worstExcess)
        {
            _worstExcess = excess;
            WorstIndex = index;
            Analytic = analytic;
            Numeric = numeric;
        }
    }
}
