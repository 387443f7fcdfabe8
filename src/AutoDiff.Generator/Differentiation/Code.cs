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

    /// <summary><c>a * b</c>, dropping a factor that is the literal one.</summary>
    public static Code Multiply(Code left, Code right)
    {
        if (IsOne(left.Text))
        {
            return right;
        }

        return IsOne(right.Text) ? left : Binary(left, "*", right);
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
