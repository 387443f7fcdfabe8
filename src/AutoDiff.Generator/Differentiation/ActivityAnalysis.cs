using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generator.Model;

namespace AutoDiff.Generator.Differentiation;

/// <summary>
/// Finds the active variables: floating values (and arrays of them) that depend on a differentiable parameter.
/// Only active values get adjoints. The analysis is flow-insensitive (a variable is active if any assignment
/// makes it so), which is conservative: it may keep an adjoint that stays zero, never drops one that is needed.
/// </summary>
internal sealed class ActivityAnalysis
{
    private readonly HashSet<string> _active;

    /// <summary>True for a model: its [Differentiable] instance methods depend on its [Parameter] members.</summary>
    private readonly bool _isModel;

    private ActivityAnalysis(HashSet<string> active, bool isModel)
    {
        _active = active;
        _isModel = isModel;
    }

    public IReadOnlyCollection<string> ActiveNames => _active;

    public static ActivityAnalysis Run(Block body, IEnumerable<ParameterModel> parameters, IEnumerable<string>? modelParameters = null)
    {
        var active = new HashSet<string>(parameters.Where(p => p.IsDifferentiable).Select(p => p.Name));
        int before = active.Count;
        active.UnionWith(modelParameters ?? System.Linq.Enumerable.Empty<string>());
        var analysis = new ActivityAnalysis(active, active.Count > before);
        List<Assign> assignments = IrWalker.Statements(body).OfType<Assign>().ToList();
        List<Return> returns = IrWalker.Statements(body).OfType<Return>().ToList();
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (Assign assignment in assignments)
            {
                string? root = IrWalker.RootName(assignment.Target);
                bool carriesDerivative = assignment.Target.Type.IsFloating || assignment.Target.Type.IsFloatingCollection || assignment.Target.Type.IsTensor || assignment.Target.Type.IsTensorArray;
                if (root is not null && carriesDerivative && !active.Contains(root) && analysis.IsActive(assignment.Value))
                {
                    active.Add(root);
                    changed = true;
                }
            }
        }

        return analysis;
    }

    public bool IsActiveName(string name) => _active.Contains(name);

    /// <summary>Marks a variable the transform introduced (a renamed copy of <paramref name="original"/>) as active like it.</summary>
    public void AddAlias(string alias, string original)
    {
        if (_active.Contains(original))
        {
            _active.Add(alias);
        }
    }

    /// <summary>True when the expression's value is floating and depends on a differentiable input.</summary>
    public bool IsActive(Expr expr)
    {
        if (!expr.Type.IsFloating && !expr.Type.IsTensor)
        {
            return false;
        }

        return expr switch
        {
            VarRef v => _active.Contains(v.Name),
            ElementRef e => IsActiveCollection(e.Collection),
            Unary u => IsActive(u.Operand),
            Binary b => IsActive(b.Left) || IsActive(b.Right),
            Conditional c => IsActive(c.WhenTrue) || IsActive(c.WhenFalse),
            Cast c => IsActive(c.Operand),
            MathCall m => m.Arguments.Any(IsActive),
            DiffCall d => (_isModel && d.Receiver is null && !d.Callee.IsStatic && d.Callee.IsDifferentiable) || d.Arguments.Any(a => IsActive(a) || IsActiveCollection(a)),
            _ when expr.Type.IsTensor => false,
            _ => false,
        };
    }

    /// <summary>True when the expression is an array or span whose elements are active.</summary>
    public bool IsActiveCollection(Expr expr) =>
        (expr.Type.IsFloatingCollection || expr.Type.IsTensorArray) && IrWalker.RootName(expr) is { } name && _active.Contains(name);
}
