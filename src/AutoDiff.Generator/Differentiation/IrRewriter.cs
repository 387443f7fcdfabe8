using System.Linq;
using AutoDiff.Generator.Model;

namespace AutoDiff.Generator.Differentiation;

/// <summary>Rebuilds IR with a variable renamed.</summary>
internal static class IrRewriter
{
    public static Block Rename(Block block, string from, string to) =>
        new(block.Statements.Select(s => Rename(s, from, to)).ToEquatableArray());

    private static Stmt Rename(Stmt statement, string from, string to) => statement switch
    {
        Assign a => a with { Target = Rename(a.Target, from, to), Value = Rename(a.Value, from, to) },
        If i => i with { Condition = Rename(i.Condition, from, to), Then = Rename(i.Then, from, to), Else = Rename(i.Else, from, to) },
        Loop l => l with
        {
            Init = Rename(l.Init, from, to),
            Condition = l.Condition is null ? null : Rename(l.Condition, from, to),
            Step = Rename(l.Step, from, to),
            Body = Rename(l.Body, from, to),
        },
        Return { Value: { } value } r => r with { Value = Rename(value, from, to) },
        _ => statement,
    };

    private static Expr Rename(Expr expr, string from, string to) => expr switch
    {
        VarRef v => v.Name == from ? v with { Name = to } : v,
        ElementRef e => e with { Collection = Rename(e.Collection, from, to), Index = Rename(e.Index, from, to) },
        Unary u => u with { Operand = Rename(u.Operand, from, to) },
        Binary b => b with { Left = Rename(b.Left, from, to), Right = Rename(b.Right, from, to) },
        Conditional c => c with { Condition = Rename(c.Condition, from, to), WhenTrue = Rename(c.WhenTrue, from, to), WhenFalse = Rename(c.WhenFalse, from, to) },
        Cast c => c with { Operand = Rename(c.Operand, from, to) },
        MathCall m => m with { Arguments = m.Arguments.Select(a => Rename(a, from, to)).ToEquatableArray() },
        DiffCall d => d with { Receiver = d.Receiver is null ? null : Rename(d.Receiver, from, to), Arguments = d.Arguments.Select(a => Rename(a, from, to)).ToEquatableArray() },
        Opaque o => o with { Arguments = o.Arguments.Select(a => Rename(a, from, to)).ToEquatableArray() },
        NewArray n => n with { Length = Rename(n.Length, from, to) },
        _ => expr,
    };

    /// <summary>Rebuilds an expression with every sub-expression that <paramref name="replacement"/> maps replaced.</summary>
    public static Expr Replace(Expr expr, System.Func<Expr, Expr?> replacement) => replacement(expr) ?? expr switch
    {
        ElementRef e => e with { Collection = Replace(e.Collection, replacement), Index = Replace(e.Index, replacement) },
        Unary u => u with { Operand = Replace(u.Operand, replacement) },
        Binary b => b with { Left = Replace(b.Left, replacement), Right = Replace(b.Right, replacement) },
        Conditional c => c with { Condition = Replace(c.Condition, replacement), WhenTrue = Replace(c.WhenTrue, replacement), WhenFalse = Replace(c.WhenFalse, replacement) },
        Cast c => c with { Operand = Replace(c.Operand, replacement) },
        MathCall m => m with { Arguments = m.Arguments.Select(a => Replace(a, replacement)).ToEquatableArray() },
        DiffCall d => d with { Receiver = d.Receiver is null ? null : Replace(d.Receiver, replacement), Arguments = d.Arguments.Select(a => Replace(a, replacement)).ToEquatableArray() },
        Opaque o => o with { Arguments = o.Arguments.Select(a => Replace(a, replacement)).ToEquatableArray() },
        NewArray n => n with { Length = Replace(n.Length, replacement) },
        _ => expr,
    };
}
