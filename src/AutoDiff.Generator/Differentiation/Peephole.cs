using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace AutoDiff.Generator.Differentiation;

/// <summary>
/// Small clean-ups on generated statements, as a person would write them: consecutive accumulations into the same
/// adjoint (<c>d += a; d += b;</c>) become one (<c>d += a + b;</c>), one read-modify-write instead of several.
/// </summary>
internal static class Peephole
{
    private static readonly Regex Accumulation = new(@"^(?<target>[A-Za-z_@][A-Za-z0-9_\[\] +\-*]*?) (?<op>[+-])= (?<value>.+);$", RegexOptions.CultureInvariant);

    public static List<Node> MergeAccumulations(List<Node> nodes)
    {
        var output = new List<Node>(nodes.Count);
        foreach (Node node in nodes)
        {
            Node current = node is BlockNode block ? block with { Body = MergeAccumulations(block.Body) } : node;

            // The previous statement, looking past comments (they move above the merged statement).
            int previousIndex = output.Count - 1;
            while (previousIndex >= 0 && output[previousIndex] is Comment)
            {
                previousIndex--;
            }

            if (current is Line line && previousIndex >= 0 && output[previousIndex] is Line previous &&
                Accumulation.Match(previous.Text) is { Success: true } first &&
                Accumulation.Match(line.Text) is { Success: true } second &&
                first.Groups["target"].Value == second.Groups["target"].Value &&
                !second.Groups["value"].Value.Contains(first.Groups["target"].Value))
            {
                string target = first.Groups["target"].Value;
                string op = first.Groups["op"].Value;
                string value = second.Groups["value"].Value;
                string firstValue = first.Groups["value"].Value;
                string combined = op == second.Groups["op"].Value
                    ? (SameProduct(firstValue, value) ? "2 * " + (IsProduct(firstValue) ? firstValue : "(" + firstValue + ")") : firstValue + " + " + value)
                    : firstValue + " - " + (IsAtom(value) ? value : "(" + value + ")");
                output.RemoveAt(previousIndex);
                output.Add(new Line($"{target} {op}= {combined};"));
                continue;
            }

            output.Add(current);
        }

        return output;
    }

    /// <summary>True for <c>a</c> and <c>a</c>, or <c>a * b</c> and <c>b * a</c> (two simple factors).</summary>
    private static bool SameProduct(string left, string right)
    {
        if (left == right)
        {
            return true;
        }

        string[] l = left.Split(new[] { " * " }, System.StringSplitOptions.None);
        string[] r = right.Split(new[] { " * " }, System.StringSplitOptions.None);
        return l.Length == 2 && r.Length == 2 && l[0] == r[1] && l[1] == r[0] && IsAtom(l[0]) && IsAtom(l[1]);
    }

    private static bool IsProduct(string text) => IsAtom(text.Replace(" * ", string.Empty).Replace("*", string.Empty));

    private static bool IsAtom(string text)
    {
        int depth = 0;
        foreach (char c in text)
        {
            if (c is '(' or '[')
            {
                depth++;
            }
            else if (c is ')' or ']')
            {
                depth--;
            }
            else if (depth == 0 && c is '+' or '-' or '?' or '<' or '>' or '=' or '&' or '|')
            {
                return false;
            }
        }

        return true;
    }
}
