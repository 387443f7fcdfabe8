using System.Collections.Generic;
using System.Linq;

namespace AutoDiff.Generator.Differentiation;

/// <summary>
/// Passes over the finished forward and reverse sweeps, before they are cleaned up and emitted: what a whole-method
/// view shows and a statement-by-statement transform cannot (a preaccumulation buffer no one else needs, a restore
/// nothing reads, rows small enough for the stack, a branch only whose last taking matters).
/// </summary>
internal sealed partial class ReverseModeBuilder
{
    private static readonly System.Text.RegularExpressions.Regex PreaccumulationBuffer = new(
        @"^(?<element>double|float)\[\] (?<buffer>_g_[A-Za-z0-9_]+) = global::System\.Buffers\.ArrayPool<\k<element>>\.Shared\.Rent\((?<input>@?[A-Za-z_][A-Za-z0-9_]*)\.Length\);$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// A fused loop's preaccumulation buffer for an input whose gradient output nothing else touches before the
    /// buffer is added to it (no forward code mentions the output; the reverse sweep reaches the loop's
    /// <c>AddScaled</c> first) becomes the output itself: the loop adds straight into the cleared output, and the reverse
    /// sweep scales it in place. No pooled buffer, no clearing, no second pass adding it over.
    /// </summary>
    private void PreaccumulateIntoOutputs(List<Node> forward, List<Node> reverse)
    {
        if (!ReferenceEquals(_names, TypeNames.Plain))
        {
            return;
        }

        IReadOnlyDictionary<string, string> cleared = ClearedOutputs();
        for (int i = 0; i < forward.Count; i++)
        {
            if (forward[i] is not Line rent || PreaccumulationBuffer.Match(rent.Text) is not { Success: true } match)
            {
                continue;
            }

            string element = match.Groups["element"].Value, buffer = match.Groups["buffer"].Value, input = match.Groups["input"].Value;
            string? output = cleared.Where(pair => pair.Value == input).Select(pair => pair.Key).FirstOrDefault();
            string clear = $"global::System.Array.Clear({buffer}, 0, {input}.Length);";
            string addScaled = $"global::AutoDiff.CompilerServices.GradientBuffer.AddScaled(new global::System.ReadOnlySpan<{element}>({buffer}, 0, {input}.Length), ";
            string giveBack = $"global::System.Buffers.ArrayPool<{element}>.Shared.Return({buffer});";
            int added = reverse.FindIndex(n => n is Line line && line.Text.StartsWith(addScaled, System.StringComparison.Ordinal) && line.Text.EndsWith($", {output});", System.StringComparison.Ordinal));
            int returned = reverse.FindIndex(n => n is Line line && line.Text == giveBack);
            if (output is null || i + 1 >= forward.Count || forward[i + 1] is not Line { Text: var next } || next != clear || added < 0 || returned < 0 ||
                MentionsText(forward, output) || MentionsText(reverse.GetRange(0, added), output) ||
                !OnlyElementsOf(forward.Where((_, k) => k != i && k != i + 1).ToList(), buffer) ||
                reverse.Where((_, k) => k != added && k != returned).Any(n => MentionsText(new List<Node> { n }, buffer)))
            {
                continue;
            }

            string scale = ((Line)reverse[added]).Text.Substring(addScaled.Length);
            scale = scale.Substring(0, scale.Length - $", {output});".Length);
            var mention = new System.Text.RegularExpressions.Regex($@"(?<![A-Za-z0-9_]){System.Text.RegularExpressions.Regex.Escape(buffer)}(?![A-Za-z0-9_])", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
            List<Node> renamed = RenameText(forward, mention, output);
            forward.Clear();
            forward.AddRange(renamed);
            forward.RemoveRange(i, 2);
            reverse[added] = new Line($"global::AutoDiff.CompilerServices.GradientBuffer.Scale({output}, {scale});");
            reverse.RemoveAt(returned);
            _bufferElements.Remove(buffer);
            i--;
        }
    }

    private static readonly System.Text.RegularExpressions.Regex ScalarRestore = new(
        @"^(?<name>@?[A-Za-z_][A-Za-z0-9_]*) = (?<source>_(?:double|float|int|bool)Tape\.Pop\(\)|_saved_[A-Za-z0-9_]+);$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// A variable whose old value the reverse sweep puts back but never reads afterwards (a running maximum whose
    /// derivative needs only the branches taken, an accumulator whose loop was preaccumulated) is neither saved nor
    /// restored: its pushes and restores go, and so does a <c>_saved_</c> copy nothing else reads. Reads before the
    /// first top-level statement of the reverse sweep that restores it do not count: they run before any restore.
    /// </summary>
    private void DropDeadRestores(List<Node> forward, List<Node> reverse)
    {
        if (!ReferenceEquals(_names, TypeNames.Plain))
        {
            return;
        }

        var restores = new List<Line>();
        CollectLines(reverse, restores);
        var candidates = new SortedSet<string>(restores.Select(l => ScalarRestore.Match(l.Text)).Where(m => m.Success).Select(m => m.Groups["name"].Value), System.StringComparer.Ordinal);
        var forwardLines = new List<Line>();
        CollectLines(forward, forwardLines);
        foreach (string name in candidates)
        {
            // Every mention in the reverse sweep is a restore of this kind, and the forward sweep restores it nowhere
            // (a fused loop runs its iterations' reverse there).
            bool IsRestore(Node node) => node is Line line && ScalarRestore.Match(line.Text) is { Success: true } m && m.Groups["name"].Value == name;
            if (forwardLines.Exists(l => IsRestore(l)))
            {
                continue;
            }

            // Dead when, from the first top-level statement that restores it on, the reverse sweep only restores it:
            // what reads it before that statement runs before any restore.
            int first = reverse.FindIndex(n => RemoveWhere(new List<Node> { n }, IsRestore, dryRun: true) > 0);
            if (CountMentions(reverse.GetRange(first, reverse.Count - first), name) != RemoveWhere(reverse, IsRestore, dryRun: true))
            {
                // Read somewhere: a restore at the top level of the reverse sweep (it runs once) is still dead when
                // nothing after it reads the variable.
                for (int r = reverse.Count - 1; r >= 0; r--)
                {
                    if (IsRestore(reverse[r]) && ScalarRestore.Match(((Line)reverse[r]).Text).Groups["source"].Value is var copy &&
                        copy.StartsWith("_saved_", System.StringComparison.Ordinal) && !MentionsText(reverse.GetRange(r + 1, reverse.Count - r - 1), name))
                    {
                        reverse.RemoveAt(r);
                        DropUnreadCopy(forward, reverse, copy, name);
                    }
                }

                continue;
            }

            var sources = new HashSet<string>(System.StringComparer.Ordinal);
            RemoveWhere(reverse, n =>
            {
                if (IsRestore(n))
                {
                    sources.Add(ScalarRestore.Match(((Line)n).Text).Groups["source"].Value);
                    return true;
                }

                return false;
            });
            RemoveWhere(forward, n => n is Line line && sources.Any(source => source.EndsWith("Tape.Pop()", System.StringComparison.Ordinal) &&
                line.Text == source.Substring(0, source.Length - "Pop()".Length) + "Push(" + name + ");"));
            foreach (string copy in sources.Where(source => source.StartsWith("_saved_", System.StringComparison.Ordinal)))
            {
                DropUnreadCopy(forward, reverse, copy, name);
            }
        }
    }

    /// <summary>Removes the declaration <c>T copy = name;</c> from the forward sweep when the reverse sweep no longer reads the copy.</summary>
    private static void DropUnreadCopy(List<Node> forward, List<Node> reverse, string copy, string name)
    {
        if (!MentionsText(reverse, copy))
        {
            RemoveWhere(forward, n => n is Line line && line.Text.EndsWith($" {copy} = {name};", System.StringComparison.Ordinal) && CountMentions(new List<Node> { n }, copy) == 1);
        }
    }

    private static void CollectLines(List<Node> nodes, List<Line> lines)
    {
        foreach (Node node in nodes)
        {
            if (node is Line line)
            {
                lines.Add(line);
            }
            else if (node is BlockNode block)
            {
                CollectLines(block.Body, lines);
            }
        }
    }

    /// <summary>Removes the nodes, at any depth, that <paramref name="remove"/> selects; returns how many (or would).</summary>
    private static int RemoveWhere(List<Node> nodes, System.Func<Node, bool> remove, bool dryRun = false)
    {
        int count = 0;
        for (int i = nodes.Count - 1; i >= 0; i--)
        {
            if (remove(nodes[i]))
            {
                count++;
                if (!dryRun)
                {
                    nodes.RemoveAt(i);
                }
            }
            else if (nodes[i] is BlockNode block)
            {
                count += RemoveWhere(block.Body, remove, dryRun);
            }
        }

        return count;
    }

    /// <summary>How many lines, block headers and trailers in <paramref name="nodes"/> use the identifier.</summary>
    private static int CountMentions(List<Node> nodes, string name) => nodes.Sum(node => node switch
    {
        Line line => MentionsInText(line.Text, name) ? 1 : 0,
        BlockNode block => (MentionsInText(block.Header, name) ? 1 : 0) + (block.Trailer is not null && MentionsInText(block.Trailer, name) ? 1 : 0) + CountMentions(block.Body, name),
        _ => 0,
    });

    /// <summary>
    /// Rows (<see cref="SaveRowsOnTapes"/>) of a loop at the top level of the method are filled once per call and read
    /// once: up to <see cref="StackedRowBytes"/> bytes of them go on the stack (<c>stackalloc</c>), and the tape is
    /// rented only for more. The span stays put from the forward sweep to the reverse, so it is not looked up again.
    /// A log-sum-exp's branch per element is such a row, and renting a tape cost more than the loop it served.
    /// </summary>
    private void StackTopLevelRows(List<Node> forward, List<Node> reverse)
    {
        for (int t = _rowTapes.Count - 1; t >= 0; t--)
        {
            (string element, string tape) = _rowTapes[t];
            string pushCall = $" = {tape}.PushWindow(";
            int push = forward.FindIndex(n => n is Line line && line.Text.Contains(pushCall) && line.Text.EndsWith(");", System.StringComparison.Ordinal));
            if (push < 0 || CountMentions(forward, tape) != 1 || CountMentions(reverse, tape) != 2)
            {
                continue;
            }

            string text = ((Line)forward[push]).Text;
            string rows = text.Substring(0, text.IndexOf(pushCall, System.StringComparison.Ordinal));
            string size = text.Substring(rows.Length + pushCall.Length, text.Length - rows.Length - pushCall.Length - 2);
            int peek = reverse.FindIndex(n => n is Line line && line.Text == $"{rows} = {tape}.PeekWindow({size});");
            int pop = reverse.FindIndex(n => n is Line line && line.Text == $"{tape}.PopWindow({size});");
            if (peek < 0 || pop < 0 || MentionsText(forward.GetRange(0, push), rows))
            {
                continue;
            }

            int limit = StackedRowBytes / (element switch { "double" => 8, "float" or "int" => 4, _ => 1 });
            string length = rows + "Length";
            if (push > 0 && forward[push - 1] is Comment comment && comment.Text.EndsWith(", a window on a tape of its own", System.StringComparison.Ordinal))
            {
                forward[push - 1] = new Comment(comment.Text.Substring(0, comment.Text.Length - ", a window on a tape of its own".Length) +
                    $", on the stack (past {limit} values, a window on a tape of its own)");
            }

            forward[push] = new Line($"int {length} = {size};");
            forward.Insert(push + 1, new Line($"global::System.Span<{element}> {rows} = {length} <= {limit} ? stackalloc {element}[{length}] : ({tape} = global::AutoDiff.CompilerServices.Tape<{element}>.Rent()).PushWindow({length});"));
            reverse.RemoveAt(System.Math.Max(peek, pop));
            reverse.RemoveAt(System.Math.Min(peek, pop));
            _hoisted.RemoveAll(h => h.Name == rows);
            _rowTapes.RemoveAt(t);
            _stackedRowTapes.Add((element, tape));
        }
    }

    private static readonly System.Text.RegularExpressions.Regex ReverseCountedLoop = new(
        @"^for \(int (?<v>[A-Za-z_][A-Za-z0-9_]*) = .+; \k<v> >= (?<start>[0-9]{1,9}); \k<v>--\)$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static readonly System.Text.RegularExpressions.Regex MovedAdjoint = new(
        @"^(?<target>.+) (?<op>[+-])= (?<adjoint>[A-Za-z_@][A-Za-z0-9_]*);$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// A loop at the top level of the method whose every iteration's reverse is only "if the branch was taken, move the
    /// adjoint of a scalar into another place and clear it" (<c>if (_cond1) { dv[i] += d_max; d_max = 0; }</c>, the
    /// reverse of a running maximum <c>if (v[i] &gt; max) max = v[i];</c>) passes the derivative on in the last
    /// iteration that took the branch and in no other: the reverse runs backwards, so that iteration comes first, and
    /// every later one moves a zero. The forward sweep then records only that iteration (<c>_iLast1 = i;</c>) instead of
    /// a decision per iteration, and the reverse sweep runs the branch's reverse once, for it, instead of the loop:
    /// what a person writes for the gradient of a maximum (an argmax). Exact, up to the sign of a zero.
    /// </summary>
    private void KeepLastTakenBranches(List<Node> forward, List<Node> reverse)
    {
        for (int t = _stackedRowTapes.Count - 1; t >= 0; t--)
        {
            (string element, string tape) = _stackedRowTapes[t];
            string rows = tape.Substring(0, tape.Length - "Tape".Length);
            string length = rows + "Length";
            int declaration = forward.FindIndex(n => n is Line line && line.Text.StartsWith($"int {length} = ", System.StringComparison.Ordinal));
            if (element != "bool" || declaration < 0 || declaration + 1 >= forward.Count ||
                forward[declaration + 1] is not Line { Text: var stacked } || !stacked.StartsWith($"global::System.Span<bool> {rows} = ", System.StringComparison.Ordinal))
            {
                continue;
            }

            // The forward loop: its body ends by saving the decision (rows[slot] = c;), the only use of the rows there.
            var saves = new List<(List<Node> Body, int Index)>();
            FindLines(forward, line => line.Text.StartsWith(rows + "[", System.StringComparison.Ordinal), saves);
            if (saves.Count != 1 || CountMentions(forward, rows) != 2)
            {
                continue;
            }

            (List<Node> forwardBody, int saveIndex) = saves[0];
            string save = ((Line)forwardBody[saveIndex]).Text;
            int equals = save.IndexOf("] = ", System.StringComparison.Ordinal);
            if (equals < 0 || saveIndex != forwardBody.Count - 1)
            {
                continue;
            }

            string slot = save.Substring(rows.Length + 1, equals - rows.Length - 1);
            string decision = save.Substring(equals + "] = ".Length).TrimEnd(';');
            int branch = forwardBody.FindIndex(n => n is BlockNode block && block.Header == $"if ({decision})" && block.Trailer is null);
            if (branch < 0 || forwardBody.Count(n => n is BlockNode) != 1)
            {
                continue;
            }

            // The reverse loop: a restore of the decision, then the branch, whose every line moves one adjoint.
            string restore = $"{decision} = {rows}[{slot}];";
            int loopIndex = reverse.FindIndex(n => n is BlockNode block && block.Body.OfType<Line>().FirstOrDefault()?.Text == restore);
            if (loopIndex < 0 || CountMentions(reverse, rows) != 1 || ReverseCountedLoop.Match(((BlockNode)reverse[loopIndex]).Header) is not { Success: true } header)
            {
                continue;
            }

            var reverseLoop = (BlockNode)reverse[loopIndex];
            List<Node> statements = reverseLoop.Body.Where(n => n is not Comment).ToList();
            if (statements.Count != 2 || statements[1] is not BlockNode { Trailer: null } arm || arm.Header != $"if ({decision})" ||
                !MovesOneAdjoint(arm.Body.Where(n => n is not Comment).ToList(), rows))
            {
                continue;
            }

            string variable = header.Groups["v"].Value;
            string last = _namer.Fresh("_" + variable.TrimStart('@') + "Last");
            var takenForward = (BlockNode)forwardBody[branch];
            forwardBody[branch] = takenForward with { Body = new List<Node>(takenForward.Body) { new Line($"{last} = {variable};") } };
            forwardBody.RemoveAt(saveIndex);
            if (declaration > 0 && forward[declaration - 1] is Comment)
            {
                forward.RemoveAt(declaration - 1);
                declaration--;
            }

            forward[declaration] = new Comment("the reverse sweep needs only which iteration last took the branch below, not a decision per iteration");
            forward[declaration + 1] = new Line($"int {last} = -1;");
            var once = new List<Node> { new Line($"int {variable} = {last};") };
            once.AddRange(arm.Body);
            reverse[loopIndex] = new BlockNode($"if ({last} >= {header.Groups["start"].Value})", once);
            if (loopIndex > 0 && reverse[loopIndex - 1] is Comment heading && heading.Text.EndsWith(", backwards", System.StringComparison.Ordinal))
            {
                reverse[loopIndex - 1] = new Comment(heading.Text + ": only the last iteration that took the branch passes a derivative on");
            }

            _stackedRowTapes.RemoveAt(t);
        }
    }

    /// <summary>
    /// Whether <paramref name="lines"/> move the adjoint of one scalar elsewhere and clear it (<c>x[i] += d_s; … d_s = 0;</c>),
    /// so that running them again after they ran once changes nothing.
    /// </summary>
    private static bool MovesOneAdjoint(List<Node> lines, string rows)
    {
        if (lines.Count < 2 || lines[lines.Count - 1] is not Line { Text: var clear } || !clear.EndsWith(" = 0;", System.StringComparison.Ordinal))
        {
            return false;
        }

        string adjoint = clear.Substring(0, clear.Length - " = 0;".Length);
        return lines.Take(lines.Count - 1).All(n => n is Line line && MovedAdjoint.Match(line.Text) is { Success: true } move &&
            move.Groups["adjoint"].Value == adjoint && !MentionsInText(move.Groups["target"].Value, adjoint) && !MentionsInText(move.Groups["target"].Value, rows));
    }

    /// <summary>The lines, at any depth, that <paramref name="match"/> selects, with the list that holds each and its index there.</summary>
    private static void FindLines(List<Node> nodes, System.Func<Line, bool> match, List<(List<Node> Body, int Index)> found)
    {
        for (int i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is Line line && match(line))
            {
                found.Add((nodes, i));
            }
            else if (nodes[i] is BlockNode block)
            {
                FindLines(block.Body, match, found);
            }
        }
    }
}
