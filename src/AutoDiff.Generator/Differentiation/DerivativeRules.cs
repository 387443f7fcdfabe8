using System.Collections.Generic;

namespace AutoDiff.Generator.Differentiation;

/// <summary>
/// The local derivatives of System.Math / System.MathF functions: for y = f(a, b, …), the partial ∂y/∂a, ∂y/∂b, …
/// written as C# over the argument values. This table covers only the BCL's math functions; everything else is
/// differentiated by looking into its [Differentiable] body.
/// </summary>
internal static class DerivativeRules
{
    /// <summary>A branch of a piecewise rule: when <see cref="Condition"/> holds (null: otherwise), the result is argument <see cref="Argument"/>.</summary>
    internal readonly record struct Selection(Code? Condition, int Argument);

    private static readonly Dictionary<string, int[]> Arities = new()
    {
        ["Sin"] = new[] { 1 }, ["Cos"] = new[] { 1 }, ["Tan"] = new[] { 1 },
        ["Asin"] = new[] { 1 }, ["Acos"] = new[] { 1 }, ["Atan"] = new[] { 1 }, ["Atan2"] = new[] { 2 },
        ["Sinh"] = new[] { 1 }, ["Cosh"] = new[] { 1 }, ["Tanh"] = new[] { 1 },
        ["Exp"] = new[] { 1 }, ["Log"] = new[] { 1, 2 }, ["Log10"] = new[] { 1 }, ["Log2"] = new[] { 1 },
        ["Sqrt"] = new[] { 1 }, ["Cbrt"] = new[] { 1 }, ["Pow"] = new[] { 2 },
        ["Abs"] = new[] { 1 }, ["Max"] = new[] { 2 }, ["Min"] = new[] { 2 }, ["Clamp"] = new[] { 3 },
        ["FusedMultiplyAdd"] = new[] { 3 },
        ["Floor"] = new[] { 1 }, ["Ceiling"] = new[] { 1 }, ["Round"] = new[] { 1 }, ["Truncate"] = new[] { 1 }, ["Sign"] = new[] { 1 },
    };

    public static bool IsKnown(string name, int argumentCount) =>
        Arities.TryGetValue(name, out int[]? arities) && System.Array.IndexOf(arities, argumentCount) >= 0;

    /// <summary>
    /// For piecewise functions (Max, Min, Clamp) the result equals one of the arguments; the adjoint goes to that one.
    /// Returns null for the smooth functions.
    /// </summary>
    public static Selection[]? Selections(string name, Code[] a) => name switch
    {
        // max(a, b) = a when a >= b, else b (at a tie the first argument gets the gradient, as in PyTorch's max).
        "Max" => new[] { new Selection(Code.Binary(a[0], ">=", a[1]), 0), new Selection(null, 1) },
        // min(a, b) = a when a <= b, else b.
        "Min" => new[] { new Selection(Code.Binary(a[0], "<=", a[1]), 0), new Selection(null, 1) },
        // clamp(v, lo, hi) = lo when v < lo, hi when v > hi, else v.
        "Clamp" => new[] { new Selection(Code.Binary(a[0], "<", a[1]), 1), new Selection(Code.Binary(a[0], ">", a[2]), 2), new Selection(null, 0) },
        _ => null,
    };

