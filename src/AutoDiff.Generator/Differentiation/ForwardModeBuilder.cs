using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AutoDiff.Generator.Model;

namespace AutoDiff.Generator.Differentiation;

/// <summary>
/// Stage 2, forward mode: the body of <c>MJvp</c>, which runs the method once while carrying, next to every active
/// value <c>x</c>, its tangent <c>xDot</c> (the derivative along the direction given by the tangent inputs).
/// </summary>
/// <remarks>
/// Forward mode needs no tape: control flow is the original's, and each assignment <c>x = e</c> is preceded by
/// <c>xDot = ė</c>, computed from the values before the assignment (ė is the tangent rule of e: for a product,
/// ȧ·b + a·ḃ). Calls to other functions use their reverse-mode gradient g: the tangent of f(a) is g·ȧ.
/// </remarks>
internal sealed class ForwardModeBuilder
{
    private readonly MethodModel _method;
    private readonly RegistrationTable _registrations;
    private readonly CancellationToken _cancellationToken;
    private readonly Namer _namer;
    private readonly Dictionary<string, string> _tangentNames = new();
    private readonly HashSet<string> _inlineDeclared = new();
    private readonly HashSet<string> _canonicalIndices = new();
    private ActivityAnalysis _activity = null!;

    private ForwardModeBuilder(MethodModel method, RegistrationTable registrations, CancellationToken cancellationToken)
    {
        _method = method;
        _registrations = registrations;
        _cancellationToken = cancellationToken;
        _namer = new Namer(method.Parameters.Select(p => p.Name).Concat(method.Parameters.Select(TangentParameterName)).Concat(method.Locals.Select(l => l.Name)).Concat(new[] { ResultTangent }));
    }

    /// <summary>The <c>out</c> parameter that receives the result's tangent.</summary>
    public const string ResultTangent = "resultDot";

    /// <summary>The name of a parameter's tangent input: <c>xDot</c> for <c>x</c>.</summary>
    public static string TangentParameterName(ParameterModel parameter) => parameter.Name + "Dot";

    public static GradientBody Build(MethodModel method, RegistrationTable registrations, CancellationToken cancellationToken) =>
        new ForwardModeBuilder(method, registrations, cancellationToken).Build();

    private GradientBody Build()
    {
        ParameterModel? output = _method.Output;
        (Block body, JumpLowering lowering) = JumpLowering.Lower(_method.Body!, _method.ReturnType, _namer, hasResult: output is null);
        _activity = ActivityAnalysis.Run(body, _method.Parameters);
        foreach (ParameterModel parameter in _method.Parameters.Where(p => p.IsDifferentiable))
        {
            _tangentNames[parameter.Name] = TangentParameterName(parameter);
        }

        if (output is null)
        {
            _tangentNames[lowering.ResultName] = ResultTangent;
        }
        else
        {
            _tangentNames[output.Name] = TangentParameterName(output);
        }

        foreach (string name in _activity.ActiveNames.OrderBy(n => n, System.StringComparer.Ordinal))
        {
            if (!_tangentNames.ContainsKey(name))
            {
                _tangentNames[name] = _namer.Fresh(name + "Dot");
            }
        }

        FindDeclarations(body, topLevel: true);
        var statements = new List<Node>();
        EmitBlock(body, statements);

        var lines = new CodeBuilder();
        lines.Line(output is null ? $"{ResultTangent} = 0;" : $"{TangentParameterName(output)}.Clear();");
        foreach (LocalModel local in _method.Locals.Concat(lowering.NewLocals))
        {
            if (!_inlineDeclared.Contains(local.Name) && !_canonicalIndices.Contains(local.Name))
            {
                lines.Line($"{local.Type.Name} {Identifiers.Escape(local.Name)} = {(local.Type.Shape == TypeShape.Array ? "null!" : "default")};");
            }
        }

        foreach (string name in _activity.ActiveNames.OrderBy(n => n, System.StringComparer.Ordinal))
        {
            if (_method.Parameters.Any(p => p.Name == name) || name == lowering.ResultName || !_tangentNames.ContainsKey(name))
            {
                continue;
            }

            TypeRef type = _method.Locals.Concat(lowering.NewLocals).FirstOrDefault(l => l.Name == name)?.Type ?? _method.ReturnType;
            lines.Line(type.IsCollection ? $"{type.Name} {_tangentNames[name]} = null!;" : $"{type.Name} {_tangentNames[name]} = 0;");
        }


        lines.Blank();
        lines.Comment("The original computation, each active value preceded by its tangent.");
        lines.AddRange(statements);
        if (output is null)
        {
            lines.Line($"return {lowering.ResultName};");
        }
        return new GradientBody(lines.Build().ToEquatableArray());
    }

