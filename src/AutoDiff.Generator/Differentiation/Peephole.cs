using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace AutoDiff.Generator.Differentiation;

/// <summary>
/// Small clean-ups on generated statements, as a person would write them: consecutive accumulations into the same
/// adjoint (<c>d += a; d += b;</c>) become one (<c>d += a + b;</c>), one read-modify-write instead of several.
/// </summary>
internal static partial class Peephole
{
    private static readonly Regex Accumulation = new(@"^(?<target>[A-Za-z_@][A-Za-z0-9_\[\] +\-*]*?) (?<op>[+-])= (?<value>.+);$", RegexOptions.CultureInvariant);

    /// <param name="nodes">The statements.</param>
    /// <param name="primal">
    /// Variables of the original computation, whose accumulations stay as written: <c>(s + a) + b</c> and
    /// <c>s + (a + b)</c> round differently, and the generated method returns exactly what the original does.
    /// </param>
    public static List<Node> MergeAccumulations(List<Node> nodes, ISet<string>? primal = null)
    {
        var output = new List<Node>(nodes.Count);
        foreach (Node node in nodes)
        {
            Node current = node is BlockNode block ? block with { Body = MergeAccumulations(block.Body, primal) } : node;

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
                !second.Groups["value"].Value.Contains(first.Groups["target"].Value) &&
                (primal is null || !primal.Contains(Identifier.Match(first.Groups["target"].Value).Value)))
            {
                string target = first.Groups["target"].Value;
                string op = first.Groups["op"].Value;
                string value = second.Groups["value"].Value;
                string firstValue = first.Groups["value"].Value;
                string combined = op == second.Groups["op"].Value
                    ? (SameProduct(firstValue, value) ? (IsProduct(firstValue) ? Code.Twice(firstValue) : "2 * (" + firstValue + ")") : firstValue + " + " + value)
                    : firstValue + " - " + (IsAtom(value) ? value : "(" + value + ")");
                output.RemoveAt(previousIndex);
                output.Add(new Line($"{target} {op}= {combined};"));
                continue;
            }

            output.Add(current);
        }

