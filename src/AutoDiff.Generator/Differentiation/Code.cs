using System;
using System.Globalization;

namespace AutoDiff.Generator.Differentiation;

/// <summary>
/// A fragment of generated C# and its operator precedence, so fragments compose with just the parentheses needed.
/// </summary>
internal readonly struct Code
{
    public const int Conditional = 3;
    public const int ConditionalOr = 4;
    public const int ConditionalAnd = 5;
    public const int BitwiseOr = 6;
    public const int BitwiseXor = 7;
    public const int BitwiseAnd = 8;
    public const int Equality = 9;
    public const int Relational = 10;
    public const int Shift = 11;
    public const int Additive = 12;
    public const int Multiplicative = 13;
    public const int Unary = 15;
    public const int Primary = 16;

    public Code(string text, int precedence)
    {
        Text = text;
        Precedence = precedence;
    }

    public string Text { get; }

    public int Precedence { get; }

    /// <summary>True for a name or a literal: cheap to repeat in generated code.</summary>
    public bool IsSimple => Precedence == Primary && IsIdentifierOrNumber(Text);

    public static Code Atom(string text) => new(text, Primary);

    /// <summary>A floating literal of the given type: <c>0.5</c> (double) or <c>0.5f</c> (float).</summary>
    public static Code Number(double value, bool isFloat)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (isFloat)
        {
            return Atom(text + "f");
        }

        return Atom(text.IndexOfAny(new[] { '.', 'E' }) < 0 ? text + "d" : text);
    }

    public static Code Call(string function, params Code[] arguments) =>
        Atom(function + "(" + string.Join(", ", Array.ConvertAll(arguments, a => a.Text)) + ")");

    public static Code Binary(Code left, string op, Code right)
    {
        int precedence = PrecedenceOf(op);
        string l = left.Precedence < precedence ? "(" + left.Text + ")" : left.Text;
        string r = right.Precedence <= precedence ? "(" + right.Text + ")" : right.Text;
        return new Code(l + " " + op + " " + r, precedence);
    }

    public static Code Prefix(string op, Code operand)
    {
        bool wrap = operand.Precedence < Unary || operand.Text.StartsWith("-", StringComparison.Ordinal) || operand.Text.StartsWith("+", StringComparison.Ordinal);
        return new Code(op + (wrap ? "(" + operand.Text + ")" : operand.Text), Unary);
    }

    public static Code CastTo(string type, Code operand)
    {
        bool wrap = operand.Precedence < Unary || operand.Text.StartsWith("-", StringComparison.Ordinal) || operand.Text.StartsWith("+", StringComparison.Ordinal);
        return new Code("(" + type + ")" + (wrap ? "(" + operand.Text + ")" : operand.Text), Unary);
    }

    public static Code Ternary(Code condition, Code whenTrue, Code whenFalse)
    {
        string c = condition.Precedence <= Conditional ? "(" + condition.Text + ")" : condition.Text;
        string t = whenTrue.Precedence <= Conditional ? "(" + whenTrue.Text + ")" : whenTrue.Text;
        string f = whenFalse.Precedence < Conditional ? "(" + whenFalse.Text + ")" : whenFalse.Text;
        return new Code(c + " ? " + t + " : " + f, Conditional);
    }

    /// <summary>
    /// <c>a * b</c>, dropping a factor that is the literal one, and folding two literal factors into one
    /// (<c>2 * b * 100d</c> becomes <c>200d * b</c>) when one of them is a power of two: scaling by a power of two is
    /// exact, so the folded product rounds exactly as the original did.
    /// </summary>
    public static Code Multiply(Code left, Code right)
    {
        if (IsOne(left.Text))
        {
            return right;
        }

        if (IsOne(right.Text))
        {
            return left;
        }

        if (TryFold(left, right, out Code folded) || TryFold(right, left, out folded))
        {
            return folded;
        }

        return Binary(left, "*", right);
    }

    /// <summary>
    /// <c>2 * p</c> for a product <paramref name="product"/>, folding the 2 into a literal factor
    /// (<c>b * 100d</c> → <c>200d * b</c>): exact, since doubling is.
    /// </summary>
    public static string Twice(string product)
    {
        var two = Atom("2");
        string[] factors = product.Split(new[] { " * " }, StringSplitOptions.None);
        if (factors.Length == 2)
        {
            for (int i = 0; i < 2; i++)
            {
                if (TryFold(new Code("2 * " + factors[1 - i], Multiplicative), Atom(factors[i]), out Code folded))
                {
                    return folded.Text;
                }
            }
        }

        return Multiply(two, new Code(product, Multiplicative)).Text;
    }

    /// <summary><c>(k * x) * c</c> → <c>(k·c) * x</c> for literals k and c, one a power of two, and a simple x.</summary>
    private static bool TryFold(Code product, Code literal, out Code folded)
    {
        folded = default;
        if (!TryLiteral(literal.Text, out double c, out char cKind) || product.Precedence != Multiplicative)
        {
            return false;
        }

        int star = product.Text.IndexOf(" * ", StringComparison.Ordinal);
        if (star < 0 || !TryLiteral(product.Text.Substring(0, star), out double k, out char kKind))
        {
            return false;
        }

        string rest = product.Text.Substring(star + 3);
        if (!IsIdentifierOrNumber(rest) && !IsElementAccess(rest) || !(IsPowerOfTwo(k) || IsPowerOfTwo(c)))
        {
            return false;
        }

        double value = k * c;
        char kind = kKind == 'd' || cKind == 'd' ? 'd' : kKind == 'f' || cKind == 'f' ? 'f' : 'i';
        if (double.IsInfinity(value) || kind == 'i' && (Math.Abs(value) > 1 << 24 || value != Math.Floor(value)) ||
            kind == 'f' && (float)value != value)
        {
            return false;
        }

        Code factor = kind == 'i' ? Atom(((long)value).ToString(CultureInfo.InvariantCulture)) : Number(value, kind == 'f');
        if (value < 0)
        {
            factor = new Code(factor.Text, Unary);
        }

        folded = Binary(factor, "*", Atom(rest));
        return true;
    }

    /// <summary>A literal as generated code writes it: <c>2</c> (int), <c>0.5f</c> (float), <c>100d</c> or <c>0.5</c> (double).</summary>
    private static bool TryLiteral(string text, out double value, out char kind)
    {
        kind = text.EndsWith("f", StringComparison.Ordinal) ? 'f'
            : text.EndsWith("d", StringComparison.Ordinal) || text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? 'd'
            : 'i';
        string digits = kind == 'i' || text.IndexOfAny(new[] { 'f', 'd' }) < 0 ? text : text.Substring(0, text.Length - 1);
        return double.TryParse(digits, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) &&
               !double.IsInfinity(value) && !double.IsNaN(value) && digits.Length > 0 && (char.IsDigit(digits[0]) || digits[0] == '-');
    }

    /// <summary>The value of a literal as generated code writes it.</summary>
    public static bool TryLiteralValue(string text, out double value) => TryLiteral(text, out value, out _);

    /// <summary>True for ±2^k: multiplying by it is exact (short of overflow and underflow).</summary>
    public static bool IsPowerOfTwo(double value)
    {
        double magnitude = Math.Abs(value);
        if (magnitude == 0 || double.IsInfinity(magnitude))
        {
            return false;
        }

        long bits = BitConverter.DoubleToInt64Bits(magnitude);
        return (bits & 0xFFFFFFFFFFFFFL) == 0 && (bits >> 52) != 0;
    }

    /// <summary><c>x[i]</c> or <c>x[i + 1]</c>: a name indexed once, with no nested brackets.</summary>
    private static bool IsElementAccess(string text)
    {
        int open = text.IndexOf('[');
        return open > 0 && text.EndsWith("]", StringComparison.Ordinal) && text.IndexOf('[', open + 1) < 0 &&
               IsIdentifierOrNumber(text.Substring(0, open)) && text.IndexOf('(') < 0;
    }

    public static Code Negate(Code operand) => Prefix("-", operand);

    public static int PrecedenceOf(string op) => op switch
    {
        "*" or "/" or "%" => Multiplicative,
        "+" or "-" => Additive,
        "<<" or ">>" => Shift,
        "<" or ">" or "<=" or ">=" => Relational,
        "==" or "!=" => Equality,
        "&" => BitwiseAnd,
        "^" => BitwiseXor,
        "|" => BitwiseOr,
        "&&" => ConditionalAnd,
        "||" => ConditionalOr,
        _ => Conditional,
    };

    public override string ToString() => Text;

    private static bool IsOne(string text) => text is "1" or "1d" or "1f" or "1.0" or "1.0f";

    private static bool IsIdentifierOrNumber(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsLetterOrDigit(c) && c != '_' && c != '.' && c != '@')
            {
                return false;
            }
        }

        return text.Length > 0;
    }
}
