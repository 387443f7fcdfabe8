using System.Runtime.CompilerServices;

namespace AutoDiff;

/// <summary>
/// A dual number <c>a + bε</c> with <c>ε² = 0</c>: <see cref="Value"/> carries a value and <see cref="Tangent"/> its
/// derivative along one direction. Arithmetic on duals is forward-mode differentiation.
/// </summary>
/// <remarks>
/// The generator runs a method's reverse-mode gradient on dual numbers (<c>MGradientDual</c>) to compute
/// Hessian-vector products (forward over reverse). Comparisons look at <see cref="Value"/> only, so control flow
/// follows the primal computation.
/// </remarks>
public readonly struct Dual : IEquatable<Dual>, IComparable<Dual>
{
    /// <summary>Creates the dual number <c>value + tangent·ε</c>.</summary>
    /// <param name="value">The primal value.</param>
    /// <param name="tangent">The derivative along the chosen direction.</param>
    public Dual(double value, double tangent)
    {
        Value = value;
        Tangent = tangent;
    }

    /// <summary>Gets the primal value.</summary>
    public double Value { get; }

    /// <summary>Gets the tangent (directional derivative).</summary>
    public double Tangent { get; }

    /// <summary>A constant: tangent zero.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Dual(double value) => new(value, 0);

    /// <summary>(a + a'ε) + (b + b'ε) = (a + b) + (a' + b')ε.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The sum.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Dual operator +(Dual a, Dual b) => new(a.Value + b.Value, a.Tangent + b.Tangent);

    /// <summary>(a + a'ε) - (b + b'ε) = (a - b) + (a' - b')ε.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The difference.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Dual operator -(Dual a, Dual b) => new(a.Value - b.Value, a.Tangent - b.Tangent);

    /// <summary>Negation.</summary>
    /// <param name="a">The operand.</param>
    /// <returns>-a.</returns>
    public static Dual operator -(Dual a) => new(-a.Value, -a.Tangent);

    /// <summary>Unary plus.</summary>
    /// <param name="a">The operand.</param>
    /// <returns>a.</returns>
    public static Dual operator +(Dual a) => a;

    /// <summary>(a + a'ε)(b + b'ε) = ab + (a'b + ab')ε.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The product.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Dual operator *(Dual a, Dual b) => new(a.Value * b.Value, (a.Tangent * b.Value) + (a.Value * b.Tangent));

    /// <summary>(a + a'ε)/(b + b'ε) = a/b + (a'b - ab')/b² ε.</summary>
    /// <param name="a">The dividend.</param>
    /// <param name="b">The divisor.</param>
    /// <returns>The quotient.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Dual operator /(Dual a, Dual b) => new(a.Value / b.Value, ((a.Tangent * b.Value) - (a.Value * b.Tangent)) / (b.Value * b.Value));

    /// <summary>Compares values.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>a.Value &lt; b.Value.</returns>
    public static bool operator <(Dual a, Dual b) => a.Value < b.Value;

    /// <summary>Compares values.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>a.Value &gt; b.Value.</returns>
    public static bool operator >(Dual a, Dual b) => a.Value > b.Value;

    /// <summary>Compares values.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>a.Value &lt;= b.Value.</returns>
    public static bool operator <=(Dual a, Dual b) => a.Value <= b.Value;

    /// <summary>Compares values.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>a.Value &gt;= b.Value.</returns>
    public static bool operator >=(Dual a, Dual b) => a.Value >= b.Value;

    /// <summary>Compares values only (tangents are ignored, as in control flow).</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>a.Value == b.Value.</returns>
    public static bool operator ==(Dual a, Dual b) => a.Value == b.Value;

    /// <summary>Compares values only.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>a.Value != b.Value.</returns>
    public static bool operator !=(Dual a, Dual b) => a.Value != b.Value;

    /// <inheritdoc />
    public bool Equals(Dual other) => Value.Equals(other.Value) && Tangent.Equals(other.Tangent);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Dual other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Value, Tangent);

    /// <inheritdoc />
    public int CompareTo(Dual other) => Value.CompareTo(other.Value);

    /// <inheritdoc />
    public override string ToString() => $"{Value} + {Tangent}ε";
}

/// <summary>
/// <see cref="Math"/>'s functions on <see cref="Dual"/> numbers: each returns f(a) + f'(a)·a'ε. Used by generated
/// second-order code; the piecewise functions (<see cref="Max"/>, <see cref="Abs"/>…) follow the branch of the value.
/// </summary>
public static class DualMath
{
    /// <summary>sin: (sin a) + (cos a) a'ε.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Sin(Dual a) => new(Math.Sin(a.Value), Math.Cos(a.Value) * a.Tangent);

    /// <summary>cos: (cos a) - (sin a) a'ε.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Cos(Dual a) => new(Math.Cos(a.Value), -Math.Sin(a.Value) * a.Tangent);

    /// <summary>tan: (tan a) + a'/cos² a ε.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Tan(Dual a)
    {
        double c = Math.Cos(a.Value);
        return new(Math.Tan(a.Value), a.Tangent / (c * c));
    }

    /// <summary>asin: a'/√(1 - a²).</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Asin(Dual a) => new(Math.Asin(a.Value), a.Tangent / Math.Sqrt(1 - (a.Value * a.Value)));

