using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace AutoDiff.Generator.Differentiation;

internal static partial class Peephole
{
    private static readonly Regex PoolRent = new(
        @"^(?<type>[A-Za-z_][A-Za-z0-9_.:<>]*)\[\] (?<buffer>[A-Za-z_][A-Za-z0-9_]*) = global::System\.Buffers\.ArrayPool<(?<element>[^>]+)>\.Shared\.Rent\((?<length>[^;]+)\);$",
        RegexOptions.CultureInvariant);

    /// <summary>
    /// A buffer borrowed from the array pool and given back in the same loop iteration (the gradient buffer of a
    /// call to another differentiable method inside a loop) is borrowed once before the loop and given back after
    /// it, when its length does not change in the loop: renting and returning costs a thread-local lookup and a
    /// write barrier each, which in a loop around a short call is a large share of the time.
    /// </summary>
    /// <remarks>
    /// The callee overwrites the buffer whole on every call, so nothing carries over from one iteration to the next.
    /// Applies when no name the length reads is assigned (or declared) in the loop and the loop cannot leave the
    /// method; repeats outward through enclosing loops.
    /// </remarks>
    public static List<Node> HoistPooledBuffers(List<Node> nodes)
    {
        var output = new List<Node>(nodes.Count);
        foreach (Node node in nodes)
        {
            if (node is not BlockNode block)
            {
                output.Add(node);
                continue;
            }

            var body = HoistPooledBuffers(block.Body);
            if (!Regex.IsMatch(block.Header, @"^(?:for|foreach|while|do)\b") || LeavesMethod(body))
            {
                output.Add(block with { Body = body });
                continue;
            }

            var assigned = new HashSet<string>(System.StringComparer.Ordinal);
            CollectAssigned(body, assigned);
            var before = new List<Node>();
            var after = new List<Node>();
            for (int i = 0; i < body.Count; i++)
            {
                if (body[i] is not Line line || PoolRent.Match(line.Text) is not { Success: true } rent)
                {
                    continue;
                }

                string buffer = rent.Groups["buffer"].Value;
                string release = $"global::System.Buffers.ArrayPool<{rent.Groups["element"].Value}>.Shared.Return({buffer});";
                int returned = body.FindIndex(i + 1, n => n is Line l && l.Text == release);
                bool invariant = Identifier.Matches(rent.Groups["length"].Value).Cast<Match>().All(m => !assigned.Contains(m.Value));
                if (returned < 0 || !invariant)
                {
                    continue;
                }

                before.Add(line);
                after.Add(body[returned]);
                body.RemoveAt(returned);
                body.RemoveAt(i);
                i--;
            }

            output.AddRange(before);
            output.Add(block with { Body = body });
            output.AddRange(after);
        }

        return output;
    }
}