    /// <summary>
    /// The partial derivatives of a smooth function with respect to each argument (null where it is zero).
    /// <paramref name="m"/> is <c>global::System.Math</c> or <c>global::System.MathF</c>.
    /// </summary>
    /// <param name="share">Computes a value once into a local when a formula needs it more than once.</param>
    /// <param name="result">The call's value when it is already in a local (its derivative reuses it), or null.</param>
    public static Code?[] Partials(string name, string m, Code[] a, bool isFloat, System.Func<Code, Code> share, Code? result = null)
    {
        Code one = Code.Atom("1");
        Code F(string function, params Code[] args) => Code.Call(m + "." + function, args);
        Code Mul(Code x, Code y) => Code.Binary(x, "*", y);
        Code Div(Code x, Code y) => Code.Binary(x, "/", y);
        Code Add(Code x, Code y) => Code.Binary(x, "+", y);
        Code Sub(Code x, Code y) => Code.Binary(x, "-", y);
        Code Square(Code x)
        {
            Code shared = share(x);
            return Mul(shared, shared);
        }

        switch (name)
        {
            case "Sin": // d sin a = cos a
                return new Code?[] { F("Cos", a[0]) };
            case "Cos": // d cos a = -sin a
                return new Code?[] { Code.Negate(F("Sin", a[0])) };
            case "Tan": // d tan a = 1 / cos² a
                return new Code?[] { Div(one, Square(F("Cos", a[0]))) };
            case "Asin": // d asin a = 1 / sqrt(1 - a²)
                return new Code?[] { Div(one, F("Sqrt", Sub(one, Square(a[0])))) };
            case "Acos": // d acos a = -1 / sqrt(1 - a²)
                return new Code?[] { Code.Negate(Div(one, F("Sqrt", Sub(one, Square(a[0]))))) };
            case "Atan": // d atan a = 1 / (1 + a²)
                return new Code?[] { Div(one, Add(one, Square(a[0]))) };
            case "Atan2": // atan2(y, x): ∂y = x / (x² + y²), ∂x = -y / (x² + y²)
                {
                    Code r2 = share(Add(Square(a[1]), Square(a[0])));
                    return new Code?[] { Div(a[1], r2), Div(Code.Negate(a[0]), r2) };
                }

            case "Sinh": // d sinh a = cosh a
                return new Code?[] { F("Cosh", a[0]) };
            case "Cosh": // d cosh a = sinh a
                return new Code?[] { F("Sinh", a[0]) };
            case "Tanh": // d tanh a = 1 - tanh² a
                return new Code?[] { Sub(one, Square(result ?? F("Tanh", a[0]))) };
            case "Exp": // d exp a = exp a
                return new Code?[] { result ?? F("Exp", a[0]) };
            case "Log" when a.Length == 1: // d ln a = 1 / a
                return new Code?[] { Div(one, a[0]) };
            case "Log": // log_b a = ln a / ln b: ∂a = 1 / (a ln b), ∂b = -ln a / (b ln² b)
                {
                    Code logBase = share(F("Log", a[1]));
                    return new Code?[]
                    {
                        Div(one, Mul(a[0], logBase)),
                        Div(Code.Negate(F("Log", a[0])), Mul(a[1], Mul(logBase, logBase))),
                    };
                }
            case "Log10": // d log10 a = 1 / (a ln 10)
                return new Code?[] { Div(one, Mul(a[0], F("Log", Code.Atom("10")))) };
            case "Log2": // d log2 a = 1 / (a ln 2)
                return new Code?[] { Div(one, Mul(a[0], F("Log", Code.Atom("2")))) };
            case "Sqrt": // d sqrt a = 1 / (2 sqrt a)
                return new Code?[] { Div(Code.Number(0.5, isFloat), result ?? F("Sqrt", a[0])) };
            case "Cbrt": // d cbrt a = 1 / (3 cbrt² a)
                return new Code?[] { Div(one, Mul(Code.Atom("3"), Square(result ?? F("Cbrt", a[0])))) };
            case "Pow": // a^b: ∂a = b a^(b-1), ∂b = a^b ln a
                return new Code?[] { Mul(a[1], F("Pow", a[0], Sub(a[1], one))), Mul(result ?? F("Pow", a[0], a[1]), F("Log", a[0])) };
            case "Abs": // d |a| = sign a (zero at a = 0, like PyTorch)
                return new Code?[] { F("Sign", a[0]) };
            case "FusedMultiplyAdd": // a*b + c: ∂a = b, ∂b = a, ∂c = 1
                return new Code?[] { a[1], a[0], one };
            default: // Floor, Ceiling, Round, Truncate, Sign are piecewise constant: derivative zero.
                return new Code?[a.Length];
        }
    }
}
