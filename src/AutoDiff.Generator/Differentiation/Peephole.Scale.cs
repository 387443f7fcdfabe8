using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace AutoDiff.Generator.Differentiation;

internal static partial class Peephole
{
    private static readonly Regex ScaledDeclaration = new(
        @"^(?<type>double|float) (?<name>[A-Za-z_][A-Za-z0-9_]*) = (?:(?<k>[0-9.Ee+\-]+[fd]?) \* (?<a>[A-Za-z_][A-Za-z0-9_]*)|(?<a>[A-Za-z_][A-Za-z0-9_]*) \* (?<k>[0-9.Ee+\-]+[fd]?));$",
        RegexOptions.CultureInvariant);

    private static readonly Regex SimpleAccumulation = new(@"^(?<target>[A-Za-z_][A-Za-z0-9_]*) (?<op>[+-])= (?<value>.+);$", RegexOptions.CultureInvariant);

    /// <summary>
    /// In a loop that preaccumulates <c>_g += d_e * x[i]</c> with <c>d_e = 2 * e</c> (the adjoint of a square), the
    /// factor 2 moves out of the loop: <c>_g += e * x[i]</c> in the loop and <c>_g *= 2</c> after it, one multiply per
    /// loop instead of per iteration, as a person factors <c>2/n</c> out of a least-squares gradient. Only for a power
    /// of two, where the scaled sum rounds exactly as the sum of scaled terms does, so results are unchanged.
    /// </summary>
    /// <remarks>
    /// Applies when the scaled local is declared in the loop's body (not in a nested block), every other line of the
    /// body that mentions it adds it, as a factor of a product, to an accumulator declared as zero before the loop and
    /// mentioned nowhere else in the loop, and the body cannot leave the method. A scalar gradient output, zeroed by
    /// the prologue, counts as declared zero for a loop at the top level that no earlier statement mentions it in.
    /// </remarks>
    public static List<Node> HoistPowerOfTwoScales(List<Node> nodes, ISet<string>? zeroedOutputs = null) =>
        HoistScales(nodes, zeroedOutputs ?? new HashSet<string>());

    private static List<Node> HoistScales(List<Node> nodes, ISet<string> zeroedOutputs)
    {
        var none = new HashSet<string>();
        var output = new List<Node>(nodes.Count);
        foreach (Node node in nodes)
        {
            output.Add(node is BlockNode block ? block with { Body = HoistScales(block.Body, none) } : node);
        }

        for (int j = 0; j < output.Count; j++)
        {
            if (output[j] is not BlockNode loop || !Regex.IsMatch(loop.Header, @"^(?:for|foreach|while|do)\b") || LeavesMethod(loop.Body))
            {
                continue;
            }

            var scales = new List<(string Accumulator, string Factor)>();
            var body = loop.Body;
            for (int d = 0; d < body.Count; d++)
            {
                if (body[d] is not Line declaration || ScaledDeclaration.Match(declaration.Text) is not { Success: true } scaled ||
                    !TryPowerOfTwo(scaled.Groups["k"].Value))
                {
                    continue;
                }

                string name = scaled.Groups["name"].Value, value = scaled.Groups["a"].Value;
                Regex mention = MentionOf(name), valueMention = MentionOf(value);
                var uses = new List<(int Index, string Accumulator)>();
                bool ok = !mention.IsMatch(loop.Header) && (loop.Trailer is null || !mention.IsMatch(loop.Trailer));
                for (int i = 0; i < body.Count && ok; i++)
                {
                    if (i == d || !Mentions(body[i], mention))
                    {
                        if (i > d && body[i] is Line other && AssignedName.Match(other.Text) is { Success: true } assigned && assigned.Groups["name"].Value == value)
                        {
                            ok = false; // the scaled value changes after the declaration: it cannot stand in for the local
                        }

                        continue;
                    }

                    ok = i > d && body[i] is Line use && SimpleAccumulation.Match(use.Text) is { Success: true } accumulation &&
                         IsFactorOfProduct(accumulation.Groups["value"].Value, name) && !mention.IsMatch(accumulation.Groups["target"].Value);
                    if (ok)
                    {
                        uses.Add((i, SimpleAccumulation.Match(((Line)body[i]).Text).Groups["target"].Value));
                    }
                }

                if (!ok || uses.Count == 0 || body.Exists(n => n is BlockNode b && Mentions(b, valueMention)))
                {
                    continue;
                }

                // Each accumulator: zero before the loop, untouched between, and in the loop only added this local to.
                foreach (string accumulator in uses.Select(u => u.Accumulator).Distinct())
                {
                    Regex accumulatorMention = MentionOf(accumulator);
                    int declared = j == 0 ? -1 : output.FindLastIndex(j - 1, n => n is Line l && Regex.IsMatch(l.Text, @"^(?:double|float) " + Regex.Escape(accumulator) + " = 0;$"));
                    bool zeroed = zeroedOutputs.Contains(accumulator) && output.Take(j).All(n => !Mentions(n, accumulatorMention));
                    ok &= (zeroed || declared >= 0 && output.Skip(declared + 1).Take(j - declared - 1).All(n => !Mentions(n, accumulatorMention))) &&
                          !accumulatorMention.IsMatch(loop.Header) && (loop.Trailer is null || !accumulatorMention.IsMatch(loop.Trailer)) &&
                          body.Select((n, i) => (n, i)).All(p => !Mentions(p.n, accumulatorMention) || uses.Exists(u => u.Index == p.i));
                }

                if (!ok)
                {
                    continue;
                }

                foreach ((int index, string accumulator) in uses)
                {
                    body[index] = new Line(mention.Replace(((Line)body[index]).Text, value));
                    scales.Add((accumulator, scaled.Groups["k"].Value));
                }

                body[d] = new Comment($"{name} = {scaled.Groups["k"].Value} * {value}: {value} is used, and the sums are multiplied by {scaled.Groups["k"].Value} once, after the loop");
            }

            if (scales.Count > 0)
            {
                var after = scales.Distinct().Select(s => (Node)new Line($"{s.Accumulator} *= {s.Factor};")).ToList();
                output.InsertRange(j + 1, after);
                output[j] = loop with { Body = body };
                j += after.Count;
            }
        }

        return output;
    }

    private static bool LeavesMethod(List<Node> body) => body.Exists(n => n switch
    {
        Line line => Regex.IsMatch(line.Text, @"^(?:return|goto|throw)\b"),
        BlockNode block => LeavesMethod(block.Body),
        _ => false,
    });

    private static bool TryPowerOfTwo(string literal) =>
        Code.TryLiteralValue(literal, out double value) && Code.IsPowerOfTwo(value);

    /// <summary>True when <paramref name="value"/> is <paramref name="name"/>, or a product of factors at the top level of which one is <paramref name="name"/> (once).</summary>
    private static bool IsFactorOfProduct(string value, string name)
    {
        var factors = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c is '(' or '[')
            {
                depth++;
            }
            else if (c is ')' or ']')
            {
                depth--;
            }
            else if (depth == 0 && c is '+' or '-' or '/' or '%' or '?' or '<' or '>' or '=' or '&' or '|')
            {
                return false;
            }
            else if (depth == 0 && c == '*')
            {
                factors.Add(value.Substring(start, i - start).Trim());
                start = i + 1;
            }
        }

        factors.Add(value.Substring(start).Trim());
        Regex mention = MentionOf(name);
        return factors.Count(f => f == name) == 1 && factors.Count(f => mention.IsMatch(f)) == 1;
    }
}
