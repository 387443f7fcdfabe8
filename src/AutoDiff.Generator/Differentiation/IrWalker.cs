using System.Collections.Generic;
using AutoDiff.Generator.Model;

namespace AutoDiff.Generator.Differentiation;

/// <summary>Enumerates the parts of the IR: sub-expressions, variables read, statements.</summary>
internal static class IrWalker
{
    public static IEnumerable<Expr> Children(Expr expr)
    {
        switch (expr)
        {
            case ElementRef e:
                yield return e.Collection;
                yield return e.Index;
                break;
            case Unary u:
                yield return u.Operand;
                break;
            case Binary b:
                yield return b.Left;
                yield return b.Right;
                break;
            case Conditional c:
                yield return c.Condition;
                yield return c.WhenTrue;
                yield return c.WhenFalse;
                break;
            case Cast c:
                yield return c.Operand;
                break;
            case MathCall m:
                foreach (Expr a in m.Arguments)
                {
                    yield return a;
                }

                break;
            case DiffCall d:
                if (d.Receiver is not null)
                {
                    yield return d.Receiver;
                }

                foreach (Expr a in d.Arguments)
                {
                    yield return a;
                }

                break;
            case Opaque o:
                foreach (Expr a in o.Arguments)
                {
                    yield return a;
                }

                break;
            case NewArray n:
                yield return n.Length;
                break;
        }
    }

    /// <summary>The expression and all its sub-expressions, pre-order.</summary>
    public static IEnumerable<Expr> DescendantsAndSelf(Expr expr)
    {
        yield return expr;
        foreach (Expr child in Children(expr))
        {
            foreach (Expr descendant in DescendantsAndSelf(child))
            {
                yield return descendant;
            }
        }
    }

    /// <summary>Names of the variables (locals, parameters, arrays) an expression reads.</summary>
    public static void CollectReads(Expr expr, ISet<string> reads)
    {
        foreach (Expr e in DescendantsAndSelf(expr))
        {
            if (e is VarRef v)
            {
                reads.Add(v.Name);
            }
        }
    }

    public static bool Mentions(Expr expr, string name)
    {
        foreach (Expr e in DescendantsAndSelf(expr))
        {
            if (e is VarRef v && v.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The variable an assignment target writes: the local itself, or the array/span whose element it is.</summary>
    public static string? RootName(Expr target) => target switch
    {
        VarRef v => v.Name,
        ElementRef { Collection: var c } => RootName(c),
        _ => null,
    };

    /// <summary>All statements in a block, recursively, pre-order.</summary>
    public static IEnumerable<Stmt> Statements(Block block)
    {
        foreach (Stmt statement in block.Statements)
        {
            yield return statement;
            IEnumerable<Block> children = statement switch
            {
                If i => new[] { i.Then, i.Else },
                Loop l => new[] { l.Init, l.Step, l.Body },
                _ => System.Array.Empty<Block>(),
            };
            foreach (Block child in children)
            {
                foreach (Stmt nested in Statements(child))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>Every expression a statement evaluates directly (not in nested blocks).</summary>
    public static IEnumerable<Expr> OwnExpressions(Stmt statement)
    {
        switch (statement)
        {
            case Assign a:
                yield return a.Target;
                yield return a.Value;
                break;
            case If i:
                yield return i.Condition;
                break;
            case Loop { Condition: { } condition }:
                yield return condition;
                break;
            case Return { Value: { } value }:
                yield return value;
                break;
        }
    }
}
