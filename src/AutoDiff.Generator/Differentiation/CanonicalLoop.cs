using System.Globalization;
using System.Linq;
using AutoDiff.Generator.Model;

namespace AutoDiff.Generator.Differentiation;

/// <summary>
/// A counted loop <c>for (int i = start; cond; i += step)</c> whose body never assigns <c>i</c>. Its reverse sweep
/// runs the same indices backwards instead of recording them: iteration k had <c>i = start + k * step</c>.
/// </summary>
internal sealed record CanonicalLoop(string Index, Expr Start, int Step)
{
    /// <summary>The index as a C# identifier.</summary>
    public string Variable => Identifiers.Escape(Index);

    public static CanonicalLoop? TryMatch(Loop loop)
    {
        if (loop.ConditionAtEnd || loop.Condition is null || loop.Init.Statements.Count != 1 || loop.Step.Statements.Count != 1)
        {
            return null;
        }

        if (loop.Init.Statements[0] is not Assign { IsDeclaration: true, Target: VarRef { Type.Element: ScalarKind.Int, Type.Shape: TypeShape.Scalar } index } init)
        {
            return null;
        }

        if (loop.Step.Statements[0] is not Assign { Target: VarRef stepTarget, Value: Binary { Operator: "+" or "-", Left: VarRef left, Right: Literal literal } step } ||
            stepTarget.Name != index.Name || left.Name != index.Name ||
            !int.TryParse(literal.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int amount) || amount == 0)
        {
            return null;
        }

        bool assignedInBody = IrWalker.Statements(loop.Body).OfType<Assign>().Any(a => IrWalker.RootName(a.Target) == index.Name);
        if (assignedInBody)
        {
            return null;
        }

        return new CanonicalLoop(index.Name, init.Value, step.Operator == "+" ? amount : -amount);
    }
}
