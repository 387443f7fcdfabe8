using System.Linq;
using AutoDiff.Generator.Model;

namespace AutoDiff.Generator.Differentiation;

/// <summary>Writes IR expressions back as C#, with only the parentheses precedence requires.</summary>
internal static class ExpressionPrinter
{
    public static Code Print(Expr expr) => Print(expr, TypeNames.Plain);

    public static Code Print(Expr expr, TypeNames names)
    {
        Code Print(Expr e) => ExpressionPrinter.Print(e, names);

        switch (expr)
        {
            case Literal l:
                return l.Text.StartsWith("-", System.StringComparison.Ordinal) ? new Code(l.Text, Code.Unary) : Code.Atom(l.Text);
            case VarRef v:
                return Code.Atom(Identifiers.Escape(v.Name));
            case ElementRef e:
                return Code.Atom(Primary(Print(e.Collection)) + "[" + Print(e.Index).Text + "]");
            case Unary u:
                return Code.Prefix(u.Operator, Print(u.Operand));
            case Binary b:
                return Code.Binary(Print(b.Left), b.Operator, Print(b.Right));
            case Conditional c:
                return Code.Ternary(Print(c.Condition), Print(c.WhenTrue), Print(c.WhenFalse));
            case Cast c:
                return Code.CastTo(c.Type.Name, Print(c.Operand));
            case MathCall m:
                return Code.Call(names.MathClass(m.ClassName) + "." + m.Name, m.Arguments.Select(Print).ToArray());
            case DiffCall d:
                {
                    string prefix = d.Receiver is not null
                        ? Primary(Print(d.Receiver)) + "."
                        : d.Callee.SameType ? string.Empty : d.Callee.IsStatic ? d.Callee.ContainingType + "." : string.Empty;
                    return Code.Call(prefix + d.Callee.Name, d.Arguments.Select(Print).ToArray());
                }

            case Opaque o:
                {
                    object[] arguments = o.Arguments.Select(a => (object)Primary(Print(a))).ToArray();
                    string text = string.Format(System.Globalization.CultureInfo.InvariantCulture, o.Format, arguments);
                    return Code.Atom(text);
                }

            case NewArray n:
                return new Code($"new {names.Element(n.Type)}[{Print(n.Length).Text}]", Code.Primary);
            default:
                throw new System.InvalidOperationException("Unknown expression " + expr.GetType().Name);
        }
    }

    /// <summary>The expression's text, parenthesized unless it is already a primary expression.</summary>
    private static string Primary(Code code) => code.Precedence >= Code.Primary ? code.Text : "(" + code.Text + ")";
}
