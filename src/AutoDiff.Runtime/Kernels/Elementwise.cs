using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiff.Kernels;

/// <summary>
/// Element-wise arithmetic and bias broadcasting over spans (TensorPrimitives underneath). The backward of
/// <c>x + y</c> passes <c>dy</c> to both inputs, of <c>x − y</c> passes <c>dy</c> and <c>−dy</c>
/// (<see cref="Negate{T}"/>), of <c>x ⊙ y</c> gives <c>dy ⊙ y</c> and <c>dy ⊙ x</c> (<see cref="Multiply{T}"/>).
/// </summary>
public static class Elementwise
{
    /// <summary>Effectively computes <c>destination[i] = x[i] + y[i]</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input, same length.</param>
    /// <param name="destination">The output; may be <paramref name="x"/> or <paramref name="y"/>.</param>
    public static void Add<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(x, y, destination);

    /// <summary>Effectively computes <c>destination[i] = x[i] − y[i]</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input, same length.</param>
    /// <param name="destination">The output; may be <paramref name="x"/> or <paramref name="y"/>.</param>
    public static void Subtract<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(x, y, destination);

    /// <summary>Effectively computes <c>destination[i] = x[i] · y[i]</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input, same length.</param>
    /// <param name="destination">The output; may be <paramref name="x"/> or <paramref name="y"/>.</param>
    public static void Multiply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(x, y, destination);

    /// <summary>Effectively computes <c>destination[i] = −x[i]</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="destination">The output; may be <paramref name="x"/>.</param>
    public static void Negate<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Negate(x, destination);

    /// <summary>Effectively computes <c>destination[i] += scale · x[i]</c> (gradient accumulation).</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The values to add.</param>
    /// <param name="scale">Their scale.</param>
    /// <param name="destination">The accumulator, same length.</param>
    public static void AddScaled<T>(ReadOnlySpan<T> x, T scale, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowHelper.RequireSameLength("AddScaled", x.Length, destination.Length, nameof(destination));
        TensorPrimitives.MultiplyAdd(x, scale, destination, destination);
    }

    /// <summary>
    /// Adds a bias to every row of a row-major <c>rows × bias.Length</c> matrix:
    /// <c>destination[r, j] = x[r, j] + bias[j]</c>.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The matrix.</param>
    /// <param name="bias">One value per column.</param>
    /// <param name="destination">The output; may be <paramref name="x"/>.</param>
    public static void AddBias<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> bias, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int columns = bias.Length;
        int rows = Activations.CheckRows("AddBias", x.Length, columns, destination.Length);
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(x.Slice(r * columns, columns), bias, destination.Slice(r * columns, columns));
        }
    }

    /// <summary>
    /// The backward of <see cref="AddBias{T}"/> for the bias: column sums, <c>biasGradient[j] = Σᵣ dy[r, j]</c>.
    /// (The gradient to x is dy itself.)
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="dy">The upstream gradient, rows × <c>biasGradient.Length</c>.</param>
    /// <param name="biasGradient">Overwritten with the column sums.</param>
    public static void AddBiasBackward<T>(ReadOnlySpan<T> dy, Span<T> biasGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int columns = biasGradient.Length;
        int rows = Activations.CheckRows("AddBiasBackward", dy.Length, columns, dy.Length);
        biasGradient.Clear();
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(biasGradient, dy.Slice(r * columns, columns), biasGradient);
        }
    }
}
