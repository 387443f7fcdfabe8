using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AutoDiff.Generator.Model;

namespace AutoDiff.Generator.Differentiation;

/// <summary>
/// Stage 2, the AD itself: turns a method's IR into the body of its reverse-mode gradient.
/// </summary>
/// <remarks>
/// <para>Like Clad, every statement is differentiated into a pair (<see cref="StmtDiff"/>): the code of the forward
/// sweep and the code of the reverse sweep; a block's reverse sweep is its statements' reverse parts in reverse
/// order. Values the reverse sweep reads and a later statement overwrites are saved before the overwrite (in a
/// local, or on a <c>Tape</c> inside loops) and restored when the reverse sweep passes that statement again. Loops
/// record how many times they ran; branches record which way they went. Counted loops run backwards without a
/// tape, and loop-local values computed from loop invariants are recomputed rather than recorded.</para>
/// <para>Adjoints are named after the user's variables: <c>d_x</c> for a local <c>x</c>, the gradient output
/// (<c>dx</c>) for a parameter.</para>
/// </remarks>
internal sealed partial class ReverseModeBuilder
{
    private readonly MethodModel _method;
    private readonly CancellationToken _cancellationToken;
    private readonly Namer _namer;
    private readonly Dictionary<string, TypeRef> _types = new();
    private readonly Dictionary<string, string> _adjointNames = new();
    private readonly HashSet<string> _reverseReads = new();

    /// <summary>Where the read-collecting walk adds what it finds: <see cref="_reverseReads"/>, or one statement's reads.</summary>
    private HashSet<string> _readsInto;

    /// <summary>Local arrays allocated at the top level, with their length (<c>new double[d]</c> → <c>d</c>).</summary>
    private readonly Dictionary<string, Expr> _arrayLengths = new();

    /// <summary>Adjoint arrays of the method's local arrays, borrowed from the array pool (element type, name).</summary>
    private readonly List<(string Element, string Name)> _pooledAdjoints = new();

    /// <summary>True when some array variable is set from something other than <c>new T[n]</c> (another array, a call).</summary>
    private bool _arraysShared;

    /// <summary>Assignments of whole arrays (<c>a = …</c>, not <c>a[i] = …</c>), by array.</summary>
    private readonly Dictionary<string, int> _wholeArrayAssignments = new();

    /// <summary>Arrays saved whole at the start of each iteration of an enclosing loop: their element writes need no saves.</summary>
    private readonly HashSet<string> _snapshotted = new();

    /// <summary>
    /// Scratch arrays that live on a tape of their own, one window per loop iteration (see <see cref="IsWindowable"/>):
    /// array name → (element type, tape name). Declared as spans, so the name can refer to each window in turn.
    /// </summary>
    private readonly Dictionary<string, (string Element, string Tape)> _windowed = new(System.StringComparer.Ordinal);

    /// <summary>
    /// Tapes of their own for what counted loops record every iteration, a row per iteration (see
    /// <see cref="SaveRowsOnTapes"/>): (element type, tape name).
    /// </summary>
    private readonly List<(string Element, string Tape)> _rowTapes = new();

    /// <summary>Tapes of rows that live on the stack when they are small (<see cref="StackTopLevelRows"/>), rented only when not.</summary>
    private readonly List<(string Element, string Tape)> _stackedRowTapes = new();

    /// <summary>The most bytes of rows <see cref="StackTopLevelRows"/> puts on the stack.</summary>
    private const int StackedRowBytes = 1024;
    private readonly HashSet<string> _inlineDeclared = new();

    /// <summary>Locals declared at the top level of the method (outside any branch or loop).</summary>
    private readonly HashSet<string> _topDeclared = new();
    private readonly HashSet<string> _canonicalIndices = new();
    private readonly Dictionary<Loop, HashSet<string>> _rematerialized = new(ReferenceComparer<Loop>.Instance);
    private readonly Dictionary<string, int> _assignmentCounts = new();
    private readonly List<(string Type, string Name, string Initializer)> _hoisted = new();
    private readonly List<LocalModel> _allLocals = new();
    private readonly Stack<Loop> _loops = new();
    private readonly HashSet<string> _fusedLocals = new();

    /// <summary>Locals (and their adjoints) declared inside a fused loop's body rather than at the method start.</summary>
    private readonly HashSet<string> _loopScoped = new();
    private bool _usesArena;

    /// <summary>
    /// A method on tensors: its forward sweep and reverse sweep become two methods (<c>MForward</c> records on the
    /// thread's shared tapes, <c>MReverse</c> pops) that callers run inside their own sweeps.
    /// </summary>
    private readonly bool _split;

    /// <summary>Tensor parameters of a split method that it reassigns: their adjoints are locals, added to the gradient at the end.</summary>
    private readonly List<ParameterModel> _reassignedTensorParameters = new();

    /// <summary>Fused-body locals declared once at the top level of the body: written as <c>double a = …;</c> in place.</summary>
    private readonly HashSet<string> _fusedInline = new();

    /// <summary>A loop whose accumulator is returned as is right after it: its reverse can add straight into the adjoints.</summary>
    private (Loop Loop, string Accumulator)? _returnedAccumulator;
    private readonly SortedSet<string> _tapes = new(System.StringComparer.Ordinal);
    private ActivityAnalysis _activity = null!;
    private string _resultName = "result";
    private Block _body = Block.Empty;

    /// <summary>
    /// The last statement of a fused loop body when it is <c>s += F(…)</c> with a differentiable F: its reverse runs
    /// right after it, so F's gradient method, which returns F's value, replaces the forward call.
    /// </summary>
    private Assign? _mergeableAccumulation;

    /// <summary>Math calls of the statement being differentiated whose values the forward sweep keeps in a local.</summary>
    private readonly Dictionary<MathCall, string> _callResults = new();

    /// <summary>Functions whose derivative is cheap given their value: exp, tanh, sqrt, cbrt, pow.</summary>
    private static readonly HashSet<string> ResultReusingFunctions = new(System.StringComparer.Ordinal) { "Exp", "Tanh", "Sqrt", "Cbrt", "Pow" };
    private string? _mergedCallTarget;

    private readonly RegistrationTable _registrations;

    private readonly TypeNames _names;

    private ReverseModeBuilder(MethodModel method, RegistrationTable registrations, TypeNames names, CancellationToken cancellationToken)
    {
        _method = method;
        _names = names;
        _split = method.IsSplit;
        _readsInto = _reverseReads;
        _registrations = registrations;
        _cancellationToken = cancellationToken;
        IEnumerable<string> userNames = method.Parameters.Select(p => p.Name)
            .Concat(method.Parameters.Where(p => p.GradientName is not null).Select(p => p.GradientName!))
            .Concat(method.Locals.Select(l => l.Name))
            .Concat(method.IsSplit ? new[] { "result", "resultGradient" } : System.Array.Empty<string>());
        _namer = new Namer(userNames);
    }

    /// <summary>Where the current statement sits: inside how many blocks, inside a loop or not.</summary>
    /// <param name="Fused">Inside a loop whose reverse runs right after each forward iteration (preaccumulation).</param>
    private readonly record struct Context(int Depth, bool InLoop, bool Fused = false)
    {
        public bool AtTop => Depth == 0 && !InLoop;

        public Context Nested() => this with { Depth = Depth + 1 };

        public Context InsideLoop() => new(Depth + 1, true);
    }

    public static GradientBody Build(MethodModel method, RegistrationTable registrations, CancellationToken cancellationToken) =>
        new ReverseModeBuilder(method, registrations, TypeNames.Plain, cancellationToken).Build();

    /// <summary>The same gradient on dual numbers (<c>MGradientDual</c>), for forward-over-reverse second derivatives.</summary>
    public static GradientBody BuildDual(MethodModel method, RegistrationTable registrations, CancellationToken cancellationToken) =>
        new ReverseModeBuilder(method, registrations, TypeNames.Dual, cancellationToken).Build();

    private GradientBody Build()
    {
        ParameterModel? output = _method.Output;
        (Block body, JumpLowering lowering) = JumpLowering.Lower(_method.Body!, _method.ReturnType, _namer, hasResult: output is null);
        _resultName = lowering.ResultName;

        foreach (ParameterModel parameter in _method.Parameters)
        {
            _types[parameter.Name] = parameter.Type;
            if (parameter.GradientName is not null)
            {
                _adjointNames[parameter.Name] = parameter.GradientName;
            }
        }

        _allLocals.AddRange(_method.Locals.Concat(lowering.NewLocals));
        foreach (LocalModel local in _allLocals)
        {
            _types[local.Name] = local.Type;
        }

        if (output is null)
        {
            _types[_resultName] = _method.ReturnType;
        }
        body = HoistTensorCalls(body);
        foreach (LocalModel field in _method.ParameterFields)
        {
            _types[field.Name] = field.Type;
        }

        _activity = ActivityAnalysis.Run(body, _method.Parameters, _method.ParameterFields.Select(f => f.Name));
        _body = body;

        // "…loop accumulating s…; return s;": the loop's reverse needs ∂s = ∂result = 1, known before it runs.
        int count = body.Statements.Count;
        if (output is null && count >= 2 && body.Statements[count - 1] is Assign { Target: VarRef r, Value: VarRef s } && r.Name == _resultName &&
            body.Statements[count - 2] is Loop last)
        {
            _returnedAccumulator = (last, s.Name);
        }

        Analyze(body, new Context(0, false), enclosingLoop: null);
        ComputeReverseReads(body);
        {
            foreach (ParameterModel parameter in _method.Parameters)
            {
                if (parameter.GradientName is not null && parameter.Type.IsTensor && _assignmentCounts.ContainsKey(parameter.Name))
                {
                    _adjointNames[parameter.Name] = _namer.Fresh("d_" + parameter.Name);
                    _reassignedTensorParameters.Add(parameter);
                }
            }
        }

        foreach (string name in _activity.ActiveNames.OrderBy(n => n, System.StringComparer.Ordinal))
        {
            if (!_adjointNames.ContainsKey(name))
            {
                _adjointNames[name] = _namer.Fresh("d_" + name);
            }
        }

        StmtDiff diff = DiffBlock(body, new Context(0, false));
        if (_split)
        {
            return BuildSplit(diff);
        }

        PreaccumulateIntoOutputs(diff.Forward, diff.Reverse);
        DropDeadRestores(diff.Forward, diff.Reverse);

        // The forward sweep is cleaned up first: a stencil loop may write a gradient output whole, and then the
        // prologue does not clear it.
        var uncleared = new Dictionary<string, string>(System.StringComparer.Ordinal);
        List<Node> forward = Peephole.PromoteInvariantAccumulations(
            Peephole.HoistPooledBuffers(Peephole.HoistPowerOfTwoScales(Peephole.InitializeOnFirstAccumulation(Peephole.CarryStencilAccumulations(Peephole.MergeAccumulations(diff.Forward, PrimalNames()), AdjointArrayTypes(), ClearedOutputs(), uncleared)), ScalarOutputs())),
            CounterNames(), ArrayNames(), SpanTypes(), ScalarOutputs(), FreshArrays(), PrivateArrays());
        int views = 0;
        forward = Peephole.HoistSpanViews(forward, ref views);
        _unclearedOutputs = uncleared;
        DeclareWindowedAsSpans(forward);
        StackTopLevelRows(forward, diff.Reverse);
        KeepLastTakenBranches(forward, diff.Reverse);
        forward = Peephole.HoistIterationWindows(forward);

        // A shared tape whose every record moved to rows of their own (SaveRowsOnTapes) or was dropped
        // (DropDeadRestores) is not rented.
        _tapes.RemoveWhere(element => !MentionsText(forward, TapeName(element)) && !MentionsText(diff.Reverse, TapeName(element)));

        var lines = new CodeBuilder();
        if (_usesArena)
        {
            // Intermediate tensors and adjoints come from this method's workspace: allocated by the first call for a
            // shape, reused after, so a training step allocates nothing.
            lines.Line($"var _arena = {ArenaField(_method)} ??= new global::AutoDiff.CompilerServices.TensorArena();");
            lines.Line("using var _arenaScope = _arena.Enter();");
        }

        WritePrologue(lines);
        foreach (ParameterModel parameter in _reassignedTensorParameters)
        {
            lines.Line($"global::AutoDiff.Tensor? {_adjointNames[parameter.Name]} = null;");
        }

        foreach ((string type, string name, string initializer) in _hoisted)
        {
            lines.Line($"{type} {name} = {initializer};");
        }

        foreach (string element in _tapes)
        {
            lines.Line($"var {TapeName(element)} = global::AutoDiff.CompilerServices.Tape<{element}>.Rent();");
        }

        foreach ((string element, string tape) in _windowed.Values.Concat(_rowTapes))
        {
            lines.Line($"var {tape} = global::AutoDiff.CompilerServices.Tape<{element}>.Rent();");
        }

        foreach ((string element, string tape) in _stackedRowTapes)
        {
            lines.Line($"global::AutoDiff.CompilerServices.Tape<{element}>? {tape} = null;");
        }

        lines.Blank();
        lines.Comment("Forward sweep: the original computation, saving what the reverse sweep needs.");
        lines.AddRange(forward);
        lines.Blank();
        bool keepOutput = output is not null && _reverseReads.Contains(output.Name);
        if (keepOutput)
        {
            // The reverse sweep restores overwritten elements of the output; keep the final values to put back.
            string element = _names.Element(output!.Type);
            lines.Line($"{element}[] _finalOutput = global::System.Buffers.ArrayPool<{element}>.Shared.Rent({Identifiers.Escape(output.Name)}.Length);");
            lines.Line($"{Identifiers.Escape(output.Name)}.CopyTo(_finalOutput);");
            lines.Blank();
        }

        if (output is not null)
        {
            lines.Comment($"Reverse sweep: propagate the cotangent {SeedName(output)} of {output.Name} back to the inputs.");
            if (_activity.IsActiveName(output.Name))
            {
                lines.Line($"{SeedName(output)}.CopyTo({_adjointNames[output.Name]});");
            }
        }
        else
        {
            lines.Comment("Reverse sweep: propagate d(result)/d(result) = 1 back to the inputs.");
        }

        if (output is null && _activity.IsActiveName(_resultName))
        {
            lines.Line($"{_names.Of(_method.ReturnType)} {_adjointNames[_resultName]} = 1;");
        }

        lines.AddRange(Peephole.HoistSpanViews(Peephole.PromoteInvariantAccumulations(Peephole.HoistPooledBuffers(Peephole.InitializeOnFirstAccumulation(Peephole.MergeAccumulations(diff.Reverse))), CounterNames(), ArrayNames(), SpanTypes(), ScalarOutputs(), FreshArrays(), PrivateArrays()), ref views));
        foreach (ParameterModel parameter in _reassignedTensorParameters)
        {
            string local = _adjointNames[parameter.Name];
            lines.Line($"if ({local} is not null) global::AutoDiff.CompilerServices.TensorArena.Accumulate({parameter.GradientName}, {local});");
        }

        if (_tapes.Count > 0 || _pooledAdjoints.Count > 0 || _windowed.Count > 0 || _rowTapes.Count > 0 || _stackedRowTapes.Count > 0)
        {
            lines.Blank();
            foreach (string element in _tapes)
            {
                lines.Line($"global::AutoDiff.CompilerServices.Tape<{element}>.Return({TapeName(element)});");
            }

            foreach ((string element, string tape) in _windowed.Values.Concat(_rowTapes))
            {
                lines.Line($"global::AutoDiff.CompilerServices.Tape<{element}>.Return({tape});");
            }

            foreach ((string element, string tape) in _stackedRowTapes)
            {
                lines.Line($"if ({tape} is not null) global::AutoDiff.CompilerServices.Tape<{element}>.Return({tape});");
            }

            foreach ((string element, string adjoint) in _pooledAdjoints)
            {
                lines.Line($"if ({adjoint} is not null) global::System.Buffers.ArrayPool<{element}>.Shared.Return({adjoint});");
            }
        }

        if (output is not null)
        {
            if (keepOutput)
            {
                lines.Line($"new global::System.ReadOnlySpan<{_names.Element(output.Type)}>(_finalOutput, 0, {Identifiers.Escape(output.Name)}.Length).CopyTo({Identifiers.Escape(output.Name)});");
                lines.Line($"global::System.Buffers.ArrayPool<{_names.Element(output.Type)}>.Shared.Return(_finalOutput);");
            }

            if (_activity.IsActiveName(output.Name))
            {
                lines.Line($"global::System.Buffers.ArrayPool<{_names.Element(output.Type)}>.Shared.Return({OutputBufferName(output)});");
            }
        }
        else
        {
            // Gradients no pullback reached are cleared now: optimizers read the storage directly.
            foreach (LocalModel field in _method.ParameterFields)
            {
                lines.Line($"global::AutoDiff.CompilerServices.GradientBuffer.Materialize(this.{Identifiers.Escape(field.Name)}Gradient);");
            }

            lines.Line($"return {_resultName};");
        }

        return new GradientBody(lines.Build().ToEquatableArray(), _usesArena);
    }

