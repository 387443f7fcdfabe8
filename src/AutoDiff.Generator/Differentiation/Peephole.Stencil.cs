using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace AutoDiff.Generator.Differentiation;

internal static partial class Peephole
{
    private static readonly Regex AscendingLoop = new(@"^for \(int (?<v>[A-Za-z_][A-Za-z0-9_]*) = (?<init>[^;]+); \k<v> < (?<end>[^;]+); \k<v>\+\+\)$", RegexOptions.CultureInvariant);

    /// <summary>The widest offset range (highest minus lowest) carried in locals.</summary>
    private const int MaxStencilWidth = 4;

    private static readonly Regex LengthMinus = new(@"^(?<array>[A-Za-z_@][A-Za-z0-9_]*)\.Length(?: - (?<k>[0-9]{1,6}))?$", RegexOptions.CultureInvariant);

    /// <summary>
    /// A loop that counts up by one and accumulates into adjoint elements at fixed offsets from its counter
    /// (<c>d_x[i] -= …; d_x[i + 1] += …;</c>, the adjoint of a stencil such as Rosenbrock's <c>x[i + 1] - x[i] * x[i]</c>)
    /// finishes the lowest-offset element in each iteration: no later iteration touches it. The elements still
    /// open are carried in locals (<c>_d_xNext</c>), and each element is written once, when it is finished, instead of
    /// being read, added to and stored by every iteration that touches it (a store-to-load round trip per access).
    /// </summary>
    /// <remarks>
    /// Applies to a loop <c>for (int i = a; i &lt; b; i++)</c> whose body is straight-line code that does not assign
    /// <c>i</c> or what <c>a</c> and <c>b</c> read, for an adjoint array that the loop mentions only in accumulations
    /// <c>d[i ± k] += …</c> (values not mentioning it). Each element receives the same additions in the same order, so
    /// the results are unchanged. When the loop is the first statement to touch a gradient output, starts its
    /// lowest offset at element 0 and ends its highest at the last element (<c>b</c> is <c>x.Length - k</c> for the
    /// highest offset <c>k</c>), it writes every element: the method's prologue clears the output only when the loop
    /// will not run (the condition is given in <paramref name="unclearedOutputs"/>). A loop with a single offset carries
    /// nothing, but when its one accumulation per iteration writes such an output whole, it becomes an assignment
    /// (<c>dv[i] = e;</c>, a preaccumulated reduction's gradient) and the output is not cleared either. The clear stays in the prologue,
    /// where no other value is live: a call between the start of a fused loop's accumulators and their end makes the
    /// JIT keep the accumulators in memory.
    /// </remarks>
    /// <param name="nodes">The statements.</param>
    /// <param name="adjoints">The adjoint arrays and gradient outputs the generated code owns, with element types.</param>
    /// <param name="clearedOutputs">Gradient outputs the prologue clears, with the parameter whose length they have.</param>
    /// <param name="unclearedOutputs">Receives the gradient outputs a loop now writes whole, with the condition under which
    /// the loop does not run (and the prologue must still clear them).</param>
    public static List<Node> CarryStencilAccumulations(List<Node> nodes, IReadOnlyDictionary<string, string> adjoints,
        IReadOnlyDictionary<string, string> clearedOutputs, IDictionary<string, string> unclearedOutputs)
    {
        // Gradient outputs not yet mentioned by an earlier statement at this level: only those may skip the clear.
        var untouched = new HashSet<string>(clearedOutputs.Keys, System.StringComparer.Ordinal);
        return Carry(nodes, adjoints, clearedOutputs, untouched, unclearedOutputs);
    }

    private static List<Node> Carry(List<Node> nodes, IReadOnlyDictionary<string, string> adjoints, IReadOnlyDictionary<string, string> clearedOutputs,
        HashSet<string> untouched, IDictionary<string, string> unclearedOutputs)
    {
        var none = new HashSet<string>(System.StringComparer.Ordinal);
        var output = new List<Node>(nodes.Count);
        foreach (Node node in nodes)
        {
            if (node is not BlockNode block)
            {
                output.Add(node);
                Touch(node, clearedOutputs, untouched);
                continue;
            }

            // Nested statements never skip a clear: a loop inside a branch may not run at all.
            var body = Carry(block.Body, adjoints, clearedOutputs, none, unclearedOutputs);
            var before = new List<Node>();
            var after = new List<Node>();
            Match loop = AscendingLoop.Match(block.Header);
            if (block.Trailer is null && loop.Success)
            {
                body = CarryLoop(loop, body, adjoints, clearedOutputs, untouched, unclearedOutputs, before, after);
            }

            Touch(block, clearedOutputs, untouched);
            if (before.Count == 0)
            {
                output.Add(block with { Body = body });
                continue;
            }

            // Run only when the loop runs: the last iteration's open elements are written after it.
            var guarded = new List<Node>(before) { block with { Body = body } };
            guarded.AddRange(after);
            output.Add(new BlockNode($"if ({loop.Groups["init"].Value} < {loop.Groups["end"].Value})", guarded));
        }

        return output;
    }

