using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace AutoDiff.Generator.Differentiation;

internal static partial class Peephole
{
    private static readonly Regex WindowPush = new(@"^(?<rows>_[A-Za-z0-9_]+) = (?<tape>_[A-Za-z0-9_]+)\.PushWindow\((?<size>.+)\);$", RegexOptions.CultureInvariant);

    /// <summary>
    /// A loop whose every iteration pushes a window on a tape, reads it and pops it again before the next iteration
    /// (the scratch rows of a loop whose reverse runs inside the forward loop, as GMM's x − μ and Q(x − μ) per point)
    /// gets the same place on the tape every time: the window is pushed once before the loop and popped once after it,
    /// and the iterations use it in place. The window's size must not change in the loop, and nothing else may use the
    /// tape. Applies from the innermost loop out.
    /// </summary>
    /// <param name="nodes">The forward sweep (where a preaccumulated loop's iterations run their reverse).</param>
    public static List<Node> HoistIterationWindows(List<Node> nodes) => HoistWindows(nodes, nodes);

    private static List<Node> HoistWindows(List<Node> nodes, List<Node> all)
    {
        var output = new List<Node>(nodes.Count);
        foreach (Node node in nodes)
        {
            if (node is not BlockNode block)
            {
                output.Add(node);
                continue;
            }

            var body = HoistWindows(block.Body, all);
            var before = new List<Node>();
            var after = new List<Node>();
            if (block.Header.StartsWith("for (", System.StringComparison.Ordinal) && block.Trailer is null)
            {
                var assigned = new HashSet<string>(System.StringComparer.Ordinal);
                CollectAssigned(body, assigned);
                if (CountedLoop.Match(block.Header) is { Success: true } counted)
                {
                    assigned.Add(counted.Groups["v"].Value);
                }

                foreach (Match push in body.OfType<Line>().Select(l => WindowPush.Match(l.Text)).Where(m => m.Success).ToList())
                {
                    string rows = push.Groups["rows"].Value, tape = push.Groups["tape"].Value, size = push.Groups["size"].Value;
                    int pushAt = body.FindIndex(n => n is Line l && l.Text == push.Value);
                    int peekAt = body.FindIndex(n => n is Line l && l.Text == $"{rows} = {tape}.PeekWindow({size});");
                    int popAt = body.FindIndex(n => n is Line l && l.Text == $"{tape}.PopWindow({size});");
                    int declarationAt = body.FindIndex(n => n is Line l && Regex.IsMatch(l.Text, @"^global::System\.Span<[A-Za-z0-9_.:]+> " + Regex.Escape(rows) + " = default;$"));
                    Regex mention = MentionOf(tape);
                    int uses = all.Sum(n => CountLines(n, mention));
                    if (popAt < pushAt || (peekAt >= 0 && (peekAt < pushAt || peekAt > popAt)) || uses != (peekAt >= 0 ? 3 : 2) ||
                        (declarationAt >= 0 && declarationAt > pushAt) ||
                        Identifier.Matches(size).Cast<Match>().Any(m => assigned.Contains(m.Value)) ||
                        body.Count(n => n is Line l && AssignedName.Match(l.Text) is { Success: true } a && a.Groups["name"].Value == rows) !=
                            (declarationAt >= 0 ? 1 : 0) + (peekAt >= 0 ? 2 : 1))
                    {
                        continue;
                    }

                    // Declared in the body: the declaration moves out with the push; otherwise the push assigns.
                    string prefix = declarationAt >= 0 && body[declarationAt] is Line declaration
                        ? declaration.Text.Substring(0, declaration.Text.Length - " = default;".Length)
                        : rows;
                    var remove = new HashSet<int> { pushAt, popAt };
                    if (pushAt > 0 && body[pushAt - 1] is Comment explanation)
                    {
                        before.Add(explanation);
                        remove.Add(pushAt - 1);
                    }

                    before.Add(new Comment($"every iteration uses {rows} in the same place on {tape}: it is pushed once, before the loop"));
                    before.Add(new Line($"{prefix} = {tape}.PushWindow({size});"));
                    after.Add(new Line($"{tape}.PopWindow({size});"));
                    if (peekAt >= 0)
                    {
                        remove.Add(peekAt);
                    }

                    if (declarationAt >= 0)
                    {
                        remove.Add(declarationAt);
                    }

                    body = body.Where((_, i) => !remove.Contains(i)).ToList();
                }
            }

            output.AddRange(before);
            output.Add(block with { Body = body });
            output.AddRange(after);
        }

        return output;
    }

    /// <summary>How many lines, block headers and trailers under <paramref name="node"/> match <paramref name="mention"/>.</summary>
    private static int CountLines(Node node, Regex mention) => node switch
    {
        Line line => mention.IsMatch(line.Text) ? 1 : 0,
        BlockNode block => (mention.IsMatch(block.Header) ? 1 : 0) + (block.Trailer is not null && mention.IsMatch(block.Trailer) ? 1 : 0) + block.Body.Sum(n => CountLines(n, mention)),
        _ => 0,
    };
}