    /// <summary>
    /// The two halves of a method on tensors. <c>MForward</c> runs the forward sweep and then pushes every local the
    /// sweep declared onto the thread's shared tapes; <c>MReverse</c> pops them back in reverse order, seeds the
    /// result's adjoint with <c>resultGradient</c> and runs the reverse sweep, adding into the gradients it is given.
    /// Between the two, the caller's own forward and reverse sweeps run in between, balanced: last in, first out.
    /// </summary>
    private GradientBody BuildSplit(StmtDiff diff)
    {
        var adjoints = new CodeBuilder();
        WritePrologue(adjoints);

        // The result is returned to the caller, who passes it back to the pullback: it needs no recording. Parameters
        // the method reassigns are passed back with their original values: their final values are recorded.
        _hoisted.RemoveAll(h => h.Name == _resultName);
        var reassigned = _method.Parameters.Where(p => _assignmentCounts.ContainsKey(p.Name) && !p.Type.IsCollection)
            .Select(p => (Type: _names.Of(p.Type), Name: Identifiers.Escape(p.Name))).ToList();
        var forward = new CodeBuilder();
        forward.Line($"global::AutoDiff.Tensor {_resultName} = null!;");
        foreach ((string type, string name, string initializer) in _hoisted)
        {
            forward.Line($"{type} {name} = {initializer};");
        }

        foreach (string element in _tapes)
        {
            forward.Line($"var {TapeName(element)} = global::AutoDiff.CompilerServices.Tape<{element}>.Shared;");
        }

        forward.Blank();
        forward.Comment("Forward sweep: the original computation, recording what the reverse sweep needs.");
        forward.AddRange(Peephole.PromoteInvariantAccumulations(Peephole.InitializeOnFirstAccumulation(Peephole.MergeAccumulations(diff.Forward, PrimalNames())), CounterNames(), ArrayNames(), SpanTypes()));
        forward.Blank();
        forward.Comment($"Leave this call's values for {_method.Name}Reverse, which pops them in reverse order.");
        foreach ((string type, string name, _) in _hoisted)
        {
            forward.Line($"global::AutoDiff.CompilerServices.Tape<{type}>.Shared.Push({name});");
        }

        foreach ((string type, string name) in reassigned)
        {
            forward.Line($"global::AutoDiff.CompilerServices.Tape<{type}>.Shared.Push({name});");
        }

        forward.Line($"return {_resultName};");

        var reverse = new CodeBuilder();
        reverse.Line($"global::AutoDiff.Tensor {_resultName} = result;");
        reverse.Comment($"The values {_method.Name}Forward recorded for this call.");
        for (int i = reassigned.Count - 1; i >= 0; i--)
        {
            reverse.Line($"{reassigned[i].Name} = global::AutoDiff.CompilerServices.Tape<{reassigned[i].Type}>.Shared.Pop();");
        }

        for (int i = _hoisted.Count - 1; i >= 0; i--)
        {
            (string type, string name, _) = _hoisted[i];
            reverse.Line($"{type} {name} = global::AutoDiff.CompilerServices.Tape<{type}>.Shared.Pop();");
        }

        foreach (string element in _tapes)
        {
            reverse.Line($"var {TapeName(element)} = global::AutoDiff.CompilerServices.Tape<{element}>.Shared;");
        }

        if (_usesArena)
        {
            // Adjoints of intermediate tensors come from the caller's workspace.
            reverse.Line("var _arena = global::AutoDiff.CompilerServices.TensorArena.Current ?? new global::AutoDiff.CompilerServices.TensorArena();");
        }

        foreach (string line in adjoints.Build())
        {
            reverse.Line(line);
        }

        foreach (ParameterModel parameter in _reassignedTensorParameters)
        {
            reverse.Line($"global::AutoDiff.Tensor? {_adjointNames[parameter.Name]} = null;");
        }

        reverse.Blank();
        reverse.Comment("Reverse sweep: propagate resultGradient back to the inputs (a result that reached nothing has zero gradient).");
        if (_activity.IsActiveName(_resultName))
        {
            reverse.Line($"global::AutoDiff.Tensor? {_adjointNames[_resultName]} = resultGradient ?? global::AutoDiff.CompilerServices.TensorArena.RentZeroedOrAllocate(result.Shape);");
        }

        reverse.AddRange(Peephole.PromoteInvariantAccumulations(Peephole.InitializeOnFirstAccumulation(Peephole.MergeAccumulations(diff.Reverse)), CounterNames(), ArrayNames(), SpanTypes()));
        foreach (ParameterModel parameter in _reassignedTensorParameters)
        {
            string local = _adjointNames[parameter.Name];
            reverse.Line($"if ({parameter.GradientName} is not null && {local} is not null) global::AutoDiff.CompilerServices.TensorArena.Accumulate(ref {parameter.GradientName}, {local});");
        }

        return new GradientBody(reverse.Build().ToEquatableArray(), false, forward.Build().ToEquatableArray());
    }

    /// <summary>The field that holds a method's tensor workspace.</summary>
    /// <summary>The method's <c>int</c> scalars, as printed: counters a loop may step.</summary>
    private ISet<string> CounterNames() => new HashSet<string>(
        _types.Where(p => p.Value.Element is ScalarKind.Int && p.Value.Shape == TypeShape.Scalar).Select(p => Identifiers.Escape(p.Key)),
        System.StringComparer.Ordinal);

    /// <summary>The method's own arrays and spans, as printed (not the adjoint buffers the generated code adds).</summary>
    private ISet<string> ArrayNames() => new HashSet<string>(
        _types.Where(p => p.Value.IsCollection).Select(p => Identifiers.Escape(p.Key)), System.StringComparer.Ordinal);

    /// <summary>
    /// Gradient outputs a loop of the forward sweep writes whole, with the condition under which that loop does not
    /// run: only then does the prologue clear them.
    /// </summary>
    private IReadOnlyDictionary<string, string> _unclearedOutputs = new Dictionary<string, string>(System.StringComparer.Ordinal);

    /// <summary>The adjoint arrays and gradient outputs of the method's floating arrays, with element types.</summary>
    private IReadOnlyDictionary<string, string> AdjointArrayTypes()
    {
        var result = new Dictionary<string, string>(System.StringComparer.Ordinal);
        if (!ReferenceEquals(_names, TypeNames.Plain))
        {
            return result;
        }

        foreach (KeyValuePair<string, TypeRef> pair in _types)
        {
            if (pair.Value.IsFloatingCollection && _adjointNames.TryGetValue(pair.Key, out string? adjoint))
            {
                result[adjoint] = pair.Value.ElementName;
            }
        }

        return result;
    }

    /// <summary>
    /// Local arrays created by the method (<c>new T[n]</c>, at the top level) and never reassigned, in a method that
    /// sets no array variable from anything but <c>new</c>: no other array variable can refer to the same array.
    /// </summary>
    private ISet<string> FreshArrays() => new HashSet<string>(
        _arraysShared ? Enumerable.Empty<string>() : _arrayLengths.Keys.Where(a => _wholeArrayAssignments.TryGetValue(a, out int count) && count == 1).Select(Identifiers.Escape),
        System.StringComparer.Ordinal);

    /// <summary>Scalar gradient outputs (<c>out double dw</c>), which the prologue sets to zero.</summary>
    private ISet<string> ScalarOutputs() => new HashSet<string>(
        _split ? Enumerable.Empty<string>() : _method.Parameters.Where(p => p.GradientName is not null && p.Type.IsFloating).Select(p => p.GradientName!),
        System.StringComparer.Ordinal);

    /// <summary>Gradient outputs the prologue clears (array and span parameters), with their parameter's name.</summary>
    private IReadOnlyDictionary<string, string> ClearedOutputs()
    {
        var result = new Dictionary<string, string>(System.StringComparer.Ordinal);
        foreach (ParameterModel parameter in _method.Parameters)
        {
            if (parameter.GradientName is not null && !parameter.Type.IsFloating && !parameter.Type.IsTensor && parameter.Type.IsFloatingCollection)
            {
                result[parameter.GradientName] = Identifiers.Escape(parameter.Name);
            }
        }

        return result;
    }

    /// <summary>Whether every use of <paramref name="name"/> in the nodes is an element access (<c>name[…]</c>).</summary>
    private static bool OnlyElementsOf(List<Node> nodes, string name)
    {
        var any = new System.Text.RegularExpressions.Regex($@"(?<![A-Za-z0-9_]){System.Text.RegularExpressions.Regex.Escape(name)}(?![A-Za-z0-9_])(?!\[)", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        return !nodes.Exists(node => node switch
        {
            Line line => any.IsMatch(line.Text),
            BlockNode block => any.IsMatch(block.Header) || (block.Trailer is not null && any.IsMatch(block.Trailer)) || !OnlyElementsOf(block.Body, name),
            _ => false,
        });
    }

    private static List<Node> RenameText(List<Node> nodes, System.Text.RegularExpressions.Regex mention, string replacement) => nodes.ConvertAll(node => node switch
    {
        Line line => new Line(mention.Replace(line.Text, replacement)),
        BlockNode block => block with { Header = mention.Replace(block.Header, replacement), Body = RenameText(block.Body, mention, replacement) },
        _ => node,
    });

    /// <summary>The original computation's variables, as the generated code spells them.</summary>
    private HashSet<string> PrimalNames() => new(_types.Keys.Concat(_types.Keys.Select(Identifiers.Escape)), System.StringComparer.Ordinal);

    /// <summary>Buffers a fused loop accumulates into, with their element types (for <see cref="SpanTypes"/>).</summary>
    private readonly Dictionary<string, string> _bufferElements = new(System.StringComparer.Ordinal);

    /// <summary>
    /// Arrays only the generated code can reach: the adjoints of the method's own arrays and the gradient buffers. No
    /// other name refers to their elements.
    /// </summary>
    private ISet<string> PrivateArrays()
    {
        var result = new HashSet<string>(_bufferElements.Keys, System.StringComparer.Ordinal);
        foreach (KeyValuePair<string, TypeRef> pair in _types)
        {
            if (pair.Value.IsFloatingCollection && _arrayLengths.ContainsKey(pair.Key) && !_method.Parameters.Any(p => p.Name == pair.Key) &&
                _adjointNames.TryGetValue(pair.Key, out string? adjoint))
            {
                result.Add(adjoint);
            }
        }

        return result;
    }

    /// <summary>
    /// Every array or span the generated code indexes, as printed, with its element type: the method's own, their
    /// adjoints and gradient outputs, and preaccumulation buffers. Empty for forward-over-reverse (dual) code.
    /// </summary>
    private IReadOnlyDictionary<string, string> SpanTypes()
    {
        var result = new Dictionary<string, string>(System.StringComparer.Ordinal);
        if (!ReferenceEquals(_names, TypeNames.Plain))
        {
            return result;
        }

        foreach (KeyValuePair<string, TypeRef> pair in _types)
        {
            if (pair.Value.IsCollection && pair.Value.Element is ScalarKind.Double or ScalarKind.Float or ScalarKind.Int)
            {
                result[Identifiers.Escape(pair.Key)] = pair.Value.ElementName;
                if (_adjointNames.TryGetValue(pair.Key, out string? adjoint) && pair.Value.IsFloatingCollection)
                {
                    result[adjoint] = pair.Value.ElementName;
                }
            }
        }

        foreach (KeyValuePair<string, string> buffer in _bufferElements)
        {
            result[buffer.Key] = buffer.Value;
        }

        // Only a method with more live arrays than the JIT has registers for needs the hint; in a small one the
        // arrays stay in registers anyway, and the JIT's bounds-check removal for `i < a.Length` works on the array.
        return result.Count >= SpanHintArrays ? result : new Dictionary<string, string>();
    }

    /// <summary>The number of arrays from which inner loops index through span locals (x64 has 14 usable integer registers).</summary>
    private const int SpanHintArrays = 12;

    public static string ArenaField(MethodModel method) => "_" + method.Name + "Workspace";

    // ------------------------------------------------------------------ analysis

    /// <summary>Counts assignments, finds counted loops, inline declarations and recomputable loop locals.</summary>
    private void Analyze(Block block, Context context, Loop? enclosingLoop)
    {
        foreach (Stmt statement in block.Statements)
        {
            switch (statement)
            {
                case Assign assign:
                    if (IrWalker.RootName(assign.Target) is { } root)
                    {
                        _assignmentCounts[root] = _assignmentCounts.TryGetValue(root, out int count) ? count + 1 : 1;
                        if (assign.Target is VarRef whole && whole.Type.IsCollection)
                        {
                            _wholeArrayAssignments[root] = _wholeArrayAssignments.TryGetValue(root, out int wholeCount) ? wholeCount + 1 : 1;
                            if (assign.Value is not NewArray)
                            {
                                // An array variable set from anything but `new` may share its array with another.
                                _arraysShared = true;
                            }
                        }

                        if (assign.IsDeclaration && assign.Target is VarRef && context.AtTop)
                        {
                            if (assign.Value is NewArray allocation)
                            {
                                _arrayLengths[root] = allocation.Length;
                            }

                            _topDeclared.Add(root);
                            if (!_split)
                            {
                                _inlineDeclared.Add(root);
                            }
                        }
                    }

                    break;
                case If branch:
                    Analyze(branch.Then, context.Nested(), enclosingLoop);
                    Analyze(branch.Else, context.Nested(), enclosingLoop);
                    break;
                case Loop loop:
                    CanonicalLoop? canonical = CanonicalLoop.TryMatch(loop);
                    if (canonical is not null)
                    {
                        _canonicalIndices.Add(canonical.Index);
                    }
                    else
                    {
                        Analyze(loop.Init, context, enclosingLoop);
                    }

                    Analyze(loop.Body, context.InsideLoop(), loop);
                    Analyze(loop.Step, context.InsideLoop(), loop);
                    break;
            }
        }

        if (enclosingLoop is not null && ReferenceEquals(block, enclosingLoop.Body))
        {
            _rematerialized[enclosingLoop] = FindRecomputable(enclosingLoop);
        }
    }

    /// <summary>
    /// Loop-body locals declared at the top of the body from values the loop never changes (and the loop index):
    /// the reverse sweep recomputes them at the start of each reversed iteration instead of recording them.
    /// </summary>
    private HashSet<string> FindRecomputable(Loop loop)
    {
        var assignedInLoop = new HashSet<string>();
        foreach (Stmt s in IrWalker.Statements(loop.Body).Concat(IrWalker.Statements(loop.Step)))
        {
            if (s is Assign a && IrWalker.RootName(a.Target) is { } root)
            {
                assignedInLoop.Add(root);
            }
        }

        string? index = CanonicalLoop.TryMatch(loop)?.Index;
        var recomputable = new HashSet<string>();
        foreach (Stmt statement in loop.Body.Statements)
        {
            if (statement is not Assign { IsDeclaration: true, Target: VarRef target } assign || target.Type.IsCollection ||
                target.Type.Shape == TypeShape.Other || _assignmentCounts.TryGetValue(target.Name, out int count) && count > 1)
            {
                continue;
            }

            bool pure = IrWalker.DescendantsAndSelf(assign.Value).All(e => e switch
            {
                DiffCall or NewArray => false,
                Opaque o => o.Format.IndexOf('(') < 0,
                VarRef v => recomputable.Contains(v.Name) || v.Name == index || !assignedInLoop.Contains(v.Name),
                _ => true,
            });
            if (pure)
            {
                recomputable.Add(target.Name);
            }
        }

        return recomputable;
    }

    /// <summary>
    /// Finds every variable the reverse sweep reads (in a partial derivative, an index, a recomputed value): only those
    /// must be saved before they are overwritten.
    /// </summary>
    private void ComputeReverseReads(Block body)
    {
        int before;
        do
        {
            before = _reverseReads.Count;
            CollectReverseReads(body, new Context(0, false), null);
        }
        while (_reverseReads.Count != before);
    }

    private void CollectReverseReads(Block block, Context context, Loop? loop)
    {
        foreach (Stmt statement in block.Statements)
        {
            switch (statement)
            {
                case Assign { Value: DiffCall pullbackCall } pullbackAssign when IsPullbackCall(pullbackCall):
                    // The pullback reads the arguments and the result.
                    IrWalker.CollectReads(pullbackCall, _readsInto);
                    IrWalker.CollectReads(pullbackAssign.Target, _readsInto);
                    break;
                case Assign assign:
                    if (loop is not null && IsRecomputed(assign, loop))
                    {
                        IrWalker.CollectReads(assign.Value, _readsInto);
                    }

                    if (IsActiveTarget(assign.Target))
                    {
                        if (assign.Target is ElementRef element)
                        {
                            IrWalker.CollectReads(element.Index, _readsInto);
                        }

                        Expr propagated = AccumulatedPart(assign) ?? assign.Value;
                        if (_activity.IsActive(propagated))
                        {
                            CollectPropagationReads(propagated);
                        }
                    }

                    if (assign.Target is ElementRef saved && IrWalker.RootName(saved) is { } root && _reverseReads.Contains(root))
                    {
                        IrWalker.CollectReads(saved.Index, _readsInto);
                    }

                    break;
                case If branch:
                    CollectReverseReads(branch.Then, context.Nested(), loop);
                    CollectReverseReads(branch.Else, context.Nested(), loop);
                    break;
                case Loop inner:
                    CollectReverseReads(inner.Init, context, loop);
                    CollectReverseReads(inner.Body, context.InsideLoop(), inner);
                    CollectReverseReads(inner.Step, context.InsideLoop(), inner);
                    break;
            }
        }
    }

    /// <summary>The variables read by the adjoint code of an active expression.</summary>
    private void CollectPropagationReads(Expr expr)
    {
        void Reads(Expr e) => IrWalker.CollectReads(e, _readsInto);

        switch (expr)
        {
            case ElementRef e:
                Reads(e.Index);
                break;
            case Unary u:
                CollectPropagationReads(u.Operand);
                break;
            case Binary { Operator: "+" or "-" } b:
                ForActive(b.Left, CollectPropagationReads);
                ForActive(b.Right, CollectPropagationReads);
                break;
            case Binary { Operator: "*" } b:
                if (_activity.IsActive(b.Left))
                {
                    Reads(b.Right);
                    CollectPropagationReads(b.Left);
                }

                if (_activity.IsActive(b.Right))
                {
                    Reads(b.Left);
                    CollectPropagationReads(b.Right);
                }

                break;
            case Binary { Operator: "/" } b:
                Reads(b.Right);
                ForActive(b.Left, CollectPropagationReads);
                if (_activity.IsActive(b.Right))
                {
                    Reads(b.Left);
                    CollectPropagationReads(b.Right);
                }

                break;
            case Conditional c:
                Reads(c.Condition);
                ForActive(c.WhenTrue, CollectPropagationReads);
                ForActive(c.WhenFalse, CollectPropagationReads);
                break;
            case Cast c:
                ForActive(c.Operand, CollectPropagationReads);
                break;
            case MathCall m:
                foreach (Expr a in m.Arguments)
                {
                    Reads(a);
                    ForActive(a, CollectPropagationReads);
                }

                break;
            case DiffCall d:
                Reads(d);
                foreach (Expr a in d.Arguments)
                {
                    ForActive(a, CollectPropagationReads);
                }

                break;
        }
    }

    private void ForActive(Expr expr, System.Action<Expr> action)
    {
        if (_activity.IsActive(expr))
        {
            action(expr);
        }
    }

    // ------------------------------------------------------------------ statements

    private StmtDiff DiffBlock(Block block, Context context)
    {
        var forward = new List<Node>();
        var reversed = new List<List<Node>>();
        foreach (Stmt statement in block.Statements)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            StmtDiff diff = DiffStatement(statement, context);
            forward.AddRange(diff.Forward);
            reversed.Add(diff.Reverse);
        }

        reversed.Reverse();
        return new StmtDiff(forward, reversed.SelectMany(r => r).ToList());
    }