    /// <summary>Removes the outputs <paramref name="node"/> mentions, or whose parameter (their length) it assigns.</summary>
    private static void Touch(Node node, IReadOnlyDictionary<string, string> clearedOutputs, HashSet<string> untouched)
    {
        if (untouched.Count == 0)
        {
            return;
        }

        var assigned = new HashSet<string>(System.StringComparer.Ordinal);
        CollectAssigned(new List<Node> { node }, assigned);
        untouched.RemoveWhere(name => Mentions(node, MentionOf(name)) || assigned.Contains(clearedOutputs[name]));
    }

    /// <summary>A mention of <paramref name="name"/> as a whole identifier.</summary>
    private static Regex MentionOf(string name) =>
        new(@"(?<![A-Za-z0-9_])" + Regex.Escape(name) + @"(?![A-Za-z0-9_])", RegexOptions.CultureInvariant);

    private static List<Node> CarryLoop(Match loop, List<Node> body, IReadOnlyDictionary<string, string> adjoints,
        IReadOnlyDictionary<string, string> clearedOutputs, HashSet<string> untouched, IDictionary<string, string> unclearedOutputs,
        List<Node> before, List<Node> after)
    {
        if (body.Exists(n => n is not Line and not Comment) ||
            body.OfType<Line>().Any(l => Regex.IsMatch(l.Text, @"^(?:return|goto|break|continue)\b")))
        {
            return body;
        }

        string v = loop.Groups["v"].Value, init = loop.Groups["init"].Value, end = loop.Groups["end"].Value;
        var assigned = new HashSet<string>(System.StringComparer.Ordinal);
        CollectAssigned(body, assigned);
        // The bounds are evaluated again around the loop: only names, numbers and arithmetic, none assigned in the body.
        if (!Regex.IsMatch(init + " " + end, @"^[A-Za-z0-9_@. +\-*]+$") ||
            Identifier.Matches(init + " " + end).Cast<Match>().Any(m => assigned.Contains(m.Value)) || assigned.Contains(v))
        {
            return body;
        }

        var index = new Regex(@"^" + Regex.Escape(v) + @"(?: (?<sign>[+-]) (?<k>[0-9]{1,4}))?$", RegexOptions.CultureInvariant);
        foreach (KeyValuePair<string, string> adjoint in adjoints.OrderBy(a => a.Key, System.StringComparer.Ordinal))
        {
            string array = adjoint.Key;
            Regex mention = MentionOf(array);
            if (mention.IsMatch(init) || mention.IsMatch(end))
            {
                continue;
            }

            // Every line that mentions the array must be an accumulation at a fixed offset from the counter.
            var offsets = new Dictionary<int, int>();
            bool qualifies = true, any = false;
            for (int i = 0; i < body.Count && qualifies; i++)
            {
                if (body[i] is not Line line || !mention.IsMatch(line.Text))
                {
                    continue;
                }

                any = true;
                Match accumulation = ElementAccumulation.Match(line.Text);
                Match at = index.Match(accumulation.Groups["index"].Value.Trim());
                qualifies = accumulation.Success && at.Success && accumulation.Groups["array"].Value == array &&
                            !mention.IsMatch(accumulation.Groups["value"].Value);
                if (qualifies)
                {
                    int k = at.Groups["k"].Success ? int.Parse(at.Groups["k"].Value, CultureInfo.InvariantCulture) : 0;
                    offsets[i] = at.Groups["sign"].Value == "-" ? -k : k;
                }
            }

            if (!qualifies || !any)
            {
                continue;
            }

            int low = offsets.Values.Min(), high = offsets.Values.Max();
            if (low == high)
            {
                // One offset is a plain read-modify-write per element: nothing to carry. But a single addition per
                // iteration that covers a cleared output whole is its first write: it assigns, and nothing clears.
                if (offsets.Count == 1 && WritesWhole(array, init, end, low, high, clearedOutputs, untouched))
                {
                    int at = offsets.Keys.Single();
                    Match only = ElementAccumulation.Match(((Line)body[at]).Text);
                    body = new List<Node>(body);
                    body[at] = new Line($"{array}[{only.Groups["index"].Value}] = {Signed(only.Groups["op"].Value, only.Groups["value"].Value)};");
                    unclearedOutputs[array] = $"{init} >= {end}";
                }

                continue;
            }

            if (high - low > MaxStencilWidth)
            {
                // Far-apart offsets would need a local per element in between.
                continue;
            }

            string type = adjoint.Value;
            string stem = "_" + array.TrimStart('@', '_');
            string sum = stem + "Sum";
            string Next(int offset) => stem + "Next" + (high - low == 1 ? string.Empty : (offset - low).ToString(CultureInfo.InvariantCulture));
            string At(int offset) => offset == 0 ? v : offset > 0 ? $"{v} + {offset}" : $"{v} - {-offset}";

            // Written whole: the loop starts its lowest offset at element 0 and ends its highest at the last element.
            bool writesWhole = WritesWhole(array, init, end, low, high, clearedOutputs, untouched);
            if (writesWhole)
            {
                unclearedOutputs[array] = $"{init} >= {end}";
            }

            var rewritten = new List<Node>(body.Count + high - low + 2)
            {
                new Comment($"{array}[{At(low)}] is finished in this iteration; the later elements this iteration adds to are carried in locals"),
                new Line($"{type} {sum} = {Next(low + 1)};"),
            };
            for (int offset = low + 1; offset < high; offset++)
            {
                rewritten.Add(new Line($"{Next(offset)} = {Next(offset + 1)};"));
            }

            // The highest element's share starts in this iteration, in a local of the iteration that becomes the
            // carried one at the end: the carried local's old value is dead by then, so the JIT needs no copy.
            string fresh = stem + "New";
            bool highStarted = false;
            for (int i = 0; i < body.Count; i++)
            {
                if (!offsets.TryGetValue(i, out int offset))
                {
                    rewritten.Add(body[i]);
                    continue;
                }

                Match accumulation = ElementAccumulation.Match(((Line)body[i]).Text);
                string op = accumulation.Groups["op"].Value, value = accumulation.Groups["value"].Value;
                string target = offset == low ? sum : offset == high ? fresh : Next(offset);
                if (offset == high && !highStarted)
                {
                    highStarted = true;
                    rewritten.Add(new Line($"{type} {target} = {Signed(op, value)};"));
                }
                else
                {
                    rewritten.Add(new Line($"{target} {op}= {value};"));
                }
            }

            rewritten.Add(new Line($"{array}[{At(low)}] {(writesWhole ? "=" : "+=")} {sum};"));
            rewritten.Add(new Line($"{Next(high)} = {fresh};"));
            body = rewritten;

            // Before the loop: the carried locals start at zero. After it: the last iteration's open elements.
            for (int offset = low + 1; offset <= high; offset++)
            {
                before.Add(new Line($"{type} {Next(offset)} = 0;"));
                after.Add(new Line($"{array}[{Shifted(end, offset - 1)}] {(writesWhole ? "=" : "+=")} {Next(offset)};"));
            }
        }

        return body;
    }

