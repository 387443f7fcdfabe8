using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generator.Model;

namespace AutoDiff.Generator.Differentiation;

/// <summary>
/// Removes break, continue and return from a method body so the reverse sweep can mirror it block by block.
/// </summary>
/// <remarks>
/// <para>A return becomes an assignment to the result variable. Where a branch ends in a jump and the other
/// branch does not jump, the statements after the <c>if</c> move into the other branch (what a person would write);
/// other jumps set a flag (<c>_break1</c>, <c>_continue1</c>, <c>_returned</c>) that the loop condition and a guard
/// around the following statements test. Guards are ordinary <c>if</c>s, so their decisions are recorded like any
/// other branch. Flags that nothing reads are dropped at the end.</para>
/// </remarks>
internal sealed class JumpLowering
{
    private sealed class LoopFrame
    {
        public string? BreakFlag;
        public string? ContinueFlag;
    }

    private readonly Namer _namer;
    private readonly List<LocalModel> _newLocals = new();
    private readonly HashSet<string> _readFlags = new();
    private readonly TypeRef _resultType;
    private readonly bool _singleTopLevelReturn;
    private string? _returnedFlag;
    private LoopFrame? _frame;

    private JumpLowering(Namer namer, TypeRef resultType, string resultName, bool singleTopLevelReturn)
    {
        _namer = namer;
        _resultType = resultType;
        ResultName = resultName;
        _singleTopLevelReturn = singleTopLevelReturn;
    }

    public string ResultName { get; }

    public IReadOnlyList<LocalModel> NewLocals => _newLocals;

    public static (Block Body, JumpLowering Lowering) Lower(Block body, TypeRef resultType, Namer namer, bool hasResult = true)
    {
        bool single = body.Statements.Count > 0 && body.Statements[body.Statements.Count - 1] is Return &&
                      IrWalker.Statements(body).OfType<Return>().Count() == 1;
        var lowering = new JumpLowering(namer, resultType, hasResult ? namer.Fresh("result") : string.Empty, single);
        if (!single && hasResult)
        {
            lowering._newLocals.Add(new LocalModel(lowering.ResultName, resultType));
        }

        List<Stmt> lowered = lowering.LowerBlock(body.Statements.ToList(), topLevel: true);
        Block result = lowering.DropUnreadFlags(new Block(lowered.ToEquatableArray()));
        lowering._newLocals.RemoveAll(l => l.Type == TypeRef.Bool && !lowering._readFlags.Contains(l.Name));
        return (result, lowering);
    }

    private List<Stmt> LowerBlock(List<Stmt> statements, bool topLevel = false)
    {
        var output = new List<Stmt>();
        for (int k = 0; k < statements.Count; k++)
        {
            Stmt statement = statements[k];
            List<Stmt> rest = statements.Skip(k + 1).ToList();

            if (statement is If branch && rest.Count > 0)
            {
                // if (c) { …; return; } rest  ==>  if (c) { … } else { rest }
                if (DefinitelyJumps(branch.Then) && !MayJump(branch.Else))
                {
                    var otherwise = branch.Else.Statements.Concat(rest).ToList();
                    output.Add(branch with { Then = Lowered(branch.Then), Else = new Block(LowerBlock(otherwise).ToEquatableArray()) });
                    return output;
                }

                if (DefinitelyJumps(branch.Else) && !MayJump(branch.Then))
                {
                    var then = branch.Then.Statements.Concat(rest).ToList();
                    output.Add(branch with { Then = new Block(LowerBlock(then).ToEquatableArray()), Else = Lowered(branch.Else) });
                    return output;
                }
            }

            output.AddRange(LowerStatement(statement, topLevel));
            if (DefinitelyJumps(statement))
            {
                return output; // what follows is unreachable
            }

            if (MayJump(statement) && rest.Count > 0)
            {
                Expr guard = GuardFor(statement);
                Stmt first = rest[0];
                output.Add(new If(first.Line, "(statements after a jump)", guard, new Block(LowerBlock(rest).ToEquatableArray()), Block.Empty));
                return output;
            }
        }

        return output;
    }

    private Block Lowered(Block block) => new(LowerBlock(block.Statements.ToList()).ToEquatableArray());

    private IEnumerable<Stmt> LowerStatement(Stmt statement, bool topLevel)
    {
        switch (statement)
        {
            case Break b:
                yield return SetFlag(b, _frame!.BreakFlag ??= NewFlag("_break"));
                break;
            case Continue c:
                yield return SetFlag(c, _frame!.ContinueFlag ??= NewFlag("_continue"));
                break;
            case Return r:
                if (r.Value is not null)
                {
                    yield return new Assign(r.Line, r.Source, new VarRef(_resultType, ResultName), r.Value, null, _singleTopLevelReturn && topLevel);
                }

                if (!(_singleTopLevelReturn && topLevel))
                {
                    yield return SetFlag(r, _returnedFlag ??= NewFlag("_returned"));
                }

                break;
            case If i:
                yield return i with { Then = Lowered(i.Then), Else = Lowered(i.Else) };
                break;
            case Loop loop:
                foreach (Stmt s in LowerLoop(loop))
                {
                    yield return s;
                }

                break;
            default:
                yield return statement;
                break;
        }
    }