        return output;
    }

    private static readonly Regex ZeroDeclaration = new(@"^(?<type>double|float|global::AutoDiff\.Dual) (?<name>[A-Za-z_][A-Za-z0-9_]*) = 0;$", RegexOptions.CultureInvariant);

    /// <summary>
    /// <c>double d = 0; … d += e;</c> with nothing in between mentioning <c>d</c> becomes <c>… double d = e;</c>:
    /// the compiler may not drop <c>0 + e</c> on floating point (it would turn −0 into +0), so this saves an add.
    /// </summary>
    public static List<Node> InitializeOnFirstAccumulation(List<Node> nodes)
    {
        var output = new List<Node>(nodes.Count);
        foreach (Node node in nodes)
        {
            output.Add(node is BlockNode block ? block with { Body = InitializeOnFirstAccumulation(block.Body) } : node);
        }

        for (int i = 0; i < output.Count; i++)
        {
            if (output[i] is not Line declaration || ZeroDeclaration.Match(declaration.Text) is not { Success: true } zero)
            {
                continue;
            }

            string name = zero.Groups["name"].Value;
            Regex mention = MentionOf(name);
            for (int j = i + 1; j < output.Count; j++)
            {
                if (output[j] is Comment)
                {
                    continue;
                }

                if (output[j] is Line line && Accumulation.Match(line.Text) is { Success: true } first && first.Groups["target"].Value == name &&
                    !mention.IsMatch(first.Groups["value"].Value))
                {
                    string value = first.Groups["value"].Value;
                    string initial = first.Groups["op"].Value == "+" ? value : "-" + (IsAtom(value) ? value : "(" + value + ")");
                    output[j] = new Line($"{zero.Groups["type"].Value} {name} = {initial};");
                    output.RemoveAt(i);
                    i--;
                    break;
                }

                if (Mentions(output[j], mention))
                {
                    break;
                }
            }
        }

        return output;
    }

    private static readonly Regex CountedLoop = new(@"^for \(int (?<v>[A-Za-z_][A-Za-z0-9_]*) = (?<init>[^;]+); (?<cond>(?<cv>[A-Za-z_][A-Za-z0-9_]*) (?:>=|<=|<|>) [^;]+); [^;]+\)$", RegexOptions.CultureInvariant);

    private static readonly Regex ElementAccumulation = new(@"^(?<array>[A-Za-z_][A-Za-z0-9_]*)\[(?<index>[^\[\]()]+)\] (?<op>[+-])= (?<value>.+);$", RegexOptions.CultureInvariant);

    private static readonly Regex AssignedName = new(@"^(?:[A-Za-z_][A-Za-z0-9_.:<>]*\s+)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:[+\-*/]?=(?!=)|\+\+|--)", RegexOptions.CultureInvariant);

    private static readonly Regex Identifier = new(@"[A-Za-z_][A-Za-z0-9_]*", RegexOptions.CultureInvariant);

    /// <summary>
    /// An accumulation into one array element that a counted loop does not move (<c>d_x[i] += … </c> inside a loop
    /// over j) keeps the element in a local across the loop: one load and one store instead of a read-modify-write
    /// per iteration, whose store-to-load latency would chain the iterations. Only when nothing else in the loop
    /// mentions the array, and only when the loop runs at least once (so the element is read only where the
    /// original code reads it).
    /// </summary>
    /// <remarks>
    /// In a loop whose body is straight-line code, two more values move to locals: an integer counter the body steps
    /// (<c>lIndex--;</c>), and an element of one of <paramref name="arrays"/> at an index the loop does not move
    /// (<c>x[i]</c> inside a loop over j) when the body writes no element of those arrays and calls nothing that
    /// could. In a large method the JIT otherwise keeps such a counter in memory (a store and a load on every
    /// iteration's critical path) and reloads the element because a store to another array might change it.
    /// </remarks>
    /// <param name="nodes">The statements.</param>
    /// <param name="counters">Names of the method's <c>int</c> locals and parameters.</param>
    /// <param name="arrays">Names of the method's arrays (the user's, not the adjoints the generated code writes).</param>
    /// <param name="spans">Arrays and spans the generated code indexes (the user's, the adjoints, the buffers), with their
    /// element types: inside such a loop they are indexed through a span local declared just before it. A span made
    /// right before the loop is a short-lived value the JIT keeps in registers, where a method-long array variable is
    /// spilled and reloaded from the stack on every iteration once the method has more live arrays than registers.</param>
    /// <param name="scalarOutputs">The method's scalar gradient outputs (<c>out double dw</c>): a loop that only adds to
    /// one keeps the sum in a local and stores it once after the loop, where adding through the reference would store
    /// and reload it on every iteration.</param>
    /// <param name="freshArrays">Those of <paramref name="arrays"/> that the method creates and never reassigns: a write to
    /// one cannot change an element of another array, so a loop that writes only such arrays still keeps another
    /// array's loop-invariant element in a local (GMM's <c>xCentered[i]</c> while it updates <c>qxCentered[j]</c>).</param>
    /// <param name="privateArrays">Arrays only the generated code can reach (adjoints of the method's own arrays, gradient
    /// buffers): in a straight-line loop body, an element added to, read and then overwritten in the same iteration
    /// (<c>d_x[i] += a; … -= d_x[i]; d_x[i] = 0;</c>) is summed in a local instead (<c>var _fwd1 = d_x[i] + a;</c>), so the
    /// iteration does not store a value only to load it back.</param>
    public static List<Node> PromoteInvariantAccumulations(List<Node> nodes, ISet<string>? counters = null, ISet<string>? arrays = null,
        IReadOnlyDictionary<string, string>? spans = null, ISet<string>? scalarOutputs = null, ISet<string>? freshArrays = null,
        ISet<string>? privateArrays = null)
    {
        int counter = 0;
        return Promote(nodes, ref counter, counters ?? new HashSet<string>(), arrays ?? new HashSet<string>(),
            spans ?? new Dictionary<string, string>(), scalarOutputs ?? new HashSet<string>(), freshArrays ?? new HashSet<string>(),
            privateArrays ?? new HashSet<string>());
    }

    private static readonly Regex Step = new(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:\+\+|--);$", RegexOptions.CultureInvariant);

    /// <summary><c>a[index]</c>, where the index may hold balanced parentheses (<c>a[i * (2 * d - i - 1) / 2 + j]</c>) but no brackets.</summary>
    private static readonly Regex ElementRead = new(@"(?<![A-Za-z0-9_.])(?<array>[A-Za-z_][A-Za-z0-9_]*)\[(?<index>(?:[^\[\]()]|(?<open>\()|(?<-open>\)))+(?(open)(?!)))\]", RegexOptions.CultureInvariant);

    private static readonly Regex MathCall = new(@"global::System\.MathF?\.[A-Za-z]+\(", RegexOptions.CultureInvariant);

    private static readonly Regex AnyCall = new(@"[A-Za-z0-9_]\(", RegexOptions.CultureInvariant);

    private static bool PromoteStraightLine(List<Node> body, HashSet<string> changing, string header, ISet<string> counters, ISet<string> arrays,
        IReadOnlyDictionary<string, string> spans, ISet<string> freshArrays, List<Node> before, List<Node> after, ref int counter)
    {
        if (body.Exists(n => n is not Line and not Comment))
        {
            return false;
        }

        List<Line> lines = body.OfType<Line>().ToList();
        if (lines.Exists(l => l.Text.StartsWith("return", System.StringComparison.Ordinal) || l.Text.StartsWith("goto", System.StringComparison.Ordinal)))
        {
            return false;
        }

        bool changed = false;
        bool calls = lines.Exists(l => AnyCall.IsMatch(MathCall.Replace(l.Text, "(")));
        var writtenArrays = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (Line line in lines)
        {
            if (ElementRead.Match(line.Text) is { Success: true, Index: 0 } target && arrays.Contains(target.Groups["array"].Value) &&
                AssignedName.IsMatch(line.Text.Substring(target.Length).Insert(0, "x")))
            {
                writtenArrays.Add(target.Groups["array"].Value);
            }
        }

        // A written array may be the read one unless one of the two is an array the method created itself.
        bool MayChange(string array) => writtenArrays.Contains(array) || (!freshArrays.Contains(array) && writtenArrays.Any(w => !freshArrays.Contains(w)));
        if (!calls)
        {
            var reads = new List<string>();
            foreach (Line line in lines)
            {
                foreach (Match read in ElementRead.Matches(line.Text))
                {
                    string array = read.Groups["array"].Value;
                    bool invariant = arrays.Contains(array) && !changing.Contains(array) && !MayChange(array) &&
                                     Identifier.Matches(read.Groups["index"].Value).Cast<Match>().All(m => !changing.Contains(m.Value));
                    if (invariant && !reads.Contains(read.Value))
                    {
                        reads.Add(read.Value);
                    }
                }
            }

            foreach (string read in reads)
            {
                string local = "_elem" + (++counter).ToString(System.Globalization.CultureInfo.InvariantCulture);
                before.Add(new Line($"var {local} = {read};"));
                var occurrence = new Regex(@"(?<![A-Za-z0-9_.])" + Regex.Escape(read), RegexOptions.CultureInvariant);
                for (int i = 0; i < body.Count; i++)
                {
                    if (body[i] is Line line)
                    {
                        body[i] = new Line(occurrence.Replace(line.Text, local));
                    }
                }

                changed = true;
            }
        }

        foreach (Line line in lines)
        {
            if (Step.Match(line.Text) is not { Success: true } step || !counters.Contains(step.Groups["name"].Value))
            {
                continue;
            }

            string name = step.Groups["name"].Value;
            var mention = new Regex(@"(?<![A-Za-z0-9_.])" + Regex.Escape(name) + @"(?![A-Za-z0-9_])", RegexOptions.CultureInvariant);
            bool onlyStepped = body.OfType<Line>().All(l => Step.Match(l.Text) is { Success: true } s && s.Groups["name"].Value == name ||
                                                             AssignedName.Match(l.Text) is not { Success: true } assigned || assigned.Groups["name"].Value != name);
            if (mention.IsMatch(header) || !onlyStepped || before.Exists(n => n is Line b && b.Text.EndsWith(" = " + name + ";", System.StringComparison.Ordinal)))
            {
                continue;
            }

            string local = "_count" + (++counter).ToString(System.Globalization.CultureInfo.InvariantCulture);
            before.Add(new Line($"int {local} = {name};"));
            for (int i = 0; i < body.Count; i++)
            {
                if (body[i] is Line l)
                {
                    body[i] = new Line(mention.Replace(l.Text, local));
                }
            }

            after.Add(new Line($"{name} = {local};"));
            changed = true;
        }

        // Index the arrays through span locals made just before the loop (see PromoteInvariantAccumulations).
        var indexed = new List<string>();
        foreach (Node node in body)
        {
            if (node is Line line)
            {
                foreach (Match access in ElementRead.Matches(line.Text))
                {
                    string array = access.Groups["array"].Value;
                    if (spans.ContainsKey(array) && !changing.Contains(array) && !indexed.Contains(array) && !Regex.IsMatch(header, @"(?<![A-Za-z0-9_.])" + Regex.Escape(array) + @"\["))
                    {
                        indexed.Add(array);
                    }
                }
            }
        }

        foreach (string array in indexed)
        {
            var access = new Regex(@"(?<![A-Za-z0-9_.])" + Regex.Escape(array) + @"\[", RegexOptions.CultureInvariant);
            bool written = body.OfType<Line>().Any(l =>
                ElementRead.Match(l.Text) is { Success: true, Index: 0 } target && target.Groups["array"].Value == array &&
                AssignedName.IsMatch(l.Text.Substring(target.Length).Insert(0, "x")));
            // Named after the array; each promoted loop has its own block, and one loop names an array once.
            string local = "_" + array.TrimStart('@', '_') + "Span";
            string spanType = $"global::System.{(written ? "Span" : "ReadOnlySpan")}<{spans[array]}>";
            if (CommonOffset(body, array, header, changing) is { } window)
            {
                // Every index is the same offset plus the loop's counter: index a slice as long as the loop's run by the
                // counter alone. The JIT then sees every index in range and checks none of them.
                string counterName = CountedLoop.Match(header).Groups["v"].Value;
                if (window.Offset != "0")
                {
                    var offsetAccess = new Regex(@"(?<![A-Za-z0-9_.])" + Regex.Escape(array) + @"\[" + Regex.Escape(window.Offset) + " \\+ " + Regex.Escape(counterName) + @"\]", RegexOptions.CultureInvariant);
                    for (int i = 0; i < body.Count; i++)
                    {
                        if (body[i] is Line line)
                        {
                            body[i] = new Line(offsetAccess.Replace(line.Text, array + "[" + counterName + "]"));
                        }
                    }
                }

                before.Add(new Line($"{spanType} {local} = (({spanType}){array}).Slice({window.Offset}, {window.Count});"));
            }
            else
            {
                before.Add(new Line($"{spanType} {local} = {array};"));
            }

            for (int i = 0; i < body.Count; i++)
            {
                if (body[i] is Line line)
                {
                    body[i] = new Line(access.Replace(line.Text, local + "["));
                }
            }

            changed = true;
        }

        return changed;
    }

    /// <summary>
    /// The offset <c>P</c> and the loop's number of iterations <c>n</c> when the loop counts <c>i</c> up from 0 to below
    /// <c>n</c> (or down from <c>n - 1</c> to 0) and every access to <paramref name="array"/> in its body is
    /// <c>array[P + i]</c> (or <c>array[i]</c>, offset 0), with <c>P</c> and <c>n</c> values the loop does not change.
    /// Then the slice of <c>n</c> elements from <c>P</c> holds every element the loop touches, each of its runs touches
    /// them all (the body is straight-line code), and its counter is always a valid index into it.
    /// </summary>
    private static (string Offset, string Count)? CommonOffset(List<Node> body, string array, string header, HashSet<string> changing)
    {
        Match loop = CountedLoop.Match(header);
        string counter = loop.Groups["v"].Value;
        string condition = loop.Groups["cond"].Value;
        string init = loop.Groups["init"].Value;
        string? count = null;
        if (!loop.Success)
        {
            return null;
        }

        if (init == "0" && condition.StartsWith(counter + " < ", System.StringComparison.Ordinal))
        {
            count = condition.Substring(counter.Length + 3);
        }
        else if (condition == counter + " >= 0")
        {
            count = init.EndsWith(" - 1", System.StringComparison.Ordinal) && !NeedsParentheses(init.Substring(0, init.Length - 4))
                ? init.Substring(0, init.Length - 4)
                : (NeedsParentheses(init) ? "(" + init + ")" : init) + " + 1";
        }

        if (count is null || AnyCall.IsMatch(count) || Identifier.Matches(count).Cast<Match>().Any(m => changing.Contains(m.Value)))
        {
            return null;
        }

        string? offset = null;
        string suffix = " + " + counter;
        foreach (Node node in body)
        {
            if (node is not Line line)
            {
                continue;
            }

            foreach (Match access in ElementRead.Matches(line.Text))
            {
                if (access.Groups["array"].Value != array)
                {
                    continue;
                }

                string index = access.Groups["index"].Value;
                if (index != counter && !index.EndsWith(suffix, System.StringComparison.Ordinal))
                {
                    return null;
                }

                string candidate = index == counter ? "0" : index.Substring(0, index.Length - suffix.Length);
                if ((offset is not null && candidate != offset) || candidate.IndexOfAny(new[] { '?', '<', '>', '=', '&', '|', '^' }) >= 0 ||
                    Identifier.Matches(candidate).Cast<Match>().Any(m => changing.Contains(m.Value)))
                {
                    return null;
                }

                offset = candidate;
            }

            // Any other use of the array (a call argument, its length) keeps it whole.
            int accesses = ElementRead.Matches(line.Text).Cast<Match>().Count(m => m.Groups["array"].Value == array);
            if (MentionOf(array).Matches(line.Text).Count != accesses)
            {
                return null;
            }
        }

        return offset is null ? null : (offset, count);
    }

    private static readonly Regex SpanView = new(@"^global::System\.(?<kind>ReadOnlySpan|Span)<(?<element>[A-Za-z0-9_.:]+)> (?<local>_[A-Za-z0-9_]+Span) = (?<array>@?[A-Za-z_][A-Za-z0-9_]*);$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The span locals that <see cref="PromoteInvariantAccumulations"/> declares before inner loops, when they view a
    /// whole array (no slice) that the enclosing counted loop never reassigns, are made once before that loop
    /// (<c>_icfView1</c>) and copied where they were made: a triangular loop nest otherwise rebuilds them from the
    /// array variables on every outer iteration, reloading each from the stack in a large method. Counters the inner
    /// loops carry are carried across the enclosing loop as well (<see cref="LiftCounters"/>).
    /// </summary>
    /// <param name="nodes">The statements, after <see cref="PromoteInvariantAccumulations"/>.</param>
    /// <param name="counter">Numbers the views; shared by the calls for one method, whose sweeps share a scope.</param>
    public static List<Node> HoistSpanViews(List<Node> nodes, ref int counter)
    {
        var output = new List<Node>(nodes.Count);
        foreach (Node node in nodes)
        {
            if (node is not BlockNode block)
            {
                output.Add(node);
                continue;
            }

            var body = HoistSpanViews(block.Body, ref counter);
            if (block.Trailer is not null || !CountedLoop.IsMatch(block.Header))
            {
                output.Add(block with { Body = body });
                continue;
            }

            List<Node> lifted = LiftCounters(body, block.Header, ref counter, out List<Node> afterLoop);
            output.AddRange(lifted);
            var assigned = new HashSet<string>(System.StringComparer.Ordinal);
            CollectAssigned(body, assigned);
            var views = new Dictionary<string, (string Element, bool Writable, string Name)>(System.StringComparer.Ordinal);
            for (int i = 0; i < body.Count; i++)
            {
                if (body[i] is not BlockNode inner)
                {
                    continue;
                }

                // The guard PromoteInvariantAccumulations puts around an inner loop, or the inner loop itself.
                List<Node> innerBody = inner.Body;
                var rewritten = new List<Node>(innerBody.Count);
                bool changed = false;
                foreach (Node innerNode in innerBody)
                {
                    if (innerNode is Line line && SpanView.Match(line.Text) is { Success: true } view && !assigned.Contains(view.Groups["array"].Value))
                    {
                        string array = view.Groups["array"].Value;
                        bool writable = view.Groups["kind"].Value == "Span";
                        if (!views.TryGetValue(array, out var known))
                        {
                            known = (view.Groups["element"].Value, writable, "_" + array.TrimStart('@', '_') + "View" + (++counter).ToString(System.Globalization.CultureInfo.InvariantCulture));
                        }

                        views[array] = (known.Element, known.Writable || writable, known.Name);
                        rewritten.Add(new Line($"global::System.{view.Groups["kind"].Value}<{view.Groups["element"].Value}> {view.Groups["local"].Value} = {known.Name};"));
                        changed = true;
                    }
                    else
                    {
                        rewritten.Add(innerNode);
                    }
                }

                if (changed)
                {
                    body[i] = inner with { Body = rewritten };
                }
            }

            if (views.Count > 0)
            {
                output.Add(new Comment("the loop does not move these arrays: view them as spans once, before it"));
                foreach (KeyValuePair<string, (string Element, bool Writable, string Name)> view in views)
                {
                    output.Add(new Line($"global::System.{(view.Value.Writable ? "Span" : "ReadOnlySpan")}<{view.Value.Element}> {view.Value.Name} = {view.Key};"));
                }
            }

            output.Add(block with { Body = body });
            output.AddRange(afterLoop);
        }

        return output;
    }

    private static readonly Regex CounterCopy = new(@"^int (?<local>_count[0-9]+) = (?<name>[A-Za-z_][A-Za-z0-9_]*);$", RegexOptions.CultureInvariant);

    /// <summary>
    /// A counter that an inner loop carries in a local (<c>int _count2 = lIndex; … lIndex = _count2;</c> around it, from
    /// <see cref="PromoteInvariantAccumulations"/>), when nothing else in the enclosing loop's body mentions it, is
    /// carried in that local across the whole enclosing loop: the triangular Q·(x − μ) nest otherwise stores the
    /// counter to memory and loads it back between rows, on the path of every row's first index.
    /// </summary>
    /// <returns>The copies to put before the enclosing loop; <paramref name="afterLoop"/> gets the stores after it.</returns>
    private static List<Node> LiftCounters(List<Node> body, string header, ref int counter, out List<Node> afterLoop)
    {
        var before = new List<Node>();
        afterLoop = new List<Node>();
        if (LeavesMethod(body) || body.Exists(n => n is Line l && Regex.IsMatch(l.Text, @"^(?:break|continue);")))
        {
            return before;
        }

        for (int i = 0; i < body.Count; i++)
        {
            if (body[i] is not BlockNode guard)
            {
                continue;
            }

            int copy = guard.Body.FindIndex(n => n is Line l && CounterCopy.IsMatch(l.Text));
            if (copy < 0)
            {
                continue;
            }

            Match match = CounterCopy.Match(((Line)guard.Body[copy]).Text);
            string local = match.Groups["local"].Value, name = match.Groups["name"].Value;
            string store = name + " = " + local + ";";
            int back = guard.Body.FindLastIndex(n => n is Line l && l.Text == store);
            Regex nameMention = MentionOf(name), localMention = MentionOf(local);
            bool alone = back > copy && !nameMention.IsMatch(header) && !localMention.IsMatch(header) &&
                         body.Where((n, k) => k != i).All(n => !Mentions(n, nameMention) && !Mentions(n, localMention)) &&
                         guard.Body.Where((n, k) => k != copy && k != back).All(n => !Mentions(n, nameMention)) &&
                         !nameMention.IsMatch(guard.Header) && !localMention.IsMatch(guard.Header);
            if (!alone || BlockDeclares(guard.Body, local, copy))
            {
                continue;
            }

            // Renamed: the other sweep, at the same scope now, may carry a counter of the same name.
            string carried = "_" + name.TrimStart('@', '_') + "Carried" + (++counter).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var rewritten = new List<Node>(guard.Body);
            rewritten.RemoveAt(back);
            rewritten.RemoveAt(copy);
            body[i] = guard with { Body = Rename(rewritten, localMention, carried) };
            before.Add(new Line($"int {carried} = {name};"));
            afterLoop.Add(new Line($"{name} = {carried};"));
        }

        return before;
    }

    private static List<Node> Rename(List<Node> nodes, Regex mention, string replacement) => nodes.ConvertAll(n => n switch
    {
        Line line => new Line(mention.Replace(line.Text, replacement)),
        BlockNode block => block with { Header = mention.Replace(block.Header, replacement), Body = Rename(block.Body, mention, replacement) },
        _ => n,
    });

    /// <summary>Whether a block declares <paramref name="local"/> anywhere but at <paramref name="except"/>.</summary>
    private static bool BlockDeclares(List<Node> nodes, string local, int except) =>
        nodes.Where((n, k) => k != except).Any(n => n is Line l && Regex.IsMatch(l.Text, @"^[A-Za-z_][A-Za-z0-9_.:<>]*\s+" + Regex.Escape(local) + @"\s*="));

    private static readonly Regex PrivateAccumulation = new(@"^(?<array>[A-Za-z_][A-Za-z0-9_]*)\[(?<index>[^\[\]()]+)\] (?<op>[+-])= (?<value>.+);$", RegexOptions.CultureInvariant);

    /// <summary>
    /// In straight-line code, <c>a[i] += e; … a[i] …; a[i] = v;</c> on an array only generated code can reach becomes
    /// <c>var _fwd1 = a[i] + (e); … _fwd1 …; a[i] = v;</c>: the sum the reads need is kept in a local, and the store the
    /// overwrite would undo is dropped. Nothing between may write the array, call a method, or change the index.
    /// </summary>
    private static void ForwardPrivateAccumulations(List<Node> body, ISet<string> privateArrays, ref int counter)
    {
        if (privateArrays.Count == 0 || body.Exists(n => n is not Line and not Comment))
        {
            return;
        }

        for (int i = 0; i < body.Count; i++)
        {
            if (body[i] is not Line line || PrivateAccumulation.Match(line.Text) is not { Success: true } accumulation ||
                !privateArrays.Contains(accumulation.Groups["array"].Value))
            {
                continue;
            }

            string array = accumulation.Groups["array"].Value, index = accumulation.Groups["index"].Value;
            string element = array + "[" + index + "]";
            Regex arrayMention = MentionOf(array);
            var indexNames = new HashSet<string>(Identifier.Matches(index).Cast<Match>().Select(m => m.Value), System.StringComparer.Ordinal);
            var reads = new List<int>();
            int overwrite = -1;
            for (int j = i + 1; j < body.Count && overwrite < 0; j++)
            {
                if (body[j] is not Line later)
                {
                    continue;
                }

                string text = later.Text;
                if (text.StartsWith(element + " = ", System.StringComparison.Ordinal) && !arrayMention.IsMatch(text.Substring(element.Length)))
                {
                    overwrite = j;
                    break;
                }

                int mentions = arrayMention.Matches(text).Count;
                int sameElement = ElementRead.Matches(text).Cast<Match>().Count(m => m.Value == element && m.Groups["array"].Value == array);
                bool writesIt = ElementRead.Match(text) is { Success: true, Index: 0 } target && target.Groups["array"].Value == array &&
                                AssignedName.IsMatch(text.Substring(target.Length).Insert(0, "x"));
                bool changesIndex = AssignedName.Match(text) is { Success: true } assigned && indexNames.Contains(assigned.Groups["name"].Value);
                if (mentions != sameElement || writesIt || changesIndex || AnyCall.IsMatch(MathCall.Replace(text, "(")) || text.StartsWith("return", System.StringComparison.Ordinal))
                {
                    break;
                }

                if (mentions > 0)
                {
                    reads.Add(j);
                }
            }

            if (overwrite < 0 || reads.Count == 0)
            {
                continue;
            }

            string local = "_fwd" + (++counter).ToString(System.Globalization.CultureInfo.InvariantCulture);
            string value = accumulation.Groups["value"].Value;
            body[i] = new Line($"var {local} = {element} {accumulation.Groups["op"].Value} {(NeedsParentheses(value) ? "(" + value + ")" : value)};");
            var elementMention = new Regex(@"(?<![A-Za-z0-9_.])" + Regex.Escape(element), RegexOptions.CultureInvariant);
            foreach (int j in reads)
            {
                body[j] = new Line(elementMention.Replace(((Line)body[j]).Text, local));
            }
        }
    }

    /// <summary>Whether <c>a + e</c> or <c>a - e</c> would group <paramref name="expression"/> differently from <c>a + (e)</c>.</summary>
    private static bool NeedsParentheses(string expression)
    {
        int depth = 0;
        for (int i = 0; i < expression.Length; i++)
        {
            char c = expression[i];
            if (c is '(' or '[')
            {
                depth++;
            }
            else if (c is ')' or ']')
            {
                depth--;
            }
            else if (depth == 0 && (c is '?' or '<' or '>' or '=' or '&' or '|' or '^' ||
                                    (c is '+' or '-' && i > 0 && expression[i - 1] == ' ' && i + 1 < expression.Length && expression[i + 1] == ' ')))
            {
                return true;
            }
        }

        return false;
    }

    private static List<Node> Promote(List<Node> nodes, ref int counter, ISet<string> counters, ISet<string> arrays, IReadOnlyDictionary<string, string> spans,
        ISet<string> scalarOutputs, ISet<string> freshArrays, ISet<string> privateArrays)
    {
        var output = new List<Node>(nodes.Count);
        foreach (Node node in nodes)
        {
            if (node is not BlockNode block)
            {
                output.Add(node);
                continue;
            }

            var body = Promote(block.Body, ref counter, counters, arrays, spans, scalarOutputs, freshArrays, privateArrays);
            Match loop = CountedLoop.Match(block.Header);
            if (block.Trailer is not null || !loop.Success || loop.Groups["cv"].Value != loop.Groups["v"].Value)
            {
                output.Add(block with { Body = body });
                continue;
            }

            ForwardPrivateAccumulations(body, privateArrays, ref counter);
            var changing = new HashSet<string>(System.StringComparer.Ordinal) { loop.Groups["v"].Value };
            CollectAssigned(body, changing);
            var before = new List<Node>();
            var after = new List<Node>();
            for (int i = 0; i < body.Count; i++)
            {
                if (body[i] is not Line line || ElementAccumulation.Match(line.Text) is not { Success: true } accumulation)
                {
                    continue;
                }

                string array = accumulation.Groups["array"].Value, index = accumulation.Groups["index"].Value;
                Regex arrayMention = MentionOf(array);
                bool invariantIndex = Identifier.Matches(index).Cast<Match>().All(m => !changing.Contains(m.Value));
                bool alone = !arrayMention.IsMatch(accumulation.Groups["value"].Value) && !arrayMention.IsMatch(block.Header) &&
                             body.Where((n, k) => k != i).All(n => !Mentions(n, arrayMention));
                if (!invariantIndex || !alone)
                {
                    continue;
                }

                string local = "_acc" + (++counter).ToString(System.Globalization.CultureInfo.InvariantCulture);
                before.Add(new Line($"var {local} = {array}[{index}];"));
                body[i] = new Line($"{local} {accumulation.Groups["op"].Value}= {accumulation.Groups["value"].Value};");
                after.Add(new Line($"{array}[{index}] = {local};"));
            }

            PromoteScalarOutputs(body, block.Header, scalarOutputs, before, after, ref counter);
            PromoteStraightLine(body, changing, block.Header, counters, arrays, spans, freshArrays, before, after, ref counter);
            if (before.Count == 0)
            {
                output.Add(block with { Body = body });
                continue;
            }

            string init = loop.Groups["init"].Value;
            string start = Regex.IsMatch(init, @"^[A-Za-z0-9_.]+$") ? init : "(" + init + ")";
            string firstIteration = Regex.Replace(loop.Groups["cond"].Value, @"(?<![A-Za-z0-9_])" + Regex.Escape(loop.Groups["v"].Value) + @"(?![A-Za-z0-9_])", start);
            var guarded = new List<Node> { new Comment("the loop does not move these values: keep them in locals across it") };
            guarded.AddRange(before);
            guarded.Add(block with { Body = body });
            guarded.AddRange(after);
            output.Add(new BlockNode($"if ({firstIteration})", guarded));
        }

        return output;
    }

    /// <summary>Accumulations into a scalar gradient output (a reference) that the loop only adds to go through a local.</summary>
    private static void PromoteScalarOutputs(List<Node> body, string header, ISet<string> scalarOutputs, List<Node> before, List<Node> after, ref int counter)
    {
        if (scalarOutputs.Count == 0 || LeavesMethod(body))
        {
            return;
        }

        foreach (string output in scalarOutputs.OrderBy(o => o, System.StringComparer.Ordinal))
        {
            Regex mention = MentionOf(output);
            var uses = new List<int>();
            bool alone = !mention.IsMatch(header);
            for (int i = 0; i < body.Count && alone; i++)
            {
                if (!Mentions(body[i], mention))
                {
                    continue;
                }

                alone = body[i] is Line line && SimpleAccumulation.Match(line.Text) is { Success: true } accumulation &&
                        accumulation.Groups["target"].Value == output && !mention.IsMatch(accumulation.Groups["value"].Value);
                uses.Add(i);
            }

            if (!alone || uses.Count == 0)
            {
                continue;
            }

            string local = "_acc" + (++counter).ToString(System.Globalization.CultureInfo.InvariantCulture);
            before.Add(new Line($"var {local} = {output};"));
            foreach (int i in uses)
            {
                Match accumulation = SimpleAccumulation.Match(((Line)body[i]).Text);
                body[i] = new Line($"{local} {accumulation.Groups["op"].Value}= {accumulation.Groups["value"].Value};");
            }

            after.Add(new Line($"{output} = {local};"));
        }
    }

    private static void CollectAssigned(List<Node> nodes, HashSet<string> names)
    {
        foreach (Node node in nodes)
        {
            switch (node)
            {
                case Line line when AssignedName.Match(line.Text) is { Success: true } assigned:
                    names.Add(assigned.Groups["name"].Value);
                    break;
                case BlockNode block:
                    if (CountedLoop.Match(block.Header) is { Success: true } loop)
                    {
                        names.Add(loop.Groups["v"].Value);
                    }

                    CollectAssigned(block.Body, names);
                    break;
            }
        }
    }

    private static bool Mentions(Node node, Regex mention) => node switch
    {
        Line line => mention.IsMatch(line.Text),
        Comment => false,
        BlockNode block => mention.IsMatch(block.Header) || (block.Trailer is not null && mention.IsMatch(block.Trailer)) || block.Body.Exists(n => Mentions(n, mention)),
        _ => true,
    };

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
