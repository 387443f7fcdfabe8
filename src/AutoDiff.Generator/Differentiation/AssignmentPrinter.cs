using System.Collections.Generic;
using AutoDiff.Generator.Model;

namespace AutoDiff.Generator.Differentiation;

/// <summary>Writes the user's statements back the way they wrote them (<c>s += e</c>, <c>i++</c>, <c>double t = e</c>).</summary>
internal static class AssignmentPrinter
{
    public static string Print(Assign assign, bool declareHere) => Print(assign, declareHere, TypeNames.Plain);

    public static string Print(Assign assign, bool declareHere, TypeNames names)
    {
        string target = ExpressionPrinter.Print(assign.Target, names).Text;
        if (declareHere)
        {
            return $"{names.Of(assign.Target.Type)} {target} = {ExpressionPrinter.Print(assign.Value, names).Text};";
        }

        if (assign.CompoundOperator is { } op && assign.Value is Binary binary && binary.Left == assign.Target)
        {
            if (binary.Right is Literal { Text: "1" or "1d" or "1f" or "1L" } && op is "+" or "-")
            {
                return $"{target}{op}{op};";
            }

            return $"{target} {op}= {ExpressionPrinter.Print(binary.Right, names).Text};";
        }

        return $"{target} = {ExpressionPrinter.Print(assign.Value, names).Text};";
    }

    /// <summary><c>if (c) { then } else { otherwise }</c>, as <c>if (!c) { otherwise }</c> when <c>then</c> is empty.</summary>
    public static IEnumerable<Node> IfElse(string condition, List<Node> then, List<Node> otherwise)
    {
        if (then.Count == 0 && otherwise.Count > 0)
        {
            string negated = condition.IndexOfAny(new[] { ' ', '(' }) < 0 ? "!" + condition : "!(" + condition + ")";
            yield return new BlockNode($"if ({negated})", otherwise);
            yield break;
        }

        yield return new BlockNode($"if ({condition})", then);
        if (otherwise.Count > 0)
        {
            yield return new BlockNode("else", otherwise);
        }
    }
}
