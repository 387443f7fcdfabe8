using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generator.Model;

namespace AutoDiff.Generator.Differentiation;

/// <summary>
/// Finds differentiable parameters whose value can never reach the result (through any chain of assignments), so
/// the generator can warn that their gradient is always zero.
/// </summary>
internal static class DependencyAnalysis
{
    public static IEnumerable<string> ParametersNotAffectingResult(Block body, IReadOnlyList<ParameterModel> parameters)
    {
        var reaches = new HashSet<string>(parameters.Where(p => p.IsOutput).Select(p => p.Name));
        foreach (Return r in IrWalker.Statements(body).OfType<Return>())
        {
            if (r.Value is not null)
            {
                CollectFloatingReads(r.Value, reaches);
            }
        }

        List<Assign> assignments = IrWalker.Statements(body).OfType<Assign>().ToList();
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (Assign assignment in assignments)
            {
                if (IrWalker.RootName(assignment.Target) is { } root && reaches.Contains(root))
                {
                    int before = reaches.Count;
                    CollectFloatingReads(assignment.Value, reaches);
                    changed |= reaches.Count != before;
                }
            }
        }

        return parameters.Where(p => p.IsDifferentiable && !reaches.Contains(p.Name)).Select(p => p.Name);
    }

    /// <summary>Variables whose derivative can flow into the expression's value (skips index and condition reads).</summary>
    private static void CollectFloatingReads(Expr expr, ISet<string> reads)
    {
        switch (expr)
        {
            case VarRef v when v.Type.IsFloating || v.Type.IsFloatingCollection || v.Type.IsTensor || v.Type.IsTensorArray:
                reads.Add(v.Name);
                break;
            case ElementRef e:
                CollectFloatingReads(e.Collection, reads);
                break;
            case Conditional c:
                CollectFloatingReads(c.WhenTrue, reads);
                CollectFloatingReads(c.WhenFalse, reads);
                break;
            case Opaque:
            case NewArray:
            case Literal:
                break;
            default:
                if (expr.Type.IsFloating || expr.Type.IsTensor)
                {
                    foreach (Expr child in IrWalker.Children(expr))
                    {
                        CollectFloatingReads(child, reads);
                    }
                }

                break;
        }
    }
}