    private StmtDiff DiffStatement(Stmt statement, Context context) => statement switch
    {
        Assign { Value: DiffCall call } assign when IsPullbackCall(call) => DiffPullbackAssign(assign, call, context),
        Assign assign => DiffAssign(assign, context, _loops.Count > 0 && IsRecomputed(assign, _loops.Peek())),
        If branch => DiffIf(branch, context),
        Loop loop => DiffLoop(loop, context),
        ForwardOnly forwardOnly => new StmtDiff(new List<Node> { new Line(forwardOnly.Code) }, new List<Node>()),
        _ => new StmtDiff(new List<Node>(), new List<Node>()),
    };

    private StmtDiff DiffAssign(Assign assign, Context context, bool recomputed = false)
    {
        var forward = new List<Node>();
        var reverse = new List<Node>();
        string target = Print(assign.Target).Text;
        string? root = IrWalker.RootName(assign.Target);
        bool firstDefinition = assign.IsDeclaration && context.AtTop;

        // Save the old value if the reverse sweep reads it (skipped for a first definition, which has none).
        // In a fused loop the iteration's reverse runs at once: nothing reads a loop local's value from before its declaration.
        // Variables from outside a fused loop (its accumulator) are saved once around the whole loop instead.
        bool freshLocal = firstDefinition || (context.Fused && (assign.IsDeclaration || root is null || !_fusedLocals.Contains(root)));
        bool save = root is not null && !recomputed && !freshLocal && _reverseReads.Contains(root) &&
                    !(assign.Target is VarRef && assign.Target.Type.IsCollection) &&
                    !_snapshotted.Contains(root);
        if (save && InverseUpdate(assign) is { } inverse)
        {
            // i++, i -= 3 on an integer: the reverse sweep undoes the update instead of recording the old value.
            reverse.Add(new Line(inverse));
        }
        else if (save)
        {
            string type = assign.Target.Type.Shape == TypeShape.Scalar ? _names.Element(assign.Target.Type) : _names.Of(assign.Target.Type);
            if (context.InLoop)
            {
                _tapes.Add(type);
                forward.Add(new Line($"{TapeName(type)}.Push({target});"));
                reverse.Add(new Line($"{target} = {TapeName(type)}.Pop();"));
            }
            else
            {
                string saved = _namer.Numbered("_saved_" + root + "_");
                Declare(type, saved, context, forward, target);
                reverse.Add(new Line($"{target} = {saved};"));
            }
        }

        bool declareHere = root is not null && (firstDefinition ? _inlineDeclared.Contains(root) : context.Fused && assign.IsDeclaration && _fusedInline.Contains(root));
        // Outside loops each statement runs once before its reverse: keep exp(a), tanh(a)… in a local for the
        // derivative (d exp a = exp a) instead of calling the function again in the reverse sweep.
        _callResults.Clear();
        Assign printed = assign;
        if (!context.InLoop && IsActiveTarget(assign.Target))
        {
            foreach (MathCall call in ReusableCalls(assign.Value))
            {
                if (!_callResults.ContainsKey(call))
                {
                    string local = _namer.Numbered("_" + call.Name.ToLowerInvariant());
                    _hoisted.Add((_names.Element(call.Type), local, "default"));
                    forward.Add(new Line($"{local} = {Print(call).Text};"));
                    _callResults[call] = local;
                }
            }

            if (_callResults.Count > 0)
            {
                printed = assign with { Value = IrRewriter.Replace(assign.Value, e => e is MathCall m && _callResults.TryGetValue(m, out string? local) ? new VarRef(m.Type, local) : null) };
            }

            // From here on, Print writes the kept locals in place of the calls.
        }

        var forwardLine = new Line(ForwardAssignment(printed, declareHere));
        forward.Add(forwardLine);
        if (assign.Value is NewArray && root is not null && _activity.IsActiveName(root))
        {
            string element = _names.Element(assign.Target.Type);
            string arrayAdjoint = _adjointNames[root];
            if (!_split && ReferenceEquals(_names, TypeNames.Plain) && assign.Target.Type.Shape == TypeShape.Array && !_method.Parameters.Any(p => p.Name == root))
            {
                // Borrowed for this call and given back at its end: the gradient allocates only what the method does.
                forward.Add(new Line($"{arrayAdjoint} = global::System.Buffers.ArrayPool<{element}>.Shared.Rent({target}.Length);"));
                forward.Add(new Line($"global::System.Array.Clear({arrayAdjoint}, 0, {target}.Length);"));
                if (!_pooledAdjoints.Exists(p => p.Name == arrayAdjoint))
                {
                    // One return per variable, however many places create its array.
                    _pooledAdjoints.Add((element, arrayAdjoint));
                }
            }
            else
            {
                forward.Add(new Line($"{arrayAdjoint} = new {element}[{target}.Length];"));
            }
        }

        if (!IsActiveTarget(assign.Target))
        {
            return new StmtDiff(forward, reverse);
        }

        var adjointCode = new List<Node>();
        Code adjoint = AdjointOf(assign.Target);
        Expr? accumulated = AccumulatedPart(assign);
        bool merging = ReferenceEquals(assign, _mergeableAccumulation) && accumulated is DiffCall && assign.Target is VarRef;
        string mergedPrefix = string.Empty;
        if (merging)
        {
            mergedPrefix = $"{target} {(assign.Value is Binary { Operator: "-" } ? "-=" : "+=")} ";
            _mergedCallTarget = mergedPrefix;
        }

        if (accumulated is not null)
        {
            // x += e: x's own adjoint passes through unchanged (∂x_new/∂x_old = 1); e receives it.
            Propagate(accumulated, new Adjoint(adjoint, assign.Value is Binary { Operator: "-" }), adjointCode);
        }
        else if (!_activity.IsActive(assign.Value))
        {
            if (!firstDefinition && !declareHere)
            {
                adjointCode.Add(new Line($"{adjoint.Text} = {(assign.Target.Type.IsTensor ? "null" : "0")};"));
            }
        }
        else if (root is not null && IrWalker.Mentions(assign.Value, root))
        {
            // x = f(x, …): take x's adjoint aside before f's partials add to it again.
            string temporary = _namer.Numbered("_adj");
            adjointCode.Add(new Line($"{_names.Element(assign.Target.Type)} {temporary} = {adjoint.Text};"));
            adjointCode.Add(new Line($"{adjoint.Text} = 0;"));
            Propagate(assign.Value, new Adjoint(Code.Atom(temporary), false), adjointCode);
        }
        else
        {
            // v = tanh(a) in a loop, where v's old value is restored: until the restore, v holds tanh(a), which the
            // derivative reuses (1 - v²); the restore moves after the adjoint code instead of the call being repeated.
            bool resultInTarget = save && reverse.Count == 1 && context.InLoop && assign.Target is VarRef &&
                                  assign.Value is MathCall reused && ResultReusingFunctions.Contains(reused.Name) && !_callResults.ContainsKey(reused);
            if (resultInTarget)
            {
                _callResults[(MathCall)assign.Value] = target;
            }

            bool tapedPartials = context.InLoop && assign.Value is DiffCall called && TapePartials(called, forwardLine, forward);
            Propagate(assign.Value, new Adjoint(adjoint, false), adjointCode);
            _tapedCall = null;
            if (!firstDefinition && !declareHere)
            {
                adjointCode.Add(new Line($"{adjoint.Text} = {(assign.Target.Type.IsTensor ? "null" : "0")};"));
            }

            if (resultInTarget || tapedPartials)
            {
                // The restore of the target's old value comes after the adjoint code: until then the target holds the
                // call's result, and the partials were pushed after the old value.
                adjointCode.AddRange(reverse);
                reverse.Clear();
            }
        }

        if (adjointCode.Count > 0)
        {
            reverse.Add(new Comment($"line {assign.Line}: {assign.Source}"));
            reverse.AddRange(adjointCode);
        }

        _callResults.Clear();
        if (merging)
        {
            _mergedCallTarget = null;
            if (adjointCode.OfType<Line>().Any(l => l.Text.StartsWith(mergedPrefix, System.StringComparison.Ordinal)))
            {
                // The gradient call in the reverse code computes the value too: no separate forward call.
                forward.Remove(forwardLine);
            }
        }

        return new StmtDiff(forward, reverse);
    }

    /// <summary>The calls of <paramref name="value"/> worth keeping for the reverse sweep: outside <c>?:</c> branches, with an active argument.</summary>
    /// <summary>
    /// In <c>a * tanh(c)</c> with both factors active, a's partial is tanh(c) and tanh's derivative reuses tanh(c):
    /// the reverse sweep computes it once, into a local both use (<c>double _t2 = Math.Tanh(cell);</c>), instead of
    /// calling the function twice. Likewise the divisor of <c>a / sqrt(c)</c> when it is active (its partial divides by
    /// its square), and the dividend when both are. Returns the calls kept this way, for the caller to forget after the
    /// operation.
    /// </summary>
    private List<MathCall> ShareFactorResults(Binary operation, List<Node> output)
    {
        var shared = new List<MathCall>();
        foreach ((Expr factor, Expr other, bool divisor) in new[] { (operation.Left, operation.Right, false), (operation.Right, operation.Left, operation.Operator == "/") })
        {
            if (factor is MathCall call && ResultReusingFunctions.Contains(call.Name) && !_callResults.ContainsKey(call) &&
                _activity.IsActive(call) && (divisor || _activity.IsActive(other)))
            {
                string name = _namer.Numbered("_t");
                output.Add(new Line($"{_names.Element(call.Type)} {name} = {Print(call).Text};"));
                _callResults[call] = name;
                shared.Add(call);
            }
        }

        return shared;
    }

    /// <summary>The call whose partials the forward sweep recorded (<see cref="TapePartials"/>), and their names.</summary>
    private DiffCall? _tapedCall;

    private List<string> _tapedPartials = new();