    private void FindDeclarations(Block block, bool topLevel)
    {
        foreach (Stmt statement in block.Statements)
        {
            switch (statement)
            {
                case Assign { IsDeclaration: true, Target: VarRef v } when topLevel:
                    _inlineDeclared.Add(v.Name);
                    break;
                case If i:
                    FindDeclarations(i.Then, false);
                    FindDeclarations(i.Else, false);
                    break;
                case Loop l:
                    if (CanonicalLoop.TryMatch(l) is { } canonical)
                    {
                        _canonicalIndices.Add(canonical.Index);
                    }
                    else
                    {
                        FindDeclarations(l.Init, topLevel);
                    }

                    FindDeclarations(l.Body, false);
                    FindDeclarations(l.Step, false);
                    break;
            }
        }
    }

    private void EmitBlock(Block block, List<Node> output)
    {
        foreach (Stmt statement in block.Statements)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            switch (statement)
            {
                case Assign assign:
                    EmitAssign(assign, output);
                    break;
                case If branch:
                    {
                        var then = new List<Node>();
                        var otherwise = new List<Node>();
                        EmitBlock(branch.Then, then);
                        EmitBlock(branch.Else, otherwise);
                        output.AddRange(AssignmentPrinter.IfElse(ExpressionPrinter.Print(branch.Condition).Text, then, otherwise));
                        break;
                    }

                case Loop loop:
                    EmitLoop(loop, output);
                    break;
                case ForwardOnly forwardOnly:
                    output.Add(new Line(forwardOnly.Code));
                    break;
            }
        }
    }

    private void EmitLoop(Loop loop, List<Node> output)
    {
        string condition = loop.Condition is null ? "true" : ExpressionPrinter.Print(loop.Condition).Text;
        var body = new List<Node>();
        EmitBlock(loop.Body, body);
        if (CanonicalLoop.TryMatch(loop) is { } canonical)
        {
            string step = canonical.Step switch
            {
                1 => canonical.Variable + "++",
                -1 => canonical.Variable + "--",
                > 0 => $"{canonical.Variable} += {canonical.Step}",
                _ => $"{canonical.Variable} -= {-canonical.Step}",
            };
            output.Add(new BlockNode($"for (int {canonical.Variable} = {ExpressionPrinter.Print(canonical.Start).Text}; {condition}; {step})", body));
            return;
        }

        EmitBlock(loop.Init, output);
        EmitBlock(loop.Step, body);
        output.Add(loop.ConditionAtEnd ? new BlockNode("do", body, $"while ({condition});") : new BlockNode($"while ({condition})", body));
    }

    private void EmitAssign(Assign assign, List<Node> output)
    {
        string target = ExpressionPrinter.Print(assign.Target).Text;
        string? root = IrWalker.RootName(assign.Target);
        bool active = root is not null && _activity.IsActiveName(root) && _tangentNames.ContainsKey(root) && (assign.Target.Type.IsFloating || assign.Target is VarRef && assign.Target.Type.IsFloatingCollection);
        if (active && assign.Target.Type.IsFloating)
        {
            // The tangent first: it reads the values from before this assignment.
            string tangentTarget = assign.Target is ElementRef e ? $"{_tangentNames[root!]}[{ExpressionPrinter.Print(e.Index).Text}]" : _tangentNames[root!];
            if (assign.CompoundOperator is "+" or "-" && assign.Value is Binary { Left: var left, Right: var right } && left == assign.Target && !IrWalker.Mentions(right, root!))
            {
                // x += e: xDot += ė
                Code increment = Tangent(right, output);
                if (increment.Text != "0")
                {
                    output.Add(new Line($"{tangentTarget} {assign.CompoundOperator}= {increment.Text};"));
                }
            }
            else
            {
                Code tangent = Tangent(assign.Value, output);
                output.Add(new Line($"{tangentTarget} = {tangent.Text};"));
            }
        }

        bool declareHere = assign.IsDeclaration && assign.Target is VarRef v && _inlineDeclared.Contains(v.Name);
        output.Add(new Line(AssignmentPrinter.Print(assign, declareHere)));
        if (active && assign.Value is NewArray)
        {
            output.Add(new Line($"{_tangentNames[root!]} = new {assign.Target.Type.ElementName}[{target}.Length];"));
        }
    }

    /// <summary>The tangent of an expression: Σ ∂e/∂v · vDot over the active v it reads.</summary>
    private Code Tangent(Expr expr, List<Node> pre)
    {
        Code zero = Code.Atom("0");
        if (!_activity.IsActive(expr))
        {
            return zero;
        }

        Code Sum(Code a, Code b) => a.Text == "0" ? b : b.Text == "0" ? a : Code.Binary(a, "+", b);
        Code Difference(Code a, Code b) => b.Text == "0" ? a : a.Text == "0" ? Code.Negate(b) : Code.Binary(a, "-", b);
        Code Times(Code a, Code b) => a.Text == "0" || b.Text == "0" ? zero : Code.Multiply(a, b);

        switch (expr)
        {
            case VarRef v:
                return Code.Atom(_tangentNames[v.Name]);
            case ElementRef e:
                return Code.Atom($"{_tangentNames[IrWalker.RootName(e)!]}[{ExpressionPrinter.Print(e.Index).Text}]");
            case Unary { Operator: "-" } u:
                return Code.Negate(Tangent(u.Operand, pre));
            case Unary u:
                return Tangent(u.Operand, pre);
            case Binary { Operator: "+" } b:
                return Sum(Tangent(b.Left, pre), Tangent(b.Right, pre));
            case Binary { Operator: "-" } b:
                return Difference(Tangent(b.Left, pre), Tangent(b.Right, pre));
            case Binary { Operator: "*" } b:
                // (ab)' = a'b + ab'
                return Sum(Times(Tangent(b.Left, pre), ExpressionPrinter.Print(b.Right)), Times(ExpressionPrinter.Print(b.Left), Tangent(b.Right, pre)));
            case Binary { Operator: "/" } b:
                {
                    // (a/b)' = a'/b - a b'/b²
                    Code right = ExpressionPrinter.Print(b.Right);
                    Code left = Tangent(b.Left, pre);
                    Code first = left.Text == "0" ? zero : Code.Binary(left, "/", right);
                    Code rightTangent = Tangent(b.Right, pre);
                    Code second = rightTangent.Text == "0" ? zero : Code.Binary(Code.Multiply(ExpressionPrinter.Print(b.Left), rightTangent), "/", Code.Binary(right, "*", right));
                    return Difference(first, second);
                }

            case Conditional c:
                return Code.Ternary(ExpressionPrinter.Print(c.Condition), Tangent(c.WhenTrue, pre), Tangent(c.WhenFalse, pre));
            case Cast c:
                {
                    Code inner = Tangent(c.Operand, pre);
                    return inner.Text == "0" ? zero : Code.CastTo(c.Type.Name, inner);
                }

            case MathCall m:
                return MathTangent(m, pre);
            case DiffCall d:
                return CallTangent(d, pre);
            default:
                return zero;
        }
    }

    private Code MathTangent(MathCall call, List<Node> pre)
    {
        Code[] arguments = call.Arguments.Select(ExpressionPrinter.Print).ToArray();
        Code[] tangents = call.Arguments.Select(a => Tangent(a, pre)).ToArray();
        DerivativeRules.Selection[]? selections = DerivativeRules.Selections(call.Name, arguments);
        if (selections is not null)
        {
            // Piecewise: the tangent of whichever argument the result is.
            Code result = tangents[selections[selections.Length - 1].Argument];
            for (int i = selections.Length - 2; i >= 0; i--)
            {
                result = Code.Ternary(selections[i].Condition!.Value, tangents[selections[i].Argument], result);
            }

            return result;
        }

        string element = call.ClassName.EndsWith("MathF", System.StringComparison.Ordinal) ? "float" : "double";
        Code Share(Code value)
        {
            if (value.IsSimple)
            {
                return value;
            }

            string name = _namer.Numbered("_t");
            pre.Add(new Line($"{element} {name} = {value.Text};"));
            return Code.Atom(name);
        }

        Code?[] partials = DerivativeRules.Partials(call.Name, call.ClassName, arguments, element == "float", Share);
        Code total = Code.Atom("0");
        for (int i = 0; i < partials.Length; i++)
        {
            if (partials[i] is { } partial && tangents[i].Text != "0")
            {
                Code term = Code.Multiply(partial, tangents[i]);
                total = total.Text == "0" ? term : Code.Binary(total, "+", term);
            }
        }

        return total;
    }

    private Code CallTangent(DiffCall call, List<Node> pre)
    {
        DerivativeRegistration? registration = _registrations.Find(call.Callee.Key);
        if (registration is null && !call.Callee.IsDifferentiable)
        {
            throw new UnresolvedCallException();
        }

        // f(a)' = ∇f(a) · a': evaluate the callee's gradient, then dot it with the arguments' tangents.
        var arguments = new List<string>();
        var gradients = new List<string>();
        var release = new List<Node>();
        Code total = Code.Atom("0");
        for (int i = 0; i < call.Arguments.Count; i++)
        {
            Expr argument = call.Arguments[i];
            string text = ExpressionPrinter.Print(argument).Text;
            arguments.Add(text);
            CalleeParameter parameter = call.Callee.Parameters[i];
            bool hasGradient = registration is not null ? registration.HasGradient[i] : parameter.IsDifferentiable;
            if (!hasGradient)
            {
                continue;
            }

            string element = parameter.Type.ElementName;
            if (parameter.Type.IsFloating)
            {
                string gradient = _namer.Numbered($"_d{call.Callee.Name}_");
                gradients.Add($"out {element} {gradient}");
                Code tangent = Tangent(argument, pre);
                if (tangent.Text != "0")
                {
                    Code term = Code.Multiply(Code.Atom(gradient), tangent);
                    total = total.Text == "0" ? term : Code.Binary(total, "+", term);
                }
            }
            else
            {
                string buffer = _namer.Numbered($"_d{call.Callee.Name}_buffer");
                string span = _namer.Numbered($"_d{call.Callee.Name}_");
                pre.Add(new Line($"{element}[] {buffer} = global::System.Buffers.ArrayPool<{element}>.Shared.Rent({text}.Length);"));
                pre.Add(new Line($"global::System.Span<{element}> {span} = new global::System.Span<{element}>({buffer}, 0, {text}.Length);"));
                gradients.Add(span);
                if (_activity.IsActiveCollection(argument))
                {
                    string dot = _namer.Numbered("_dot");
                    string k = _namer.Numbered("_k");
                    string tangents = _tangentNames[IrWalker.RootName(argument)!];
                    release.Add(new Line($"{element} {dot} = 0;"));
                    release.Add(new BlockNode($"for (int {k} = 0; {k} < {span}.Length; {k}++)", new List<Node> { new Line($"{dot} += {span}[{k}] * {tangents}[{k}];") }));
                    total = total.Text == "0" ? Code.Atom(dot) : Code.Binary(total, "+", Code.Atom(dot));
                }

                release.Add(new Line($"global::System.Buffers.ArrayPool<{element}>.Shared.Return({buffer});"));
            }
        }

        string prefix = call.Receiver is not null
            ? ExpressionPrinter.Print(call.Receiver).Text + "."
            : call.Callee.SameType ? string.Empty : call.Callee.IsStatic ? call.Callee.ContainingType + "." : string.Empty;
        string callee = registration is not null ? registration.DerivativeMethod : prefix + call.Callee.Name + "Gradient";
        pre.Add(new Line($"_ = {callee}({string.Join(", ", arguments.Concat(gradients))});"));
        pre.AddRange(release);
        return total;
    }
}