    /// <summary>
    /// Whether a loop from <paramref name="init"/> to <paramref name="end"/> whose accumulations into
    /// <paramref name="array"/> sit at offsets <paramref name="low"/> to <paramref name="high"/> from its counter writes
    /// every element of a gradient output nothing has touched yet: the lowest offset starts at element 0 and the highest
    /// ends at the last element (<paramref name="end"/> is <c>x.Length - high</c>).
    /// </summary>
    private static bool WritesWhole(string array, string init, string end, int low, int high,
        IReadOnlyDictionary<string, string> clearedOutputs, HashSet<string> untouched) =>
        clearedOutputs.TryGetValue(array, out string? primal) && untouched.Contains(array) &&
        int.TryParse(init.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int first) && first + low == 0 &&
        LengthMinus.Match(end.Trim()) is { Success: true } length &&
        (length.Groups["array"].Value == primal || length.Groups["array"].Value == array) &&
        (length.Groups["k"].Success ? int.Parse(length.Groups["k"].Value, CultureInfo.InvariantCulture) : 0) == high;

    /// <summary>The value an accumulation <c>op= value</c> assigns to an element that held zero.</summary>
    private static string Signed(string op, string value) =>
        op == "+" ? value : "-" + (IsAtom(value) && !value.StartsWith("-", System.StringComparison.Ordinal) ? value : "(" + value + ")");

    /// <summary><paramref name="end"/> + <paramref name="offset"/>, folding a trailing <c>- k</c> or <c>+ k</c>.</summary>
    private static string Shifted(string end, int offset)
    {
        Match tail = Regex.Match(end, @"^(?<head>.*[^ ]) (?<sign>[+-]) (?<k>[0-9]{1,4})$", RegexOptions.CultureInvariant);
        string head = end;
        int total = offset;
        if (tail.Success)
        {
            head = tail.Groups["head"].Value;
            int k = int.Parse(tail.Groups["k"].Value, CultureInfo.InvariantCulture);
            total += tail.Groups["sign"].Value == "-" ? -k : k;
        }
        else if (!Regex.IsMatch(end, @"^[A-Za-z0-9_@.]+$"))
        {
            head = "(" + end + ")";
        }

        return total == 0 ? head : total > 0 ? $"{head} + {total}" : $"{head} - {-total}";
    }
}