    /// <summary>
    /// <c>v = F(a, b)</c> in a loop, for a differentiable F with scalar parameters: the forward sweep calls F's gradient
    /// instead of F (it returns F's value exactly), <c>v = FGradient(a, b, out _dF_1, out _dF_2);</c>, and records the
    /// partials, so the reverse sweep reads them back instead of calling F's gradient again. A sigmoid gate in an LSTM
    /// cell is such a call: its exponential is computed once, not twice.
    /// </summary>
    private bool TapePartials(DiffCall call, Line forwardLine, List<Node> forward)
    {
        string callText = Print(call).Text;
        int at = forward.IndexOf(forwardLine);
        if (_split || !ReferenceEquals(_names, TypeNames.Plain) || _registrations.Find(call.Callee.Key) is not null ||
            !call.Callee.IsDifferentiable || call.Callee.Parameters.Any(p => p.IsDifferentiable && !p.Type.IsFloating) ||
            at < 0 || !forwardLine.Text.EndsWith($" = {callText};", System.StringComparison.Ordinal))
        {
            return false;
        }

        _tapedPartials = new List<string>();
        var outs = new List<string>();
        var pushes = new List<Node>();
        foreach (CalleeParameter parameter in call.Callee.Parameters.Where(p => p.IsDifferentiable))
        {
            string element = _names.Element(parameter.Type);
            string name = _namer.Numbered($"_d{call.Callee.Name}_");
            _hoisted.Add((element, name, "default"));
            _tapes.Add(element);
            _tapedPartials.Add(name);
            outs.Add("out " + name);
            pushes.Add(new Line($"{TapeName(element)}.Push({name});"));
        }

        // "v = F(a, b);" becomes "v = FGradient(a, b, out _dF_1, out _dF_2);", written as PropagateCall writes the call.
        string head = forwardLine.Text.Substring(0, forwardLine.Text.Length - callText.Length - 1);
        IEnumerable<string> arguments = call.Arguments.Select(a => Print(a).Text).Concat(outs);
        forward[at] = new Line($"{head}{CalleePrefix(call)}{call.Callee.Name}{_names.GradientSuffix}({string.Join(", ", arguments)});");
        forward.InsertRange(at + 1, pushes);
        _tapedCall = call;
        return true;
    }

    private IEnumerable<MathCall> ReusableCalls(Expr value)
    {
        switch (value)
        {
            case Conditional:
                yield break;
            case MathCall call when ResultReusingFunctions.Contains(call.Name) && call.Arguments.Any(a => _activity.IsActive(a)):
                yield return call;
                break;
        }

        foreach (Expr child in IrWalker.Children(value))
        {
            foreach (MathCall call in ReusableCalls(child))
            {
                yield return call;
            }
        }
    }

    private static bool IsPullbackCall(DiffCall call) => call.Type.IsTensor || call.Arguments.Any(a => a.Type.IsTensor);

    /// <summary>
    /// <c>t = F(a, b)</c> where F works on tensors: the reverse sweep calls F's registered pullback with the result and
    /// its adjoint, which adds into the adjoints of the tensor arguments (created, zeroed, from the workspace on first use).
    /// </summary>
    private StmtDiff DiffPullbackAssign(Assign assign, DiffCall call, Context context)
    {
        DerivativeRegistration registration = _registrations.Find(call.Callee.Key) ?? throw new UnresolvedCallException();
        _usesArena = true;
        var forward = new List<Node>();
        var reverse = new List<Node>();
        string target = Print(assign.Target).Text;
        string? root = IrWalker.RootName(assign.Target);
        bool firstDefinition = assign.IsDeclaration && context.AtTop;
        bool save = root is not null && !firstDefinition && _reverseReads.Contains(root);
        bool active = IsActiveTarget(assign.Target) || (assign.Target is VarRef v && v.Type.IsTensor && _activity.IsActiveName(v.Name));

        // A pullback with a recording forward: the forward records what the pullback pops, so the pullback must run
        // once for every forward call, whether or not the result's adjoint is ever set.
        bool recorded = active && registration.ForwardMethod is not null;
        bool selfReferencing = root is not null && assign.Target.Type.IsTensor && IrWalker.Mentions(call, root);
        Assign forwardAssign = recorded ? assign with { Value = call with { Callee = RecordingForward(call.Callee, registration.ForwardMethod!) } } : assign;

        // h = F(h, …) in a loop with a recording F: the reverse pops the old h before F's pullback pops F's records,
        // so the old h goes on the tape after them.
        string? pushAfter = null;
        string? restore = null;
        if (save)
        {
            string type = _names.Of(assign.Target.Type);
            if (context.InLoop)
            {
                _tapes.Add(type);
                if (recorded && selfReferencing)
                {
                    pushAfter = $"{TapeName(type)}.Push({target});";
                }
                else
                {
                    forward.Add(new Line($"{TapeName(type)}.Push({target});"));
                }

                restore = $"{target} = {TapeName(type)}.Pop();";
            }
            else
            {
                string saved = _namer.Numbered("_saved_" + root + "_");
                Declare(type, saved, context, forward, target);
                restore = $"{target} = {saved};";
            }
        }

        bool declareHere = firstDefinition && root is not null && _inlineDeclared.Contains(root);
        if (pushAfter is not null)
        {
            string next = _namer.Numbered("_next");
            forward.Add(new Line($"{_names.Of(assign.Target.Type)} {next} = {Print(forwardAssign.Value).Text};"));
            forward.Add(new Line(pushAfter));
            forward.Add(new Line($"{target} = {next};"));
        }
        else
        {
            forward.Add(new Line(ForwardAssignment(forwardAssign, declareHere)));
        }

        string operation = call.Callee.ContainingType.Replace("global::", string.Empty).Split('.').Last() + "." + call.Callee.Name;
        forward.Add(AnomalyCheck(target, operation, assign.Line));
        if (active)
        {
            string adjoint = AdjointOf(assign.Target).Text;
            string resultValue = target, resultAdjoint = adjoint;
            if (selfReferencing)
            {
                // h = F(h, …): the pullback needs the new h as the result and the old h as the argument, and adds to
                // the old h's adjoint while reading the new one's: take the result and its adjoint aside first.
                resultValue = _namer.Numbered("_result");
                resultAdjoint = _namer.Numbered("_resultAdjoint");
            }

            var arguments = call.Arguments.Select(a => Print(a).Text).ToList();
            arguments.Add(resultValue);
            arguments.Add(resultAdjoint);
            for (int i = 0; i < call.Arguments.Count; i++)
            {
                if (!registration.HasGradient[i])
                {
                    continue;
                }

                Expr argument = call.Arguments[i];
                if (argument is VarRef input && _activity.IsActiveName(input.Name) && _adjointNames.TryGetValue(input.Name, out string? inputAdjoint))
                {
                    arguments.Add(HasDirectGradient(input.Name) ? inputAdjoint
                        : input.Type.IsTensorArray ? "null" // a local array of tensors has no gradient buffers to add to
                        : $"{inputAdjoint} ??= _arena.RentZeroed({Print(argument).Text}.Shape)");
                }
                else if (argument is ElementRef { Collection: VarRef layers } element && HasDirectGradient(layers.Name) && _adjointNames.TryGetValue(layers.Name, out string? layerAdjoints))
                {
                    // A layer of a [Parameter] Tensor[] (its gradient tensor exists already), or of a split method's
                    // Tensor[] parameter (whose gradients the caller may not want: null).
                    arguments.Add(_method.IsModelParameter(layers.Name) ? $"{layerAdjoints}[{Print(element.Index).Text}]" : $"{layerAdjoints}?[{Print(element.Index).Text}]");
                }
                else
                {
                    arguments.Add("null");
                }
            }

            reverse.Add(new Comment($"line {assign.Line}: {assign.Source}"));
            string pullback = $"{registration.DerivativeMethod}({string.Join(", ", arguments)});";
            var checks = new List<Node>();
            for (int i = 0; i < call.Arguments.Count; i++)
            {
                if (registration.HasGradient[i] && call.Arguments[i] is VarRef checkedInput && _activity.IsActiveName(checkedInput.Name) && _adjointNames.TryGetValue(checkedInput.Name, out string? checkedAdjoint) && !HasDirectGradient(checkedInput.Name))
                {
                    checks.Add(AnomalyCheck(checkedAdjoint, "backward of " + operation, assign.Line));
                }
            }
            if (selfReferencing)
            {
                var body = new List<Node>
                {
                    new Line($"global::AutoDiff.Tensor {resultValue} = {target};"),
                    new Line($"global::AutoDiff.Tensor{(recorded ? "?" : string.Empty)} {resultAdjoint} = {adjoint};"),
                    new Line($"{adjoint} = null;"),
                };
                if (restore is not null)
                {
                    body.Add(new Line(restore));
                }

                body.Add(new Line(pullback));
                body.AddRange(checks);
                if (recorded)
                {
                    reverse.AddRange(body);
                    return new StmtDiff(forward, reverse);
                }

                reverse.Add(new BlockNode($"if ({adjoint} is not null)", body));
                if (restore is not null)
                {
                    reverse.Add(new BlockNode("else", new List<Node> { new Line(restore) }));
                }

                return new StmtDiff(forward, reverse);
            }

            if (assign.Target.Type.IsTensor)
            {
                var body = new List<Node> { new Line(pullback) };
                body.AddRange(checks);
                if (recorded)
                {
                    reverse.AddRange(body);
                }
                else
                {
                    reverse.Add(new BlockNode($"if ({adjoint} is not null)", body));
                }

                if (!firstDefinition)
                {
                    reverse.Add(new Line($"{adjoint} = null;"));
                }
            }
            else
            {
                reverse.Add(new Line(pullback));
                reverse.AddRange(checks);
                if (!firstDefinition)
                {
                    reverse.Add(new Line($"{adjoint} = 0;"));
                }
            }
        }

        if (restore is not null)
        {
            reverse.Add(new Line(restore));
        }

        return new StmtDiff(forward, reverse);
    }

    /// <summary>The callee reference that prints as a call to <paramref name="forwardMethod"/> (qualified, or a method of this type).</summary>
    private static CalleeRef RecordingForward(CalleeRef callee, string forwardMethod)
    {
        int dot = forwardMethod.LastIndexOf('.');
        return dot < 0
            ? callee with { Name = forwardMethod, SameType = true }
            : callee with { ContainingType = forwardMethod.Substring(0, dot), Name = forwardMethod.Substring(dot + 1), IsStatic = true, SameType = false };
    }

    /// <summary>
    /// True when a tensor's gradient is given rather than created on first use: a model's [Parameter] (its gradient
    /// buffer) or a tensor parameter of a split method that it never reassigns (the caller's gradient, null when the
    /// caller does not want it; pullbacks skip null gradients).
    /// </summary>
    private bool HasDirectGradient(string name) =>
        _method.IsModelParameter(name) ||
        (_method.Parameters.Any(p => p.Name == name && p.GradientName is not null && (p.Type.IsTensor || p.Type.IsTensorArray)) && !_assignmentCounts.ContainsKey(name) && !_reassignedTensorParameters.Any(p => p.Name == name));

    /// <summary>Anomaly mode: one flag test per tensor operation when off; a NaN/∞ scan naming the source line when on.</summary>
    private Node AnomalyCheck(string value, string operation, int line) =>
        new Line($"if (global::AutoDiff.AnomalyDetection.IsEnabled) global::AutoDiff.AnomalyDetection.Check({value}, \"{operation}\", \"{_method.FileName}\", {line});");

    /// <summary>
    /// Gives every tensor operation nested in an expression its own statement (<c>_t1 = MatMul(x, W)</c>), so that its
    /// result is kept for the pullback: <c>Relu(AddBias(MatMul(x, W), b))</c> becomes three assignments.
    /// </summary>
    private Block HoistTensorCalls(Block block)
    {
        var statements = new List<Stmt>();
        foreach (Stmt statement in block.Statements)
        {
            switch (statement)
            {
                case Assign assign:
                    {
                        var hoisted = new List<Stmt>();
                        Expr value = assign.Value is DiffCall top && IsPullbackCall(top) && assign.Target is VarRef
                            ? top with { Arguments = top.Arguments.Select(a => Hoist(a, assign, hoisted)).ToEquatableArray() }
                            : Hoist(assign.Value, assign, hoisted);
                        statements.AddRange(hoisted);
                        statements.Add(assign with { Value = value });
                        break;
                    }

                case If branch:
                    statements.Add(branch with { Then = HoistTensorCalls(branch.Then), Else = HoistTensorCalls(branch.Else) });
                    break;
                case Loop loop:
                    statements.Add(loop with { Body = HoistTensorCalls(loop.Body) });
                    break;
                default:
                    statements.Add(statement);
                    break;
            }
        }

        return new Block(statements.ToEquatableArray());
    }

    private Expr Hoist(Expr expr, Stmt at, List<Stmt> hoisted)
    {
        Expr rebuilt = expr switch
        {
            DiffCall d => d with { Arguments = d.Arguments.Select(a => Hoist(a, at, hoisted)).ToEquatableArray() },
            Binary b => b with { Left = Hoist(b.Left, at, hoisted), Right = Hoist(b.Right, at, hoisted) },
            Unary u => u with { Operand = Hoist(u.Operand, at, hoisted) },
            Cast c => c with { Operand = Hoist(c.Operand, at, hoisted) },
            MathCall m => m with { Arguments = m.Arguments.Select(a => Hoist(a, at, hoisted)).ToEquatableArray() },
            _ => expr,
        };
        if (rebuilt is DiffCall call && IsPullbackCall(call))
        {
            string name = _namer.Numbered("_t");
            _allLocals.Add(new LocalModel(name, call.Type));
            _types[name] = call.Type;
            var temporary = new VarRef(call.Type, name);
            hoisted.Add(new Assign(at.Line, at.Source, temporary, call, null, true));
            return temporary;
        }

        return rebuilt;
    }

    /// <summary>
    /// For an integer <c>v = v ± c</c> (<c>v++</c>, <c>v += c</c>) with c the same in the reverse sweep: the statement
    /// that undoes it (exact: integer arithmetic wraps). Null otherwise.
    /// </summary>
    private string? InverseUpdate(Assign assign)
    {
        if (assign.Target is not VarRef { Type: { Shape: TypeShape.Scalar, Element: ScalarKind.Int } } target ||
            assign.Value is not Binary { Operator: "+" or "-" } binary || binary.Left != assign.Target ||
            IrWalker.Mentions(binary.Right, target.Name) || !IsReverseStable(binary.Right))
        {
            return null;
        }

        string v = Identifiers.Escape(target.Name);
        string operand = Print(binary.Right).Text;
        string inverse = binary.Operator == "+" ? "-" : "+";
        return operand == "1" ? $"{v}{inverse}{inverse};" : $"{v} {inverse}= {operand};";
    }

    /// <summary>For <c>x = x + e</c> or <c>x = x - e</c> (with no other x in e) returns e; otherwise null.</summary>
    private static Expr? AccumulatedPart(Assign assign)
    {
        if (assign.Value is Binary { Operator: "+" or "-" } binary && binary.Left == assign.Target &&
            IrWalker.RootName(assign.Target) is { } root && !IrWalker.Mentions(binary.Right, root))
        {
            return binary.Right;
        }

        return null;
    }

    private string ForwardAssignment(Assign assign, bool declareHere) => AssignmentPrinter.Print(assign, declareHere, _names);

    private StmtDiff DiffIf(If branch, Context context)
    {
        StmtDiff then = DiffBlock(branch.Then, context.Nested());
        StmtDiff otherwise = DiffBlock(branch.Else, context.Nested());
        var forward = new List<Node>();
        var reverse = new List<Node>();

        if (then.Reverse.Count == 0 && otherwise.Reverse.Count == 0)
        {
            forward.AddRange(IfElse(Print(branch.Condition).Text, then.Forward, otherwise.Forward));
            return new StmtDiff(forward, reverse);
        }

        // Record the decision: the reverse sweep must take the same branch, and the condition's inputs may change.
        string decision = _namer.Numbered("_cond");
        Declare("bool", decision, context, forward, Print(branch.Condition).Text);
        forward.AddRange(IfElse(decision, then.Forward, otherwise.Forward));
        if (context.InLoop)
        {
            _tapes.Add("bool");
            forward.Add(new Line($"{TapeName("bool")}.Push({decision});"));
            reverse.Add(new Line($"{decision} = {TapeName("bool")}.Pop();"));
        }

        reverse.Add(new Comment($"line {branch.Line}: {branch.Source}"));
        if (then.Reverse.Count == 0)
        {
            reverse.Add(new BlockNode($"if (!{decision})", otherwise.Reverse));
        }
        else
        {
            reverse.AddRange(IfElse(decision, then.Reverse, otherwise.Reverse));
        }

        return new StmtDiff(forward, reverse);
    }

