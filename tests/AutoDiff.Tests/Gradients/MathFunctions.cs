using AutoDiff;

namespace AutoDiff.Tests.Gradients;

/// <summary>Every System.Math function the generator knows, in double.</summary>
public static partial class MathFunctions
{
    [Differentiable]
    public static double Trig(double x, double y) => Math.Sin(x * y) + Math.Cos(x) * y + Math.Tan(0.5 * y);

    [Differentiable]
    public static double InverseTrig(double x, double y) => Math.Asin(x) * y + Math.Acos(y * 0.5) + Math.Atan(x * y) + Math.Atan2(y, x + 2);

    [Differentiable]
    public static double Hyperbolic(double x, double y) => Math.Sinh(x) * y + Math.Cosh(y * 0.5) + Math.Tanh(x * y);

    [Differentiable]
    public static double ExpLog(double x, double y) => Math.Exp(0.5 * x) + Math.Log(x * y) + Math.Log(x, y) + Math.Log10(x + y) + Math.Log2(y);

    [Differentiable]
    public static double Roots(double x, double y) => Math.Sqrt(x * y) + Math.Cbrt(y - 3) * x;

    [Differentiable]
    public static double Powers(double x, double y) => Math.Pow(x, y) + Math.Pow(x, 3.0) + Math.Pow(2, y) + Math.Pow(y, 0.5);

    [Differentiable]
    public static double AbsMaxMinClamp(double x, double y, double z) =>
        Math.Abs(x) * y + Math.Max(x, y) + Math.Min(y * 2, z) + Math.Clamp(x * 3, y, z + 2);

    [Differentiable]
    public static double Fma(double a, double b, double c) => Math.FusedMultiplyAdd(a, b * b, c) * a;

    [Differentiable]
    public static double Rounding(double x, double y) =>
        x * Math.Floor(x) + Math.Ceiling(x * 2) * y + Math.Round(y) * Math.Sin(x) + Math.Truncate(x * y) + Math.Sign(x - y) * y;
}

/// <summary>The same functions in float with MathF (and Math's float overloads); the double versions are their twins.</summary>
public static partial class MathFFunctions
{
    [Differentiable]
    public static float Trig(float x, float y) => MathF.Sin(x * y) + MathF.Cos(x) * y + MathF.Tan(0.5f * y);

    [Differentiable]
    public static float InverseTrig(float x, float y) => MathF.Asin(x) * y + MathF.Acos(y * 0.5f) + MathF.Atan(x * y) + MathF.Atan2(y, x + 2);

    [Differentiable]
    public static float Hyperbolic(float x, float y) => MathF.Sinh(x) * y + MathF.Cosh(y * 0.5f) + MathF.Tanh(x * y);

    [Differentiable]
    public static float ExpLog(float x, float y) => MathF.Exp(0.5f * x) + MathF.Log(x * y) + MathF.Log(x, y) + MathF.Log10(x + y) + MathF.Log2(y);

    [Differentiable]
    public static float Roots(float x, float y) => MathF.Sqrt(x * y) + MathF.Cbrt(y - 3) * x;

    [Differentiable]
    public static float Powers(float x, float y) => MathF.Pow(x, y) + MathF.Pow(x, 3f) + MathF.Pow(2, y) + MathF.Pow(y, 0.5f);

    [Differentiable]
    public static float AbsMaxMinClamp(float x, float y, float z) =>
        MathF.Abs(x) * y + MathF.Max(x, y) + MathF.Min(y * 2, z) + Math.Clamp(x * 3, y, z + 2);

    [Differentiable]
    public static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b * b, c) * a;

    [Differentiable]
    public static float Rounding(float x, float y) =>
        x * MathF.Floor(x) + MathF.Ceiling(x * 2) * y + MathF.Round(y) * MathF.Sin(x) + MathF.Truncate(x * y) + MathF.Sign(x - y) * y;

    /// <summary>Math's float overloads (Math.Abs(float), Math.Max(float, float), ...) rather than MathF.</summary>
    [Differentiable]
    public static float MathFloatOverloads(float x, float y) =>
        Math.Abs(x) * Math.Max(x, y) + Math.Min(x, y) + Math.Clamp(y, -1f, 1f) * Math.Sign(x) + (float)Math.Sqrt(x * x + y * y);
}
