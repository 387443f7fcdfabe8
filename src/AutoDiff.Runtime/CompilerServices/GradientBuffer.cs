using System.ComponentModel;

namespace AutoDiff.CompilerServices;

/// <summary>Checks used by generated gradient methods. Not intended to be called from user code.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GradientBuffer
{
    /// <summary>Throws unless a gradient output has the length of the input it belongs to.</summary>
    /// <param name="gradientLength">Length of the gradient output span.</param>
    /// <param name="inputLength">Length of the differentiable input.</param>
    /// <param name="gradientName">Name of the gradient output parameter.</param>
    /// <param name="inputName">Name of the input parameter.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void CheckLength(int gradientLength, int inputLength, string gradientName, string inputName)
    {
        if (gradientLength != inputLength)
        {
            throw new ArgumentException(
                $"The gradient output '{gradientName}' has length {gradientLength}, but '{inputName}' has length {inputLength}; pass a span of the same length as '{inputName}'.",
                gradientName);
        }
    }
}