    private static IEnumerable<Node> IfElse(string condition, List<Node> then, List<Node> otherwise) =>
        AssignmentPrinter.IfElse(condition, then, otherwise);

    private StmtDiff DiffLoop(Loop loop, Context context)
    {
        CanonicalLoop? canonical = CanonicalLoop.TryMatch(loop);
        if (canonical is not null && TryDiffFusedLoop(loop, canonical, context) is { } fused)
        {
            return fused;
        }

        Context inner = context.InsideLoop();
        StmtDiff init = canonical is null ? DiffBlock(loop.Init, context) : new StmtDiff(new List<Node>(), new List<Node>());
        List<string> snapshots = Snapshots(loop);
        _snapshotted.UnionWith(snapshots);
        _loops.Push(loop);
        StmtDiff body = DiffBlock(loop.Body, inner);
        _loops.Pop();
        _snapshotted.ExceptWith(snapshots);
        // Around the loop, for arrays windowed per run of the loop (see below).
        var windowsBefore = new List<Node>();
        var windowsReverseBefore = new List<Node>();
        var windowsReverseAfter = new List<Node>();
        if (snapshots.Count > 0)
        {
            // Each iteration starts by saving these arrays whole; its reverse ends by putting them back. A scratch array
            // the iteration overwrites before reading instead lives on a tape of its own, a window per iteration, which
            // the forward sweep fills and the reverse sweep reads in place: no copy either way. When the loop's trip
            // count is known as it starts, one window holds every iteration's copy, and each iteration takes a slice.
            var saves = new List<Node>();
            var peeks = new List<Node>();
            var restores = new List<Node>();
            (Code Rows, Code Row)? perRun = canonical is not null ? WindowRows(loop, canonical) : null;
            foreach (string array in snapshots)
            {
                string element = _names.Element(_types[array]);
                if (IsWindowable(array, loop))
                {
                    string name = Identifiers.Escape(array);
                    string tape = _namer.Fresh("_" + array.TrimStart('@', '_') + "Windows");
                    _windowed[array] = (element, tape);
                    Code length = Print(_arrayLengths[array]);
                    if (perRun is { } run)
                    {
                        string rows = _namer.Fresh("_" + array.TrimStart('@', '_') + "Rows");
                        _hoisted.Add(($"global::System.Span<{element}>", rows, "default"));
                        string size = Code.Binary(run.Rows, "*", length).Text;
                        windowsBefore.Add(new Comment($"{array} is written whole before it is read: each iteration's copy is a row of {rows}, on {tape}"));
                        windowsBefore.Add(new Line($"{rows} = {tape}.PushWindow({size});"));
                        string slice = $"{name} = {rows}.Slice({Code.Binary(run.Row, "*", length).Text}, {length.Text});";
                        saves.Add(new Line(slice));
                        peeks.Add(new Line(slice));
                        windowsReverseBefore.Add(new Line($"{rows} = {tape}.PeekWindow({size});"));
                        windowsReverseAfter.Add(new Line($"{tape}.PopWindow({size});"));
                    }
                    else
                    {
                        saves.Add(new Comment($"{array} is written whole before it is read: this iteration's copy lives on {tape}"));
                        saves.Add(new Line($"{name} = {tape}.PushWindow({length.Text});"));
                        peeks.Add(new Line($"{name} = {tape}.PeekWindow({length.Text});"));
                        restores.Insert(0, new Line($"{tape}.PopWindow({length.Text});"));
                    }

                    continue;
                }

                _tapes.Add(element);
                bool scalar = _types[array].Shape == TypeShape.Scalar;
                saves.Add(new Line(scalar ? $"{TapeName(element)}.Push({Identifiers.Escape(array)});" : $"{TapeName(element)}.PushAll({Identifiers.Escape(array)});"));
                restores.Insert(0, new Line(scalar ? $"{Identifiers.Escape(array)} = {TapeName(element)}.Pop();" : $"{TapeName(element)}.PopAll({Identifiers.Escape(array)});"));
            }

            saves.AddRange(body.Forward);
            var reverseWithRestores = new List<Node>(peeks);
            reverseWithRestores.AddRange(body.Reverse);
            reverseWithRestores.AddRange(restores);
            body = new StmtDiff(saves, reverseWithRestores);
        }

        StmtDiff step = canonical is null ? DiffBlock(loop.Step, inner) : new StmtDiff(new List<Node>(), new List<Node>());
        string condition = loop.Condition is null ? "true" : Print(loop.Condition).Text;
        string header = canonical is null ? string.Empty : CanonicalHeader(loop, canonical);

        var forward = new List<Node>(init.Forward);
        var reverse = new List<Node>();
        if (body.Reverse.Count == 0 && step.Reverse.Count == 0)
        {
            // Nothing in the loop carries a derivative: run it forward only.
            forward.Add(LoopNode(loop, canonical, header, condition, body.Forward.Concat(step.Forward).ToList()));
            reverse.AddRange(init.Reverse);
            return new StmtDiff(forward, reverse);
        }

        if (canonical is not null && InvariantReverseHeader(loop, canonical) is { } invariantHeader)
        {
            // The bounds are the same when the reverse sweep gets here: run the indices backwards from them, with
            // nothing counted or recorded.
            if (WindowRows(loop, canonical) is { } rows)
            {
                body = SaveRowsOnTapes(canonical, rows, body, windowsBefore, windowsReverseBefore, windowsReverseAfter);
            }

            forward.AddRange(windowsBefore);
            forward.Add(LoopNode(loop, canonical, header, condition, body.Forward.Concat(step.Forward).ToList()));
            var invariantBody = new List<Node>();
            AddRecomputed(loop, invariantBody);
            invariantBody.AddRange(step.Reverse);
            invariantBody.AddRange(body.Reverse);
            reverse.Add(new Comment($"line {loop.Line}: {loop.Source}, backwards"));
            reverse.AddRange(windowsReverseBefore);
            reverse.Add(new BlockNode(invariantHeader, invariantBody));
            reverse.AddRange(windowsReverseAfter);
            reverse.AddRange(init.Reverse);
            return new StmtDiff(forward, reverse);
        }

        string counter = _namer.Numbered("_iterations");
        Declare("int", counter, context, forward, "0");
        string? start = null;
        if (canonical is not null && canonical.Start is not Literal)
        {
            start = _namer.Numbered("_start");
            Declare("int", start, context, forward, Print(canonical.Start).Text);
            header = $"for (int {canonical.Variable} = {start}; {condition}; {StepText(canonical)})";
        }

        var forwardBody = new List<Node> { new Line($"{counter}++;") };
        forwardBody.AddRange(body.Forward);
        forwardBody.AddRange(step.Forward);
        forward.Add(LoopNode(loop, canonical, header, condition, forwardBody));
        if (context.InLoop)
        {
            _tapes.Add("int");
            forward.Add(new Line($"{TapeName("int")}.Push({counter});"));
            if (start is not null)
            {
                forward.Add(new Line($"{TapeName("int")}.Push({start});"));
                reverse.Add(new Line($"{start} = {TapeName("int")}.Pop();"));
            }

            reverse.Add(new Line($"{counter} = {TapeName("int")}.Pop();"));
        }

        var reverseBody = new List<Node>();
        AddRecomputed(loop, reverseBody);
        reverseBody.AddRange(step.Reverse);
        reverseBody.AddRange(body.Reverse);
        reverse.Add(new Comment($"line {loop.Line}: {loop.Source}, backwards"));
        if (canonical is not null)
        {
            reverse.Add(new BlockNode(ReverseCanonicalHeader(canonical, counter, start), reverseBody));
        }
        else
        {
            string iteration = _namer.Numbered("_iteration");
            reverse.Add(new BlockNode($"for (int {iteration} = {counter}; {iteration} > 0; {iteration}--)", reverseBody));
        }

        reverse.AddRange(init.Reverse);
        return new StmtDiff(forward, reverse);
    }

    /// <summary>
    /// Local arrays that are better saved whole at the start of each iteration of <paramref name="loop"/> than element
    /// by element: the iteration writes them in an inner loop that runs over their length (so a whole copy costs no
    /// more than the element saves), and every statement of the body whose reverse reads them comes after every
    /// statement that writes them, so the reverse sweep of the iteration needs only their final values until it puts
    /// the saved copy back. ADBench GMM's Q·(x − μ), accumulated over a triangle, is the case in point.
    /// </summary>
    private List<string> Snapshots(Loop loop)
    {
        var result = new List<string>();
        var written = new SortedSet<string>(System.StringComparer.Ordinal);
        var scalars = new HashSet<string>();
        foreach (Assign assign in IrWalker.Statements(loop.Body).OfType<Assign>())
        {
            if (assign.Target is ElementRef && IrWalker.RootName(assign.Target) is { } root)
            {
                written.Add(root);
            }
            else if (assign.Target is VarRef { Type.IsFloating: true } scalar)
            {
                written.Add(scalar.Name);
                scalars.Add(scalar.Name);
            }
        }

        foreach (string array in written)
        {
            if (_snapshotted.Contains(array) || !_reverseReads.Contains(array))
            {
                continue;
            }

            if (scalars.Contains(array))
            {
                // A scalar rewritten inside an inner loop (y = …; for (…) y += …): one save per iteration of this loop
                // instead of one per write.
                if (written.Contains(array) && IsRecomputedSomewhere(array) ||
                    !IrWalker.Statements(loop.Body).OfType<Loop>().Any(inner => IrWalker.Statements(inner.Body).OfType<Assign>().Any(a => a.Target is VarRef v && v.Name == array)))
                {
                    continue;
                }
            }
            else
            {
                if (!_arrayLengths.TryGetValue(array, out Expr? length) || !_assignmentCounts.TryGetValue(array, out int count) || count < 1 ||
                    !IsReverseStable(length) || IrWalker.Statements(loop.Body).OfType<Assign>().Any(a => a.Target is VarRef v && v.Name == array))
                {
                    continue;
                }

                // Some inner loop writing the array must run over its length: for (…; j < length; …).
                string lengthText = Print(length).Text;
                bool coversLength = IrWalker.Statements(loop.Body).OfType<Loop>().Any(inner =>
                    inner.Condition is Binary { Operator: "<" or "<=" } bound && Print(bound.Right).Text == lengthText &&
                    IrWalker.Statements(inner.Body).OfType<Assign>().Any(a => a.Target is ElementRef && IrWalker.RootName(a.Target) == array));
                if (!coversLength)
                {
                    continue;
                }
            }

            int lastWrite = -1, firstRead = int.MaxValue;
            for (int i = 0; i < loop.Body.Statements.Count; i++)
            {
                Stmt statement = loop.Body.Statements[i];
                if (IrWalker.Statements(new Block(new[] { statement }.ToEquatableArray())).OfType<Assign>().Any(a => IrWalker.RootName(a.Target) == array))
                {
                    lastWrite = i;
                }

                if (firstRead == int.MaxValue && ReverseReadsOf(statement, loop).Contains(array))
                {
                    firstRead = i;
                }
            }

            // The same statement may write and read it when it is an inner loop that writes each element once, before
            // reading only that element: its reverse then reads final values too.
            if (lastWrite < firstRead ||
                (lastWrite == firstRead && loop.Body.Statements[lastWrite] is Loop writer && _arrayLengths.TryGetValue(array, out Expr? arrayLength) &&
                 OverwritesAll(array, arrayLength, writer)))
            {
                result.Add(array);
            }
        }

        return result;
    }

    /// <summary>
    /// Whether <paramref name="array"/>, saved whole at the start of each iteration of <paramref name="loop"/>, can live
    /// on a tape instead, one window per iteration: a method-level <c>new T[n]</c> of float or double (n fixed, one
    /// assignment) that nothing outside <paramref name="loop"/> mentions, that the loop uses only through elements and
    /// <c>.Length</c> (so a span can stand for it), and that each iteration overwrites completely before reading it (so
    /// a new window's stale contents are never read). Not in split methods, whose sweeps share the thread's tapes.
    /// </summary>
    private bool IsWindowable(string array, Loop loop)
    {
        if (_split || !ReferenceEquals(_names, TypeNames.Plain) || !_types.TryGetValue(array, out TypeRef? type) || type.Shape != TypeShape.Array ||
            type.Element is not (ScalarKind.Double or ScalarKind.Float) || _method.Parameters.Any(p => p.Name == array) ||
            !_arrayLengths.TryGetValue(array, out Expr? length) || !_wholeArrayAssignments.TryGetValue(array, out int assignments) || assignments != 1 ||
            !IrWalker.DescendantsAndSelf(length).All(e => e is not VarRef v || !_assignmentCounts.TryGetValue(v.Name, out int n) || n <= 1) ||
            LoopHeaderMentions(loop, array) || !OverwrittenBeforeRead(array, length, loop.Body))
        {
            return false;
        }

        // Every mention in the method, but the declaration, is one of the loop's, through an element or the length.
        // (Counted rather than matched by reference: a fused enclosing loop differentiates a rewritten copy.)
        bool declared = _body.Statements.Any(st => st is Assign { IsDeclaration: true, Target: VarRef target, Value: NewArray } && target.Name == array);
        int Mentions(Block block, bool throughElementsOnly)
        {
            int count = 0;
            foreach (Stmt statement in IrWalker.Statements(block))
            {
                if (statement is Assign { IsDeclaration: true, Target: VarRef target, Value: NewArray } && target.Name == array)
                {
                    continue;
                }

                if (statement is ForwardOnly forwardOnly && MentionsInText(forwardOnly.Code, array))
                {
                    return -1;
                }

                foreach (Expr expression in IrWalker.OwnExpressions(statement))
                {
                    List<Expr> all = IrWalker.DescendantsAndSelf(expression).ToList();
                    int mentions = all.Count(e => e is VarRef v && v.Name == array);
                    int throughElements = all.Count(e => e is ElementRef { Collection: VarRef c } && c.Name == array) +
                                          all.Count(e => e is Opaque { Format: "{0}.Length", Arguments: var arguments } && arguments.Count == 1 && arguments[0] is VarRef c && c.Name == array);
                    if (throughElementsOnly && mentions != throughElements)
                    {
                        return -1;
                    }

                    count += mentions;
                }
            }

            return count;
        }

        int inLoop = Mentions(loop.Body, throughElementsOnly: true);
        return declared && inLoop > 0 && Mentions(_body, throughElementsOnly: false) == inLoop;
    }

    /// <summary>
    /// For <c>for (int i = start; i &lt; end; i++)</c> whose bounds the reverse sweep sees unchanged (the loops
    /// <see cref="InvariantReverseHeader"/> reverses from their bounds): its trip count, as the loop starts, and the
    /// iteration's number (<c>i - start</c>). Null for other loops.
    /// </summary>
    private (Code Rows, Code Row)? WindowRows(Loop loop, CanonicalLoop canonical)
    {
        if (canonical.Step != 1 || loop.Condition is not Binary { Operator: "<", Left: VarRef index, Right: var end } || index.Name != canonical.Index ||
            InvariantReverseHeader(loop, canonical) is null)
        {
            return null;
        }

        Code endCode = Print(end);
        Code counter = Code.Atom(canonical.Variable);
        if (canonical.Start is Literal { Text: "0" })
        {
            bool nonNegative = end is Literal literal && int.TryParse(literal.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _);
            return (nonNegative ? endCode : Code.Call("global::System.Math.Max", Code.Atom("0"), endCode), counter);
        }

        Code start = Print(canonical.Start);
        return (Code.Call("global::System.Math.Max", Code.Atom("0"), Code.Binary(endCode, "-", start)), Code.Binary(counter, "-", start));
    }