    private IEnumerable<Stmt> LowerLoop(Loop loop)
    {
        LoopFrame? outer = _frame;
        var frame = new LoopFrame();
        _frame = frame;
        List<Stmt> body = LowerBlock(loop.Body.Statements.ToList());
        _frame = outer;

        bool returns = IrWalker.Statements(loop.Body).OfType<Return>().Any();
        Expr? condition = loop.Condition;
        if (frame.BreakFlag is not null)
        {
            condition = And(Not(frame.BreakFlag), condition);
        }

        if (returns && _returnedFlag is not null)
        {
            condition = And(Not(_returnedFlag), condition);
        }

        if (frame.ContinueFlag is not null)
        {
            body.Insert(0, ClearFlag(loop, frame.ContinueFlag));
        }

        Block step = loop.Step;
        bool exitsEarly = frame.BreakFlag is not null || returns;
        if (exitsEarly && step.Statements.Count > 0 && CanonicalLoop.TryMatch(loop) is null)
        {
            // C# skips the step when a loop breaks; with flags the step must be skipped explicitly.
            Expr notExited = frame.BreakFlag is not null ? Not(frame.BreakFlag) : Not(_returnedFlag!);
            if (frame.BreakFlag is not null && returns && _returnedFlag is not null)
            {
                notExited = And(Not(_returnedFlag), notExited)!;
            }

            body.Add(new If(loop.Line, "(loop step, skipped after break)", notExited, step, Block.Empty));
            step = Block.Empty;
        }

        if (frame.BreakFlag is not null)
        {
            yield return ClearFlag(loop, frame.BreakFlag);
        }

        yield return loop with { Condition = condition, Step = step, Body = new Block(body.ToEquatableArray()) };
    }

    private Expr GuardFor(Stmt statement)
    {
        var flags = new List<string>();
        CollectFlags(statement, flags, insideNestedLoop: false);
        Expr? guard = null;
        foreach (string flag in flags.Distinct())
        {
            guard = And(Not(flag), guard);
        }

        return guard!;
    }

    private void CollectFlags(Stmt statement, List<string> flags, bool insideNestedLoop)
    {
        switch (statement)
        {
            case Break when !insideNestedLoop:
                flags.Add(_frame!.BreakFlag ??= NewFlag("_break"));
                break;
            case Continue when !insideNestedLoop:
                flags.Add(_frame!.ContinueFlag ??= NewFlag("_continue"));
                break;
            case Return:
                flags.Add(_returnedFlag ??= NewFlag("_returned"));
                break;
            case If i:
                foreach (Stmt s in i.Then.Statements.Concat(i.Else.Statements))
                {
                    CollectFlags(s, flags, insideNestedLoop);
                }

                break;
            case Loop l:
                foreach (Stmt s in l.Body.Statements)
                {
                    CollectFlags(s, flags, insideNestedLoop: true);
                }

                break;
        }
    }

    /// <summary>True when every path through the statement leaves it by a jump.</summary>
    private static bool DefinitelyJumps(Stmt statement) => statement switch
    {
        Break or Continue or Return => true,
        If i => DefinitelyJumps(i.Then) && DefinitelyJumps(i.Else),
        _ => false,
    };

    private static bool DefinitelyJumps(Block block) => block.Statements.Any(DefinitelyJumps);

    /// <summary>True when some path leaves the statement by a jump (break/continue of the enclosing loop, or return).</summary>
    private static bool MayJump(Stmt statement) => statement switch
    {
        Break or Continue or Return => true,
        If i => MayJump(i.Then) || MayJump(i.Else),
        Loop l => IrWalker.Statements(l.Body).OfType<Return>().Any(),
        _ => false,
    };

    private static bool MayJump(Block block) => block.Statements.Any(MayJump);

    private string NewFlag(string name)
    {
        string flag = _namer.Fresh(name);
        _newLocals.Add(new LocalModel(flag, TypeRef.Bool));
        return flag;
    }

    private Expr Not(string flag)
    {
        _readFlags.Add(flag);
        return new Unary(TypeRef.Bool, "!", new VarRef(TypeRef.Bool, flag));
    }

    private static Expr? And(Expr left, Expr? right) => right is null ? left : new Binary(TypeRef.Bool, "&&", left, right);

    private static Assign SetFlag(Stmt at, string flag) =>
        new(at.Line, at.Source, new VarRef(TypeRef.Bool, flag), new Literal(TypeRef.Bool, "true"), null, false);

    private static Assign ClearFlag(Stmt at, string flag) =>
        new(at.Line, at.Source, new VarRef(TypeRef.Bool, flag), new Literal(TypeRef.Bool, "false"), null, false);

    private Block DropUnreadFlags(Block block)
    {
        var statements = new List<Stmt>();
        foreach (Stmt statement in block.Statements)
        {
            switch (statement)
            {
                case Assign { Target: VarRef { Type.Element: ScalarKind.Bool } v } when IsFlag(v.Name) && !_readFlags.Contains(v.Name):
                    break;
                case If i:
                    statements.Add(i with { Then = DropUnreadFlags(i.Then), Else = DropUnreadFlags(i.Else) });
                    break;
                case Loop l:
                    statements.Add(l with { Body = DropUnreadFlags(l.Body), Step = DropUnreadFlags(l.Step) });
                    break;
                default:
                    statements.Add(statement);
                    break;
            }
        }

        return new Block(statements.ToEquatableArray());
    }

    private bool IsFlag(string name) => _newLocals.Any(l => l.Name == name && l.Type == TypeRef.Bool);
}