    /// <summary>acos: -a'/√(1 - a²).</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Acos(Dual a) => new(Math.Acos(a.Value), -a.Tangent / Math.Sqrt(1 - (a.Value * a.Value)));

    /// <summary>atan: a'/(1 + a²).</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Atan(Dual a) => new(Math.Atan(a.Value), a.Tangent / (1 + (a.Value * a.Value)));

    /// <summary>atan2(y, x): (x y' - y x')/(x² + y²).</summary>
    /// <param name="y">The y coordinate.</param>
    /// <param name="x">The x coordinate.</param>
    /// <returns>The result.</returns>
    public static Dual Atan2(Dual y, Dual x)
    {
        double r2 = (x.Value * x.Value) + (y.Value * y.Value);
        return new(Math.Atan2(y.Value, x.Value), ((x.Value * y.Tangent) - (y.Value * x.Tangent)) / r2);
    }

    /// <summary>sinh: (cosh a) a'.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Sinh(Dual a) => new(Math.Sinh(a.Value), Math.Cosh(a.Value) * a.Tangent);

    /// <summary>cosh: (sinh a) a'.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Cosh(Dual a) => new(Math.Cosh(a.Value), Math.Sinh(a.Value) * a.Tangent);

    /// <summary>tanh: (1 - tanh² a) a'.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Tanh(Dual a)
    {
        double t = Math.Tanh(a.Value);
        return new(t, (1 - (t * t)) * a.Tangent);
    }

    /// <summary>exp: (exp a) a'.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Exp(Dual a)
    {
        double e = Math.Exp(a.Value);
        return new(e, e * a.Tangent);
    }

    /// <summary>ln: a'/a.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Log(Dual a) => new(Math.Log(a.Value), a.Tangent / a.Value);

    /// <summary>log_b a = ln a / ln b.</summary>
    /// <param name="a">The argument.</param>
    /// <param name="b">The base.</param>
    /// <returns>The result.</returns>
    public static Dual Log(Dual a, Dual b) => Log(a) / Log(b);

    /// <summary>log10: a'/(a ln 10).</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Log10(Dual a) => new(Math.Log10(a.Value), a.Tangent / (a.Value * Math.Log(10)));

    /// <summary>log2: a'/(a ln 2).</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Log2(Dual a) => new(Math.Log2(a.Value), a.Tangent / (a.Value * Math.Log(2)));

    /// <summary>√a: a'/(2√a).</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Sqrt(Dual a)
    {
        double s = Math.Sqrt(a.Value);
        return new(s, a.Tangent / (2 * s));
    }

    /// <summary>∛a: a'/(3∛a²).</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Cbrt(Dual a)
    {
        double c = Math.Cbrt(a.Value);
        return new(c, a.Tangent / (3 * c * c));
    }

    /// <summary>a^b: b a^(b-1) a' + a^b ln a · b' (the second term only when b varies).</summary>
    /// <param name="a">The base.</param>
    /// <param name="b">The exponent.</param>
    /// <returns>The result.</returns>
    public static Dual Pow(Dual a, Dual b)
    {
        double p = Math.Pow(a.Value, b.Value);
        double tangent = b.Value * Math.Pow(a.Value, b.Value - 1) * a.Tangent;
        if (b.Tangent != 0)
        {
            tangent += p * Math.Log(a.Value) * b.Tangent;
        }

        return new(p, tangent);
    }

    /// <summary>|a|: sign(a) a'.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Abs(Dual a) => new(Math.Abs(a.Value), Math.Sign(a.Value) * a.Tangent);

    /// <summary>The sign of the value.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>-1, 0 or 1.</returns>
    public static int Sign(Dual a) => Math.Sign(a.Value);

    /// <summary>The larger argument (the first at a tie).</summary>
    /// <param name="a">The first argument.</param>
    /// <param name="b">The second argument.</param>
    /// <returns>The result.</returns>
    public static Dual Max(Dual a, Dual b) => a.Value >= b.Value ? a : b;

    /// <summary>The smaller argument (the first at a tie).</summary>
    /// <param name="a">The first argument.</param>
    /// <param name="b">The second argument.</param>
    /// <returns>The result.</returns>
    public static Dual Min(Dual a, Dual b) => a.Value <= b.Value ? a : b;

    /// <summary>v clamped to [lo, hi].</summary>
    /// <param name="v">The value.</param>
    /// <param name="lo">The lower bound.</param>
    /// <param name="hi">The upper bound.</param>
    /// <returns>The result.</returns>
    public static Dual Clamp(Dual v, Dual lo, Dual hi) => v.Value < lo.Value ? lo : v.Value > hi.Value ? hi : v;

    /// <summary>a b + c.</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns>The result.</returns>
    public static Dual FusedMultiplyAdd(Dual a, Dual b, Dual c) => (a * b) + c;

    /// <summary>Floor; derivative zero.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Floor(Dual a) => Math.Floor(a.Value);

    /// <summary>Ceiling; derivative zero.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Ceiling(Dual a) => Math.Ceiling(a.Value);

    /// <summary>Round; derivative zero.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Round(Dual a) => Math.Round(a.Value);

    /// <summary>Truncate; derivative zero.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>The result.</returns>
    public static Dual Truncate(Dual a) => Math.Truncate(a.Value);
}