    /// <summary>
    /// What every iteration of a counted loop records on a shared tape at the top level of its body (the old value of a
    /// variable it overwrites, the branch an <c>if</c> took, an inner loop's trip count) goes instead into a window per
    /// run of the loop, on a tape of its own, a row per iteration: <c>rows[i * n + k] = v;</c> and, in the reverse sweep,
    /// <c>v = rows[i * n + k];</c>. Consecutive pushes wait on one another through the tape's count, kept in memory;
    /// stores at known places do not. A type's records move only when the body's top-level pushes and the reverse's
    /// top-level pops mirror each other exactly (what is recorded inside branches and inner loops stays on the shared
    /// tape, in its own order). Not in split methods, whose sweeps share the thread's tapes, nor in dual code.
    /// </summary>
    private StmtDiff SaveRowsOnTapes(CanonicalLoop canonical, (Code Rows, Code Row) run, StmtDiff body,
        List<Node> before, List<Node> reverseBefore, List<Node> reverseAfter)
    {
        if (_split || !ReferenceEquals(_names, TypeNames.Plain))
        {
            return body;
        }

        var forward = new List<Node>(body.Forward);
        var reverse = new List<Node>(body.Reverse);
        foreach ((string element, string plural) in new[] { ("double", "Doubles"), ("float", "Floats"), ("int", "Ints"), ("bool", "Bools") })
        {
            if (!_tapes.Contains(element))
            {
                continue;
            }

            string push = TapeName(element) + ".Push(";
            string pop = " = " + TapeName(element) + ".Pop();";
            List<int> pushes = Enumerable.Range(0, forward.Count)
                .Where(i => forward[i] is Line line && line.Text.StartsWith(push, System.StringComparison.Ordinal) && line.Text.EndsWith(");", System.StringComparison.Ordinal))
                .ToList();
            List<int> pops = Enumerable.Range(0, reverse.Count)
                .Where(i => reverse[i] is Line line && line.Text.EndsWith(pop, System.StringComparison.Ordinal))
                .ToList();
            int count = pushes.Count;
            string Saved(int k) => ((Line)forward[pushes[k]]).Text.Substring(push.Length, ((Line)forward[pushes[k]]).Text.Length - push.Length - 2);
            string Restored(int k) => ((Line)reverse[pops[count - 1 - k]]).Text.Substring(0, ((Line)reverse[pops[count - 1 - k]]).Text.Length - pop.Length);
            if (count == 0 || pops.Count != count || Enumerable.Range(0, count).Any(k => Saved(k) != Restored(k)))
            {
                continue;
            }

            string variable = canonical.Variable.TrimStart('@');
            string rows = _namer.Fresh("_" + variable + "Saved" + plural);
            string tape = rows + "Tape";
            _rowTapes.Add((element, tape));
            _hoisted.Add(($"global::System.Span<{element}>", rows, "default"));
            string size = count == 1 ? run.Rows.Text : Code.Binary(run.Rows, "*", Code.Atom(count.ToString(System.Globalization.CultureInfo.InvariantCulture))).Text;
            Code rowStart = count == 1 ? run.Row : Code.Binary(run.Row, "*", Code.Atom(count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            string Slot(int k) => k == 0 ? rowStart.Text : Code.Binary(rowStart, "+", Code.Atom(k.ToString(System.Globalization.CultureInfo.InvariantCulture))).Text;
            string saved = count <= 3 ? string.Join(", ", Enumerable.Range(0, count).Select(Saved)) : $"{count} values";
            before.Add(new Comment($"each iteration saves {saved} in its row of {rows}, a window on a tape of its own"));
            before.Add(new Line($"{rows} = {tape}.PushWindow({size});"));
            reverseBefore.Add(new Line($"{rows} = {tape}.PeekWindow({size});"));
            reverseAfter.Add(new Line($"{tape}.PopWindow({size});"));
            var moves = Enumerable.Range(0, count).Select(k => (Value: Saved(k), Target: Restored(k))).ToList();
            for (int k = 0; k < count; k++)
            {
                forward[pushes[k]] = new Line($"{rows}[{Slot(k)}] = {moves[k].Value};");
                reverse[pops[count - 1 - k]] = new Line($"{moves[k].Target} = {rows}[{Slot(k)}];");
            }
        }

        return new StmtDiff(forward, reverse);
    }

    /// <summary>The declarations of windowed arrays (<c>double[] a = new double[n];</c>) become span declarations.</summary>
    private void DeclareWindowedAsSpans(List<Node> forward)
    {
        foreach (KeyValuePair<string, (string Element, string Tape)> windowed in _windowed)
        {
            string prefix = $"{windowed.Value.Element}[] {Identifiers.Escape(windowed.Key)} = ";
            int index = forward.FindIndex(n => n is Line line && line.Text.StartsWith(prefix, System.StringComparison.Ordinal));
            if (index < 0)
            {
                throw new System.InvalidOperationException($"No top-level declaration of the windowed array {windowed.Key}.");
            }

            forward[index] = new Line($"global::System.Span<{windowed.Value.Element}> {Identifiers.Escape(windowed.Key)} = " + ((Line)forward[index]).Text.Substring(prefix.Length));
        }
    }

    /// <summary>True when some loop recomputes the variable in its reverse sweep instead of recording it.</summary>
    private bool IsRecomputedSomewhere(string name) => _rematerialized.Values.Any(set => set.Contains(name));

    /// <summary>The variables that one statement's reverse sweep reads.</summary>
    private HashSet<string> ReverseReadsOf(Stmt statement, Loop loop)
    {
        var reads = new HashSet<string>();
        HashSet<string> previous = _readsInto;
        _readsInto = reads;
        try
        {
            CollectReverseReads(new Block(new[] { statement }.ToEquatableArray()), new Context(1, true), loop);
        }
        finally
        {
            _readsInto = previous;
        }

        return reads;
    }

    /// <summary>Loop-body locals recomputed from invariants at the start of each reversed iteration.</summary>
    private void AddRecomputed(Loop loop, List<Node> reverseBody)
    {
        if (_rematerialized.TryGetValue(loop, out HashSet<string>? recomputed) && recomputed.Count > 0)
        {
            foreach (Stmt s in loop.Body.Statements)
            {
                if (s is Assign { Target: VarRef v } a && recomputed.Contains(v.Name) && _reverseReads.Contains(v.Name))
                {
                    reverseBody.Add(new Line($"{Identifiers.Escape(v.Name)} = {Print(a.Value).Text};"));
                }
            }
        }
    }

    /// <summary>
    /// For <c>for (int i = start; i &lt; end; i++)</c> (also <c>&lt;=</c>, and <c>&gt;</c>/<c>&gt;=</c> with <c>i--</c>)
    /// whose start and end the method never changes once the loop can run (parameters, top-level locals assigned
    /// once, indices of enclosing counted loops, array lengths): the reverse loop's header, computed from the
    /// bounds themselves. Null when the trip count must be recorded instead.
    /// </summary>
    private string? InvariantReverseHeader(Loop loop, CanonicalLoop canonical)
    {
        if (canonical.Step is not (1 or -1) || loop.Condition is not Binary { Left: VarRef index } condition || index.Name != canonical.Index ||
            !IsReverseStable(canonical.Start) || !IsReverseStable(condition.Right))
        {
            return null;
        }

        string i = canonical.Variable;
        Code start = Print(canonical.Start);
        Code end = Print(condition.Right);
        return (canonical.Step, condition.Operator) switch
        {
            (1, "<") => $"for (int {i} = {Code.Binary(end, "-", Code.Atom("1")).Text}; {i} >= {start.Text}; {i}--)",
            (1, "<=") => $"for (int {i} = {end.Text}; {i} >= {start.Text}; {i}--)",
            (-1, ">") => $"for (int {i} = {Code.Binary(end, "+", Code.Atom("1")).Text}; {i} <= {start.Text}; {i}++)",
            (-1, ">=") => $"for (int {i} = {end.Text}; {i} <= {start.Text}; {i}++)",
            _ => null,
        };
    }

    /// <summary>True when an integer expression has the same value in the reverse sweep as in the forward sweep at this point.</summary>
    private bool IsReverseStable(Expr expr) => expr switch
    {
        Literal => true,
        VarRef v => !_assignmentCounts.ContainsKey(v.Name) && _method.Parameters.Any(p => p.Name == v.Name) ||
                    _assignmentCounts.TryGetValue(v.Name, out int count) && count == 1 && _topDeclared.Contains(v.Name) ||
                    _loops.Any(l => CanonicalLoop.TryMatch(l)?.Index == v.Name),
        Binary b => b.Type.Element is ScalarKind.Int && IsReverseStable(b.Left) && IsReverseStable(b.Right),
        Unary u => IsReverseStable(u.Operand),
        Opaque o => o.Format.IndexOf('(') < 0 && o.Arguments.All(a => a.Type.IsCollection ? a is VarRef c && !_assignmentCounts.ContainsKey(c.Name) : IsReverseStable(a)),
        _ => false,
    };

    /// <summary>
    /// Preaccumulation for reduction loops: when the only active value a loop iteration leaves behind is one
    /// accumulator <c>s += e</c> (everything else is local to the iteration), each iteration's reverse can run right
    /// after it, with ∂s = 1, adding into per-input buffers g; the reverse sweep then adds ∂s · g to the inputs'
    /// adjoints. This is what a person writes by hand (no tape, no second loop over the data).
    /// </summary>
    private StmtDiff? TryDiffFusedLoop(Loop loop, CanonicalLoop canonical, Context context)
    {
        if (!context.AtTop)
        {
            return null;
        }

        var declaredInBody = new HashSet<string>(IrWalker.Statements(loop.Body).OfType<Assign>()
            .Where(a => a.IsDeclaration && a.Target is VarRef).Select(a => ((VarRef)a.Target).Name));
        var privateArrays = new HashSet<string>();
        string? accumulator = null;
        foreach (Assign assign in IrWalker.Statements(loop.Body).OfType<Assign>())
        {
            if (assign.Target is ElementRef element)
            {
                // An element write: the array must be the iteration's own (declared in the body, or scratch that every
                // iteration overwrites before reading it), so that no iteration's values reach another.
                string? array = IrWalker.RootName(element);
                if (array is null || !(declaredInBody.Contains(array) || privateArrays.Contains(array) || IsIterationScratch(array, loop)))
                {
                    return null;
                }

                if (!declaredInBody.Contains(array))
                {
                    privateArrays.Add(array);
                }

                continue;
            }

            if (assign.Target is not VarRef target)
            {
                return null;
            }

            if (declaredInBody.Contains(target.Name))
            {
                continue;
            }

            if (IsActiveTarget(target))
            {
                if (AccumulatedPart(assign) is null || (accumulator is not null && accumulator != target.Name))
                {
                    return null;
                }

                accumulator = target.Name;
            }
            else if (_reverseReads.Contains(target.Name))
            {
                return null;
            }
        }

        if (accumulator is null || (loop.Condition is not null && IrWalker.Mentions(loop.Condition, accumulator)))
        {
            return null;
        }

        // The accumulator may appear only in its own accumulation; collect the active inputs the body reads.
        var inputs = new SortedSet<string>(System.StringComparer.Ordinal);
        foreach (Stmt statement in IrWalker.Statements(loop.Body))
        {
            Expr[] expressions = statement is Assign a && a.Target is VarRef v && v.Name == accumulator
                ? new[] { AccumulatedPart(a)! }
                : IrWalker.OwnExpressions(statement).ToArray();
            foreach (Expr expression in expressions)
            {
                if (IrWalker.Mentions(expression, accumulator))
                {
                    return null;
                }

                foreach (Expr e in IrWalker.DescendantsAndSelf(expression))
                {
                    if (IrWalker.RootName(e) is { } root && e is VarRef or ElementRef &&
                        _activity.IsActiveName(root) && !declaredInBody.Contains(root) && !privateArrays.Contains(root))
                    {
                        inputs.Add(root);
                    }
                }
            }
        }

        // The loop accumulates into a local of its own: a variable that is live across a call after the loop would
        // be kept in memory for the whole loop by the JIT's register allocator (a store and a load per iteration).
        string running = _namer.Fresh("_" + accumulator + "Running");
        _types[running] = _types[accumulator];
        _activity.AddAlias(running, accumulator);
        Block body0 = IrRewriter.Rename(loop.Body, accumulator, running);

        // Differentiate the body with ∂accumulator = 1 and the inputs' adjoints redirected into buffers.
        var saved = new Dictionary<string, string>(_adjointNames);
        var buffers = new Dictionary<string, string>();
        _adjointNames[running] = "1";
        bool direct = _returnedAccumulator is { } returned && ReferenceEquals(returned.Loop, loop) && returned.Accumulator == accumulator;
        if (!direct)
        {
            foreach (string input in inputs)
            {
                buffers[input] = _namer.Numbered("_g_" + input + "_");
                _adjointNames[input] = buffers[input];
                if (_types[input].IsFloatingCollection)
                {
                    _bufferElements[buffers[input]] = _types[input].ElementName;
                }
            }
        }

        _fusedLocals.UnionWith(declaredInBody);
        foreach (Stmt statement in loop.Body.Statements)
        {
            if (statement is Assign { IsDeclaration: true, Target: VarRef local } && _assignmentCounts.TryGetValue(local.Name, out int count) && count == 1)
            {
                _fusedInline.Add(local.Name);
            }
        }

        // The iteration's own values that its reverse reads only after their last write need no saving: the reverse
        // runs right after the iteration, while they still hold their final values, and nothing reads them afterwards.
        List<string> finalValuesOnly = Snapshots(loop).Where(v => declaredInBody.Contains(v) || privateArrays.Contains(v)).ToList();
        _snapshotted.UnionWith(finalValuesOnly);
        int hoistedBefore = _hoisted.Count;
        _mergeableAccumulation = body0.Statements.Count > 0 ? body0.Statements[body0.Statements.Count - 1] as Assign : null;
        StmtDiff body = DiffBlock(body0, new Context(context.Depth + 1, InLoop: false, Fused: true));
        _mergeableAccumulation = null;
        _fusedLocals.Clear();
        _snapshotted.ExceptWith(finalValuesOnly);

        // Everything the body declares lives in the body: per-iteration values, never live across a call.
        var scoped = new List<Node>();
        foreach (LocalModel local in _allLocals.Where(l => declaredInBody.Contains(l.Name) && !_canonicalIndices.Contains(l.Name)))
        {
            _loopScoped.Add(local.Name);
            if (!_fusedInline.Contains(local.Name))
            {
                scoped.Add(new Line($"{_names.Of(local.Type)} {Identifiers.Escape(local.Name)} = default;"));
            }

            if (saved.TryGetValue(local.Name, out string? adjoint) && _activity.IsActiveName(local.Name))
            {
                _loopScoped.Add(adjoint);
                scoped.Add(new Line($"{_names.Of(local.Type)} {adjoint} = 0;"));
            }
        }

        for (int h = hoistedBefore; h < _hoisted.Count; h++)
        {
            scoped.Add(new Line($"{_hoisted[h].Type} {_hoisted[h].Name} = {_hoisted[h].Initializer};"));
        }

        _hoisted.RemoveRange(hoistedBefore, _hoisted.Count - hoistedBefore);
        _adjointNames.Clear();
        foreach (KeyValuePair<string, string> pair in saved)
        {
            _adjointNames[pair.Key] = pair.Value;
        }

        var forward = new List<Node>();
        var reverse = new List<Node>();
        string? savedAccumulator = null;
        if (_reverseReads.Contains(accumulator))
        {
            savedAccumulator = _namer.Numbered("_saved_" + accumulator + "_");
            forward.Add(new Line($"{_names.Of(_types[accumulator])} {savedAccumulator} = {Identifiers.Escape(accumulator)};"));
        }

        foreach (string input in buffers.Keys)
        {
            TypeRef type = _types[input];
            string element = _names.Element(type);
            if (type.IsFloating)
            {
                forward.Add(new Line($"{element} {buffers[input]} = 0;"));
            }
            else
            {
                // A pooled array indexed directly: the JIT keeps an array reference in a register across calls.
                string length = $"{Identifiers.Escape(input)}.Length";
                forward.Add(new Line($"{element}[] {buffers[input]} = global::System.Buffers.ArrayPool<{element}>.Shared.Rent({length});"));
                forward.Add(new Line($"global::System.Array.Clear({buffers[input]}, 0, {length});"));
            }
        }

        var loopBody = new List<Node>(scoped);
        loopBody.AddRange(body.Forward);
        if (body.Reverse.Count > 0)
        {
            loopBody.Add(new Comment(direct
                ? $"this iteration's contribution to the gradient ({accumulator} is returned as is, so ∂{accumulator} = 1)"
                : $"this iteration's contribution to the gradient of {accumulator}, preaccumulated"));
            loopBody.AddRange(body.Reverse);
        }

        TypeRef accumulatorType = _types[accumulator];
        forward.Add(new Line($"{_names.Of(accumulatorType)} {running} = {Identifiers.Escape(accumulator)};"));
        forward.Add(new BlockNode(CanonicalHeader(loop, canonical), loopBody));
        forward.Add(new Line($"{Identifiers.Escape(accumulator)} = global::AutoDiff.CompilerServices.GradientBuffer.LoopResult({running});"));

        reverse.Add(new Comment(direct
            ? $"line {loop.Line}: {loop.Source}: done in the forward sweep"
            : $"line {loop.Line}: {loop.Source}: ∂{accumulator} times the preaccumulated gradients"));
        if (savedAccumulator is not null)
        {
            reverse.Add(new Line($"{Identifiers.Escape(accumulator)} = {savedAccumulator};"));
        }

        string seed = _adjointNames[accumulator];
        foreach (string input in buffers.Keys)
        {
            TypeRef type = _types[input];
            string element = _names.Element(type);
            bool narrow = type.Element != accumulatorType.Element;
            if (type.IsFloating)
            {
                Code contribution = Code.Multiply(Code.Atom(seed), Code.Atom(buffers[input]));
                reverse.Add(new Line($"{_adjointNames[input]} += {(narrow ? Code.CastTo(element, contribution) : contribution).Text};"));
            }
            else
            {
                string scale = narrow ? Code.CastTo(element, Code.Atom(seed)).Text : seed;
                string destination = _pooledAdjoints.Exists(p => p.Name == _adjointNames[input])
                    ? $"new global::System.Span<{element}>({_adjointNames[input]}, 0, {Identifiers.Escape(input)}.Length)"
                    : _adjointNames[input];
                reverse.Add(new Line($"global::AutoDiff.CompilerServices.GradientBuffer.AddScaled(new global::System.ReadOnlySpan<{element}>({buffers[input]}, 0, {Identifiers.Escape(input)}.Length), {scale}, {destination});"));
                reverse.Add(new Line($"global::System.Buffers.ArrayPool<{element}>.Shared.Return({buffers[input]});"));
            }
        }

        return new StmtDiff(forward, reverse);
    }

    /// <summary>
    /// Whether <paramref name="array"/> is scratch space of <paramref name="loop"/>: a method-level <c>new T[n]</c>
    /// (n fixed after its declaration) that nothing outside the loop mentions, and that each iteration overwrites
    /// completely before reading it. Then no iteration reads a value another left behind, and its adjoint is zero again
    /// at the end of each iteration's reverse.
    /// </summary>
    private bool IsIterationScratch(string array, Loop loop)
    {
        if (!_arrayLengths.TryGetValue(array, out Expr? length) ||
            !IrWalker.DescendantsAndSelf(length).All(e => e is not VarRef v || !_assignmentCounts.TryGetValue(v.Name, out int n) || n <= 1))
        {
            return false;
        }

        foreach (Stmt statement in _body.Statements)
        {
            if (ReferenceEquals(statement, loop) ||
                statement is Assign { IsDeclaration: true, Target: VarRef declared, Value: NewArray } && declared.Name == array)
            {
                continue;
            }

            if (StatementMentions(statement, array))
            {
                return false;
            }
        }

        return !LoopHeaderMentions(loop, array) && OverwrittenBeforeRead(array, length, loop.Body);
    }

    /// <summary>
    /// Whether every read of <paramref name="array"/> in one run of <paramref name="block"/> follows a loop, earlier in
    /// the same run, that writes all its elements: the first statement that mentions the array is such a loop, or a
    /// loop whose every iteration has this property and after which the block does not mention the array.
    /// </summary>
    private static bool OverwrittenBeforeRead(string array, Expr length, Block block)
    {
        for (int i = 0; i < block.Statements.Count; i++)
        {
            Stmt statement = block.Statements[i];
            if (!StatementMentions(statement, array))
            {
                continue;
            }

            if (statement is not Loop inner || LoopHeaderMentions(inner, array))
            {
                return false;
            }

            if (OverwritesAll(array, length, inner))
            {
                return true;
            }

            return OverwrittenBeforeRead(array, length, inner.Body) &&
                block.Statements.Skip(i + 1).All(s => !StatementMentions(s, array));
        }

        return true;
    }

    /// <summary>
    /// <c>for (int i = 0; i &lt; length; i++) { …; array[i] = e; … }</c> where nothing before that write reads the
    /// array, <c>e</c> does not, and the body touches no element but <c>array[i]</c>.
    /// </summary>
    private static bool OverwritesAll(string array, Expr length, Loop loop)
    {
        if (CanonicalLoop.TryMatch(loop) is not { Step: 1, Start: Literal { Text: "0" } } canonical ||
            loop.Condition is not Binary { Operator: "<", Left: VarRef bound, Right: var limit } || bound.Name != canonical.Index || limit != length)
        {
            return false;
        }

        bool written = false;
        foreach (Stmt statement in loop.Body.Statements)
        {
            if (!written)
            {
                if (!StatementMentions(statement, array))
                {
                    continue;
                }

                if (statement is not Assign { CompoundOperator: null, Target: ElementRef { Collection: VarRef target, Index: VarRef index } } write ||
                    target.Name != array || index.Name != canonical.Index || IrWalker.Mentions(write.Value, array))
                {
                    return false;
                }

                written = true;
                continue;
            }

            foreach (Stmt nested in IrWalker.Statements(new Block(new[] { statement }.ToEquatableArray())))
            {
                if (nested is ForwardOnly forwardOnly && MentionsInText(forwardOnly.Code, array))
                {
                    return false;
                }

                foreach (Expr expression in IrWalker.OwnExpressions(nested))
                {
                    int mentions = IrWalker.DescendantsAndSelf(expression).Count(e => e is VarRef v && v.Name == array);
                    int sameElement = IrWalker.DescendantsAndSelf(expression).Count(e =>
                        e is ElementRef { Collection: VarRef c, Index: VarRef i } && c.Name == array && i.Name == canonical.Index);
                    if (mentions != sameElement)
                    {
                        return false;
                    }
                }
            }
        }

        return written;
    }

    private static bool StatementMentions(Stmt statement, string name) =>
        IrWalker.Statements(new Block(new[] { statement }.ToEquatableArray()))
            .Any(s => IrWalker.OwnExpressions(s).Any(e => IrWalker.Mentions(e, name)) ||
                      (s is ForwardOnly forwardOnly && MentionsInText(forwardOnly.Code, name)));

    /// <summary>Whether any generated line, block header or trailer in <paramref name="nodes"/> uses the identifier.</summary>
    private static bool MentionsText(List<Node> nodes, string name) => nodes.Exists(node => node switch
    {
        Line line => MentionsInText(line.Text, name),
        BlockNode block => MentionsInText(block.Header, name) || (block.Trailer is not null && MentionsInText(block.Trailer, name)) || MentionsText(block.Body, name),
        _ => false,
    });

    /// <summary>Whether C# text (a statement kept as the user wrote it) may use the identifier: any whole-word occurrence.</summary>
    private static bool MentionsInText(string code, string name)
    {
        for (int at = code.IndexOf(name, System.StringComparison.Ordinal); at >= 0; at = code.IndexOf(name, at + 1, System.StringComparison.Ordinal))
        {
            bool startsWord = at == 0 || !(char.IsLetterOrDigit(code[at - 1]) || code[at - 1] == '_');
            int end = at + name.Length;
            bool endsWord = end == code.Length || !(char.IsLetterOrDigit(code[end]) || code[end] == '_');
            if (startsWord && endsWord)
            {
                return true;
            }
        }

        return false;
    }

    private static bool LoopHeaderMentions(Loop loop, string name) =>
        (loop.Condition is not null && IrWalker.Mentions(loop.Condition, name)) ||
        loop.Init.Statements.Concat(loop.Step.Statements).Any(s => StatementMentions(s, name));

    private Node LoopNode(Loop loop, CanonicalLoop? canonical, string header, string condition, List<Node> body)
    {
        if (canonical is not null)
        {
            return new BlockNode(header, body);
        }

        if (loop.ConditionAtEnd)
        {
            return new BlockNode("do", body, $"while ({condition});");
        }

        return new BlockNode($"while ({condition})", body);
    }

    private string CanonicalHeader(Loop loop, CanonicalLoop canonical) =>
        $"for (int {canonical.Variable} = {Print(canonical.Start).Text}; {Print(loop.Condition!).Text}; {StepText(canonical)})";

    private static string StepText(CanonicalLoop canonical) => canonical.Step switch
    {
        1 => canonical.Variable + "++",
        -1 => canonical.Variable + "--",
        > 0 => $"{canonical.Variable} += {canonical.Step}",
        _ => $"{canonical.Variable} -= {-canonical.Step}",
    };

    private string ReverseCanonicalHeader(CanonicalLoop canonical, string counter, string? start)
    {
        // Iteration k ran with i = start + k * step; run k = count-1 … 0.
        Code first = start is not null ? Code.Atom(start) : Print(canonical.Start);
        Code last;
        if (canonical.Step == 1)
        {
            last = first.Text == "0" ? Code.Binary(Code.Atom(counter), "-", Code.Atom("1")) : Code.Binary(Code.Binary(first, "+", Code.Atom(counter)), "-", Code.Atom("1"));
        }
        else
        {
            Code offset = Code.Binary(Code.Binary(Code.Atom(counter), "-", Code.Atom("1")), "*", Code.Atom(canonical.Step.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            last = first.Text == "0" ? offset : Code.Binary(first, "+", offset);
        }

        string comparison = canonical.Step > 0 ? ">=" : "<=";
        string step = canonical.Step switch
        {
            1 => canonical.Variable + "--",
            -1 => canonical.Variable + "++",
            > 0 => $"{canonical.Variable} -= {canonical.Step}",
            _ => $"{canonical.Variable} += {-canonical.Step}",
        };
        return $"for (int {canonical.Variable} = {last.Text}; {canonical.Variable} {comparison} {first.Text}; {step})";
    }

    /// <summary>Declares a bookkeeping variable: in place at the top level, hoisted to the method start elsewhere.</summary>
    private void Declare(string type, string name, Context context, List<Node> forward, string value)
    {
        if (context.AtTop && !_split)
        {
            forward.Add(new Line($"{type} {name} = {value};"));
        }
        else
        {
            // References start as null! (the forward sweep assigns them before any use).
            _hoisted.Add((type, name, type.EndsWith("Tensor", System.StringComparison.Ordinal) || type.EndsWith("]", System.StringComparison.Ordinal) ? "null!" : "default"));
            forward.Add(new Line($"{name} = {value};"));
        }
    }

    private bool IsRecomputed(Assign assign, Loop loop) =>
        assign.Target is VarRef v && _rematerialized.TryGetValue(loop, out HashSet<string>? set) && set.Contains(v.Name);

    // ------------------------------------------------------------------ expressions: adjoint propagation

    /// <summary>An adjoint value flowing into an expression, possibly negated (emitted as <c>-=</c>).</summary>
    private readonly record struct Adjoint(Code Value, bool Negated)
    {
        public Adjoint Times(Code factor) => this with { Value = Code.Multiply(Value, factor) };

        public Adjoint Negate() => this with { Negated = !Negated };
    }

    private bool IsActiveTarget(Expr target) => target switch
    {
        VarRef v => (v.Type.IsFloating || v.Type.IsTensor) && _activity.IsActiveName(v.Name),
        ElementRef e => _activity.IsActiveCollection(e.Collection),
        _ => false,
    };

    private Code AdjointOf(Expr target) => target switch
    {
        VarRef v => Code.Atom(_adjointNames[v.Name]),
        ElementRef e => Code.Atom($"{_adjointNames[IrWalker.RootName(e)!]}[{Print(e.Index).Text}]"),
        _ => throw new System.InvalidOperationException("not an assignable target"),
    };

    /// <summary>Emits the code that adds <paramref name="adjoint"/> × ∂expr/∂v to the adjoint of every active v in expr.</summary>
    private void Propagate(Expr expr, Adjoint adjoint, List<Node> output)
    {
        if (!_activity.IsActive(expr))
        {
            return;
        }

        switch (expr)
        {
            case VarRef tensor when tensor.Type.IsTensor:
                // y = x on tensors: x's adjoint receives y's (created on first use).
                string target = AdjointOf(expr).Text;
                output.Add(new Line(_method.IsModelParameter(tensor.Name) || (!_split && HasDirectGradient(tensor.Name))
                    ? $"if ({adjoint.Value.Text} is not null) global::AutoDiff.CompilerServices.TensorArena.Accumulate({target}, {adjoint.Value.Text});"
                    : $"if ({adjoint.Value.Text} is not null) global::AutoDiff.CompilerServices.TensorArena.Accumulate(ref {target}, {adjoint.Value.Text});"));
                break;

            case VarRef or ElementRef:
                output.Add(new Line($"{AdjointOf(expr).Text} {(adjoint.Negated ? "-=" : "+=")} {adjoint.Value.Text};"));
                break;

            case Unary { Operator: "-" } u:
                Propagate(u.Operand, adjoint.Negate(), output);
                break;

            case Unary u:
                Propagate(u.Operand, adjoint, output);
                break;

            case Binary { Operator: "+" } b:
                adjoint = Shareable(adjoint, ActiveCount(b.Left, b.Right), expr.Type, output);
                Propagate(b.Left, adjoint, output);
                Propagate(b.Right, adjoint, output);
                break;

            case Binary { Operator: "-" } b:
                adjoint = Shareable(adjoint, ActiveCount(b.Left, b.Right), expr.Type, output);
                Propagate(b.Left, adjoint, output);
                Propagate(b.Right, adjoint.Negate(), output);
                break;

            case Binary { Operator: "*" } b when b.Left == b.Right:
                // d(a*a) = 2a da
                Propagate(b.Left, adjoint.Times(Code.Binary(Code.Atom("2"), "*", Print(b.Left))), output);
                break;

            case Binary { Operator: "*" } b:
                {
                    // d(a*b) = b da + a db
                    adjoint = Shareable(adjoint, ActiveCount(b.Left, b.Right), expr.Type, output);
                    List<MathCall> shared = ShareFactorResults(b, output);
                    Propagate(b.Left, adjoint.Times(Print(b.Right)), output);
                    Propagate(b.Right, adjoint.Times(Print(b.Left)), output);
                    shared.ForEach(call => _callResults.Remove(call));
                    break;
                }

            case Binary { Operator: "/" } b:
                {
                    // d(a/b) = da / b - a db / b²
                    adjoint = Shareable(adjoint, ActiveCount(b.Left, b.Right), expr.Type, output);
                    List<MathCall> shared = ShareFactorResults(b, output);
                    Propagate(b.Left, adjoint with { Value = Code.Binary(adjoint.Value, "/", Print(b.Right)) }, output);
                    if (_activity.IsActive(b.Right))
                    {
                        Code right = Print(b.Right);
                        Code quotient = Code.Binary(Code.Multiply(adjoint.Value, Print(b.Left)), "/", Code.Binary(right, "*", right));
                        Propagate(b.Right, new Adjoint(quotient, !adjoint.Negated), output);
                    }

                    shared.ForEach(call => _callResults.Remove(call));
                    break;
                }

            case Conditional c:
                {
                    var whenTrue = new List<Node>();
                    var whenFalse = new List<Node>();
                    Propagate(c.WhenTrue, adjoint, whenTrue);
                    Propagate(c.WhenFalse, adjoint, whenFalse);
                    string condition = Print(c.Condition).Text;
                    if (whenTrue.Count == 0)
                    {
                        output.Add(new BlockNode($"if (!({condition}))", whenFalse));
                    }
                    else
                    {
                        output.AddRange(IfElse(condition, whenTrue, whenFalse));
                    }

                    break;
                }

            case Cast c:
                {
                    Code value = adjoint.Value;
                    if (c.Operand.Type.Element == ScalarKind.Float && c.Type.Element == ScalarKind.Double)
                    {
                        value = Code.CastTo("float", value);
                    }

                    Propagate(c.Operand, adjoint with { Value = value }, output);
                    break;
                }

            case MathCall m:
                PropagateMath(m, adjoint, output);
                break;

            case DiffCall d:
                PropagateCall(d, adjoint, output);
                break;
        }
    }

    private void PropagateMath(MathCall call, Adjoint adjoint, List<Node> output)
    {
        Code[] arguments = call.Arguments.Select(Print).ToArray();
        DerivativeRules.Selection[]? selections = DerivativeRules.Selections(call.Name, arguments);
        if (selections is not null)
        {
            // Piecewise: the result is one of the arguments; only that one receives the adjoint.
            var bodies = new List<List<Node>>();
            foreach (DerivativeRules.Selection selection in selections)
            {
                var body = new List<Node>();
                Propagate(call.Arguments[selection.Argument], adjoint, body);
                bodies.Add(body);
            }

            if (bodies.All(b => b.Count > 0))
            {
                for (int i = 0; i < selections.Length; i++)
                {
                    string header = selections[i].Condition is { } condition ? (i == 0 ? "if" : "else if") + $" ({condition.Text})" : "else";
                    output.Add(new BlockNode(header, bodies[i]));
                }

                return;
            }

            // Only some pieces matter: test each of them with its full condition.
            Code? notEarlier = null;
            for (int i = 0; i < selections.Length; i++)
            {
                Code? own = selections[i].Condition;
                Code? full = own is null ? notEarlier : notEarlier is null ? own : Code.Binary(notEarlier.Value, "&&", own.Value);
                if (bodies[i].Count > 0)
                {
                    output.Add(full is null ? new BlockNode("if (true)", bodies[i]) : new BlockNode($"if ({full.Value.Text})", bodies[i]));
                }

                if (own is not null)
                {
                    Code negated = Code.Prefix("!", own.Value);
                    notEarlier = notEarlier is null ? negated : Code.Binary(notEarlier.Value, "&&", negated);
                }
            }

            return;
        }

        bool isFloat = call.ClassName.EndsWith("MathF", System.StringComparison.Ordinal);
        int active = call.Arguments.Count(a => _activity.IsActive(a));
        adjoint = Shareable(adjoint, active, call.Type, output);
        string elementType = call.ClassName.EndsWith("MathF", System.StringComparison.Ordinal) ? "float" : _names.Element(TypeRef.Double);
        Code Share(Code value)
        {
            if (value.IsSimple)
            {
                return value;
            }

            string name = _namer.Numbered("_t");
            output.Add(new Line($"{elementType} {name} = {value.Text};"));
            return Code.Atom(name);
        }

        Code? result = _callResults.TryGetValue(call, out string? kept) ? Code.Atom(kept) : null;
        Code?[] partials = DerivativeRules.Partials(call.Name, _names.MathClass(call.ClassName), arguments, isFloat, Share, result);
        for (int i = 0; i < call.Arguments.Count; i++)
        {
            if (partials[i] is { } partial && _activity.IsActive(call.Arguments[i]))
            {
                Propagate(call.Arguments[i], adjoint.Times(partial), output);
            }
        }
    }

    private void PropagateCall(DiffCall call, Adjoint adjoint, List<Node> output)
    {
        // A registered derivative wins over the callee's generated gradient.
        DerivativeRegistration? registration = _registrations.Find(call.Callee.Key);
        if (registration is null && !call.Callee.IsDifferentiable)
        {
            throw new UnresolvedCallException();
        }

        string prefix = _mergedCallTarget ?? "_ = ";
        _mergedCallTarget = null;
        adjoint = Shareable(adjoint, 2, call.Type, output);
        if (ReferenceEquals(call, _tapedCall))
        {
            // The forward sweep called the gradient and recorded the partials: read them back, last pushed first.
            var partials = call.Callee.Parameters.Select((p, i) => (Parameter: p, Argument: call.Arguments[i])).Where(x => x.Parameter.IsDifferentiable).ToList();
            for (int j = partials.Count - 1; j >= 0; j--)
            {
                output.Add(new Line($"{_tapedPartials[j]} = {TapeName(_names.Element(partials[j].Parameter.Type))}.Pop();"));
            }

            for (int j = 0; j < partials.Count; j++)
            {
                Propagate(partials[j].Argument, adjoint.Times(Code.Atom(_tapedPartials[j])), output);
            }

            return;
        }

        var arguments = new List<string>();
        var gradients = new List<string>();
        var after = new List<Node>();
        var release = new List<Node>();
        for (int i = 0; i < call.Arguments.Count; i++)
        {
            Expr argument = call.Arguments[i];
            string text = Print(argument).Text;
            arguments.Add(text);
            CalleeParameter parameter = call.Callee.Parameters[i];
            bool hasGradient = registration is not null ? registration.HasGradient[i] : parameter.IsDifferentiable;
            if (!hasGradient)
            {
                continue;
            }

            if (parameter.Type.IsFloating)
            {
                string gradient = _namer.Numbered($"_d{call.Callee.Name}_");
                gradients.Add($"out {_names.Element(parameter.Type)} {gradient}");
                Propagate(argument, adjoint.Times(Code.Atom(gradient)), after);
            }
            else
            {
                // The callee overwrites a gradient buffer of the argument's length; borrow one from the pool.
                string element = _names.Element(parameter.Type);
                string buffer = _namer.Numbered($"_d{call.Callee.Name}_buffer");
                string span = _namer.Numbered($"_d{call.Callee.Name}_");
                output.Add(new Line($"{element}[] {buffer} = global::System.Buffers.ArrayPool<{element}>.Shared.Rent({text}.Length);"));
                output.Add(new Line($"global::System.Span<{element}> {span} = new global::System.Span<{element}>({buffer}, 0, {text}.Length);"));
                gradients.Add(span);
                if (_activity.IsActiveCollection(argument))
                {
                    string k = _namer.Numbered("_k");
                    string target = _adjointNames[IrWalker.RootName(argument)!];
                    after.Add(new BlockNode(
                        $"for (int {k} = 0; {k} < {span}.Length; {k}++)",
                        new List<Node> { new Line($"{target}[{k}] {(adjoint.Negated ? "-=" : "+=")} {Code.Multiply(adjoint.Value, Code.Atom($"{span}[{k}]")).Text};") }));
                }

                release.Add(new Line($"global::System.Buffers.ArrayPool<{element}>.Shared.Return({buffer});"));
            }
        }

        string callee = registration is not null ? registration.DerivativeMethod : CalleePrefix(call) + call.Callee.Name + _names.GradientSuffix;
        output.Add(new Line($"{prefix}{callee}({string.Join(", ", arguments.Concat(gradients))});"));
        output.AddRange(after);
        output.AddRange(release);
    }

    private string CalleePrefix(DiffCall call)
    {
        if (call.Receiver is not null)
        {
            Code receiver = Print(call.Receiver);
            return (receiver.Precedence < Code.Primary ? "(" + receiver.Text + ")" : receiver.Text) + ".";
        }

        return call.Callee.SameType ? string.Empty : call.Callee.IsStatic ? call.Callee.ContainingType + "." : string.Empty;
    }

    private int ActiveCount(params Expr[] expressions) => expressions.Count(e => _activity.IsActive(e));

    /// <summary>When an adjoint is used more than once and is not a plain name, computes it once into a local.</summary>
    private Adjoint Shareable(Adjoint adjoint, int uses, TypeRef type, List<Node> output)
    {
        if (uses < 2 || adjoint.Value.IsSimple)
        {
            return adjoint;
        }

        string name = _namer.Numbered("_adj");
        output.Add(new Line($"{_names.Element(type)} {name} = {adjoint.Value.Text};"));
        return adjoint with { Value = Code.Atom(name) };
    }

    // ------------------------------------------------------------------ printing

    private Code Print(Expr expr) => ExpressionPrinter.Print(
        _callResults.Count == 0 ? expr : IrRewriter.Replace(expr, e => e is MathCall m && _callResults.TryGetValue(m, out string? local) ? new VarRef(m.Type, local) : null),
        _names);

    /// <summary>The cotangent input of a vector output <c>y</c>: <c>yBar</c>.</summary>
    public static string SeedName(ParameterModel output) => output.Name + "Bar";

    private static string OutputBufferName(ParameterModel output) => "_d_" + output.Name + "Buffer";

    private static string TapeName(string element)
    {
        string simple = element.Replace("global::", string.Empty).Replace("[]", "Array").Replace(".", string.Empty).Replace("<", string.Empty).Replace(">", string.Empty);
        return "_" + simple + "Tape";
    }

    private void WritePrologue(CodeBuilder lines)
    {
        if (!_split)
        {
            // Every [Parameter]'s gradient is overwritten by this call, including those reached only through
            // [Differentiable] tensor methods this one calls (their pullbacks add to them). They start as pending
            // zeros: the first pullback to reach one writes it instead of clearing and adding.
            foreach (LocalModel field in _method.ParameterFields)
            {
                if (!_activity.IsActiveName(field.Name) || !_adjointNames.ContainsKey(field.Name))
                {
                    lines.Line($"global::AutoDiff.CompilerServices.GradientBuffer.ZeroLazily(this.{Identifiers.Escape(field.Name)}Gradient);");
                }
            }
        }

        foreach (ParameterModel parameter in _method.Parameters)
        {
            if (parameter.GradientName is null || _split)
            {
                continue;
            }

            if (parameter.Type.IsFloating)
            {
                lines.Line($"{parameter.GradientName} = 0;");
            }
            else if (parameter.Type.IsTensor)
            {
                // [RequiresGradient] input: overwritten with ∂loss/∂input.
                lines.Line($"{parameter.GradientName}.RequireSameShape(\"{_method.GradientName} ({parameter.GradientName}, the gradient of {parameter.Name})\", {Identifiers.Escape(parameter.Name)});");
                lines.Line($"{parameter.GradientName}.Span.Clear();");
            }
            else
            {
                lines.Line($"global::AutoDiff.CompilerServices.GradientBuffer.CheckLength({parameter.GradientName}.Length, {Identifiers.Escape(parameter.Name)}.Length, \"{parameter.GradientName}\", \"{parameter.Name}\");");
                if (_unclearedOutputs.TryGetValue(parameter.GradientName, out string? notWritten))
                {
                    lines.Line($"// The forward sweep's loop writes {parameter.GradientName} whole when it runs.");
                    lines.Line($"if ({notWritten}) {parameter.GradientName}.Clear();");
                }
                else
                {
                    lines.Line($"{parameter.GradientName}.Clear();");
                }
            }
        }

        if (_method.Output is { } output)
        {
            string element = _names.Element(output.Type);
            string y = Identifiers.Escape(output.Name);
            lines.Line($"global::AutoDiff.CompilerServices.GradientBuffer.CheckLength({SeedName(output)}.Length, {y}.Length, \"{SeedName(output)}\", \"{output.Name}\");");
            if (_activity.IsActiveName(output.Name))
            {
                string buffer = OutputBufferName(output);
                lines.Line($"{element}[] {buffer} = global::System.Buffers.ArrayPool<{element}>.Shared.Rent({y}.Length);");
                lines.Line($"global::System.Span<{element}> {_adjointNames[output.Name]} = new global::System.Span<{element}>({buffer}, 0, {y}.Length);");
            }
        }

        foreach (string name in _activity.ActiveNames.OrderBy(n => n, System.StringComparer.Ordinal))
        {
            if (_method.Parameters.Any(p => p.Name == name) || name == _resultName || !_adjointNames.ContainsKey(name) || _loopScoped.Contains(name))
            {
                continue;
            }

            TypeRef type = _types[name];
            if (_method.IsModelParameter(name))
            {
                // The model's gradient for this parameter: zeroed above (or by the caller of a split method), then accumulated.
                string adjoint = _adjointNames[name];
                string gradient = $"this.{Identifiers.Escape(name)}Gradient";
                if (!_split)
                {
                    gradient = $"global::AutoDiff.CompilerServices.GradientBuffer.ZeroLazily({gradient})";
                }

                lines.Line(type.IsTensorArray ? $"global::AutoDiff.Tensor[] {adjoint} = {gradient};" : $"global::AutoDiff.Tensor {adjoint} = {gradient};");

                continue;
            }

            lines.Line(type.IsTensor ? $"global::AutoDiff.Tensor? {_adjointNames[name]} = null;"
                : type.IsCollection ? $"{_names.Of(type)} {_adjointNames[name]} = null!;" : $"{_names.Of(type)} {_adjointNames[name]} = 0;");
        }

        int position = 0;
        foreach (LocalModel local in _allLocals)
        {
            if (!_inlineDeclared.Contains(local.Name) && !_canonicalIndices.Contains(local.Name) && !_loopScoped.Contains(local.Name))
            {
                _hoisted.Insert(position++, (_names.Of(local.Type), Identifiers.Escape(local.Name), local.Type.Shape == TypeShape.Array || local.Type.IsTensor ? "null!" : "default"));
            }
        }
    }
}

/// <summary>An active call to a function with neither a generated gradient nor a registered derivative.</summary>
internal sealed class UnresolvedCallException : System.Exception
{
}

/// <summary>The generated body of a gradient method, one line of C# per entry (already indented).</summary>
/// <param name="SplitForwardLines">For a method on tensors, the body of <c>MForward</c> (<see cref="Lines"/> is then <c>MReverse</c>).</param>
internal sealed record GradientBody(EquatableArray<string> Lines, bool UsesArena = false, EquatableArray<string> SplitForwardLines = default);

/// <summary>A statement's two halves: what runs in the forward sweep and what runs in the reverse sweep.</summary>
internal sealed record StmtDiff(List<Node> Forward, List<Node> Reverse);

/// <summary>A reference-identity comparer (netstandard2.0 has none built in).</summary>
internal sealed class ReferenceComparer<T> : IEqualityComparer<T>
    where T : class
{
    public static readonly ReferenceComparer<T> Instance = new();

    public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

    public int GetHashCode(T obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
}
