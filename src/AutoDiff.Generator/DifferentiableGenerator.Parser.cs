using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using AutoDiff.Generator.Differentiation;
using AutoDiff.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AutoDiff.Generator;

public sealed partial class DifferentiableGenerator
{
    internal const string DifferentiableAttributeName = "AutoDiff.DifferentiableAttribute";
    internal const string NoDerivativeAttributeName = "AutoDiff.NoDerivativeAttribute";
    internal const string RequiresGradientAttributeName = "AutoDiff.RequiresGradientAttribute";
    internal const string OutputAttributeName = "AutoDiff.OutputAttribute";
    internal const string ParameterAttributeName = "AutoDiff.ParameterAttribute";

    /// <summary>
    /// Stage 1: turns a <c>[Differentiable]</c> method (syntax + semantic model) into an equatable
    /// <see cref="MethodModel"/> and the diagnostics that belong at the user's source locations.
    /// </summary>
    internal sealed class Parser
    {
        private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

        private readonly IMethodSymbol _method;
        private readonly MethodDeclarationSyntax _syntax;
        private readonly CancellationToken _cancellationToken;
        private readonly List<DiagnosticInfo> _diagnostics = new();
        private readonly Dictionary<ISymbol, string> _names = new(SymbolEqualityComparer.Default);
        private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
        private readonly List<LocalModel> _locals = new();
        private readonly List<(Expr Call, Location Location, string Callee)> _unknownCalls = new();
        private readonly List<(DiffCall Call, IMethodSymbol Target, Location Location)> _externalCalls = new();
        private readonly List<PendingCall> _pendingCalls = new();
        private int _syntheticCounter;
        private IParameterSymbol? _output;
        private readonly List<(Assign Assign, Location Location, bool InLoop)> _collectionAssignments = new();
        private readonly Dictionary<DiffCall, Location> _callLocations = new(ReferenceComparer<DiffCall>.Instance);
        private int _loopDepth;
        private readonly List<LocalModel> _parameterFields = new();
        private bool _hasErrors;
        private bool _hasCompileErrors;

        private Parser(IMethodSymbol method, MethodDeclarationSyntax syntax, CancellationToken cancellationToken)
        {
            _method = method;
            _syntax = syntax;
            _cancellationToken = cancellationToken;
        }

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax syntax)
            {
                return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty, EquatableArray<PendingCall>.Empty);
            }

            try
            {
                return new Parser(method, syntax, cancellationToken).Run(context.SemanticModel);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception exception)
            {
                // A bug in the generator must not break the user's build with CS8785: report it at the method.
                var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, syntax.Identifier.GetLocation(), method.Name, exception.GetType().Name + ": " + exception.Message);
                return new ParseResult(null, ImmutableArray.Create(diagnostic).ToEquatableArray(), EquatableArray<PendingCall>.Empty);
            }
        }

        private ParseResult Run(SemanticModel semanticModel)
        {
            HierarchyInfo? hierarchy = BuildHierarchy();
            TypeRef returnType = ToTypeRef(_method.ReturnType);
            Location identifier = _syntax.Identifier.GetLocation();

            if (_method.IsAsync)
            {
                Report(DiagnosticDescriptors.AsyncOrIteratorNotSupported, identifier, _method.Name, "async");
            }
            else if (_syntax.DescendantNodes().OfType<YieldStatementSyntax>().Any())
            {
                Report(DiagnosticDescriptors.AsyncOrIteratorNotSupported, identifier, _method.Name, "an iterator (it uses yield)");
            }

            IParameterSymbol? output = _method.Parameters.FirstOrDefault(p => p.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == OutputAttributeName));
            if (output is not null)
            {
                TypeRef outputType = ToTypeRef(output.Type);
                if (_method.ReturnsVoid && outputType.Shape == TypeShape.Span && outputType.Element is ScalarKind.Double or ScalarKind.Float)
                {
                    _output = output;
                    returnType = TypeRef.Scalar(outputType.Element);
                }
                else
                {
                    Report(DiagnosticDescriptors.UnsupportedParameter, output.Locations.FirstOrDefault(), output.Name, _method.Name, "is marked [Output], which needs a method returning void and a Span<double> or Span<float> parameter");
                }
            }

            if (!returnType.IsFloating && !returnType.IsTensor && !_method.IsAsync && _output is null)
            {
                Report(DiagnosticDescriptors.UnsupportedReturnType, _syntax.ReturnType.GetLocation(), _method.Name, _method.ReturnType.ToDisplayString());
            }

            if (_method.IsGenericMethod)
            {
                Report(DiagnosticDescriptors.GenericMethodNotSupported, identifier, _method.Name);
            }

            if (_syntax.Modifiers.Any(SyntaxKind.UnsafeKeyword))
            {
                Report(DiagnosticDescriptors.UnsafeNotSupported, _syntax.Modifiers.First(m => m.IsKind(SyntaxKind.UnsafeKeyword)).GetLocation(), "unsafe");
            }

            foreach (SyntaxNode node in _syntax.DescendantNodes())
            {
                if (node is StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax &&
                    semanticModel.GetTypeInfo(node, _cancellationToken).ConvertedType is INamedTypeSymbol { TypeArguments.Length: 1 } spanType &&
                    spanType.TypeArguments[0].SpecialType is SpecialType.System_Double or SpecialType.System_Single)
                {
                    Report(DiagnosticDescriptors.UnsupportedConstruct, node.GetLocation(), SourceText(node),
                        "stackalloc of floating values is not supported: the reverse sweep needs storage that outlives the statement; use new double[n]");
                }

                SyntaxToken? keyword = node switch
                {
                    UnsafeStatementSyntax u => u.UnsafeKeyword,
                    FixedStatementSyntax f => f.FixedKeyword,
                    _ => null,
                };
                if (keyword is { } token)
                {
                    Report(DiagnosticDescriptors.UnsafeNotSupported, token.GetLocation(), token.Text);
                }
            }

            // A model's [Parameter] members come first: locals that shadow them get renamed.
            foreach (ISymbol member in _method.ContainingType.GetMembers())
            {
                if (IsModelParameter(member))
                {
                    ITypeSymbol memberType = member is IFieldSymbol field ? field.Type : ((IPropertySymbol)member).Type;
                    _parameterFields.Add(new LocalModel(Reserve(member, member.Name), ToTypeRef(memberType)));
                }
            }

            foreach (IParameterSymbol parameter in _method.Parameters)
            {
                Reserve(parameter, parameter.Name);
            }

            List<ParameterModel> parameters = BuildParameters();

            if (_syntax.Body is null && _syntax.ExpressionBody is null)
            {
                Report(DiagnosticDescriptors.NoBody, identifier, _method.Name);
            }

            if (_syntax.ContainsDiagnostics || _method.ReturnType.TypeKind == TypeKind.Error || _method.Parameters.Any(p => p.Type.TypeKind == TypeKind.Error))
            {
                // The compiler reports the syntax errors; generating from broken code would only add noise.
                return new ParseResult(null, _diagnostics.ToEquatableArray(), EquatableArray<PendingCall>.Empty);
            }

            Block? body = null;
            if (!_hasErrors && (_syntax.Body is not null || _syntax.ExpressionBody is not null))
            {
                if (semanticModel.GetOperation(_syntax, _cancellationToken) is IMethodBodyOperation operation &&
                    (operation.BlockBody ?? operation.ExpressionBody) is IBlockOperation block)
                {
                    body = ConvertBlock(block);
                }
                else
                {
                    _hasCompileErrors = true;
                }
            }

            if (_hasCompileErrors || hierarchy is null)
            {
                return new ParseResult(null, _diagnostics.ToEquatableArray(), EquatableArray<PendingCall>.Empty);
            }

            if (body is not null && !_hasErrors)
            {
                ReportUnknownCalls(body, parameters);
            }

            if (body is not null && !_hasErrors)
            {
                foreach ((DiffCall call, int length) in SaturationAnalysis.Find(body))
                {
                    string chain = length < 0 ? "n-th (one per loop iteration, applied to its own output)" : length.ToString(CultureInfo.InvariantCulture) + "th";
                    string factor = call.Callee.Name == "Sigmoid" ? "1/4" : "1 (less once saturated)";
                    Report(DiagnosticDescriptors.SaturatingChain, _callLocations.TryGetValue(call, out Location? where) ? where : _syntax.Identifier.GetLocation(), call.Callee.Name, chain, factor);
                    break; // one warning per method is enough to explain the risk
                }

                foreach (string unused in DependencyAnalysis.ParametersNotAffectingResult(body, parameters))
                {
                    IParameterSymbol symbol = _method.Parameters.First(p => _names[p] == unused);
                    Report(DiagnosticDescriptors.ParameterDoesNotAffectResult, symbol.Locations.FirstOrDefault(), unused, _method.Name);
                }
            }

            bool usable = body is not null && !_hasErrors;
            FileLinePositionSpan lines = _syntax.GetLocation().GetLineSpan();
            string overloadSuffix = _method.ContainingType.GetMembers(_method.Name).Length > 1
                ? "_" + StableHash(string.Join(",", _method.Parameters.Select(p => p.Type.ToDisplayString(TypeFormat))))
                : string.Empty;
            var model = new MethodModel(
                hierarchy,
                _method.Name,
                AccessibilityText(_method.DeclaredAccessibility),
                _method.IsStatic,
                returnType.IsFloating || returnType.IsTensor ? returnType : TypeRef.Double,
                string.Empty,
                parameters.ToEquatableArray(),
                _locals.ToEquatableArray(),
                usable ? body : null,
                usable ? null : "it uses code that AutoDiff cannot differentiate (see the AD errors reported at the method)",
                lines.StartLinePosition.Line + 1,
                lines.EndLinePosition.Line + 1,
                System.IO.Path.GetFileName(_syntax.SyntaxTree.FilePath),
                $"{hierarchy.FileNamePrefix}.{_method.Name}{overloadSuffix}.Gradient.g.cs",
                returnType.IsTensor ? MethodModel.Reverse : ReadModes(),
                _parameterFields.ToEquatableArray(),
                returnType.IsTensor ? Registrations.KeyOf(_method) : null);
            return new ParseResult(model, _diagnostics.ToEquatableArray(), _pendingCalls.ToEquatableArray());
        }

        internal static bool IsModelParameter(ISymbol member) =>
            member is IFieldSymbol or IPropertySymbol && !member.IsStatic &&
            member.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == ParameterAttributeName);

        /// <summary>The <c>Mode</c> named argument of <c>[Differentiable]</c>; reverse mode is always generated.</summary>
        private int ReadModes()
        {
            int modes = MethodModel.Reverse;
            foreach (AttributeData attribute in _method.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() != DifferentiableAttributeName)
                {
                    continue;
                }

                foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
                {
                    if (argument.Key == "Mode" && argument.Value.Value is int value)
                    {
                        modes |= value;
                    }
                }
            }

            return modes;
        }

        private HierarchyInfo? BuildHierarchy()
        {
            var types = new List<TypeDeclaration>();
            for (INamedTypeSymbol? type = _method.ContainingType; type is not null; type = type.ContainingType)
            {
                bool isPartial = type.DeclaringSyntaxReferences
                    .Select(reference => reference.GetSyntax(_cancellationToken))
                    .OfType<TypeDeclarationSyntax>()
                    .Any(declaration => declaration.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!isPartial)
                {
                    Report(DiagnosticDescriptors.TypeNotPartial, _syntax.Identifier.GetLocation(), _method.Name, type.Name);
                }

                string keyword = type.IsRecord
                    ? (type.IsValueType ? "record struct" : "record")
                    : type.TypeKind switch
                    {
                        TypeKind.Struct => "struct",
                        TypeKind.Interface => "interface",
                        _ => "class",
                    };
                string name = type.Name;
                if (type.TypeParameters.Length > 0)
                {
                    name += "<" + string.Join(", ", type.TypeParameters.Select(p => p.Name)) + ">";
                }

                types.Insert(0, new TypeDeclaration(keyword, name));
            }

            if (types.Count == 0)
            {
                return null;
            }

            string? ns = _method.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : null;
            return new HierarchyInfo(ns, types.ToEquatableArray());
        }

        private List<ParameterModel> BuildParameters()
        {
            var parameters = new List<ParameterModel>();
            var names = new HashSet<string>(_method.Parameters.Select(p => p.Name), StringComparer.Ordinal);
            foreach (IParameterSymbol parameter in _method.Parameters)
            {
                TypeRef type = ToTypeRef(parameter.Type);
                bool noDerivative = parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == NoDerivativeAttributeName);
                // A function on tensors is differentiated with respect to its tensor parameters (pullback form); its
                // scalars (sizes, rates, flags) pass through.
                // A model's tensor inputs are data unless marked [RequiresGradient].
                bool requiresGradient = type.IsTensor && parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == RequiresGradientAttributeName);
                bool differentiableType = ToTypeRef(_method.ReturnType).IsTensor ? type.IsTensor || type.IsTensorArray : type.IsFloating || type.IsFloatingCollection || requiresGradient;
                bool isOutput = SymbolEqualityComparer.Default.Equals(parameter, _output);
                bool differentiable = differentiableType && !noDerivative && !isOutput;
                if (differentiable && parameter.RefKind is RefKind.Ref or RefKind.Out)
                {
                    Report(
                        DiagnosticDescriptors.UnsupportedParameter,
                        parameter.Locations.FirstOrDefault(),
                        parameter.Name,
                        _method.Name,
                        $"is passed by '{(parameter.RefKind == RefKind.Ref ? "ref" : "out")}'; differentiable parameters are inputs: pass them by value (or 'in'), or mark the parameter [NoDerivative]");
                }

                string modifiers = parameter.RefKind switch
                {
                    RefKind.Ref => "ref ",
                    RefKind.Out => "out ",
                    RefKind.In => "in ",
                    RefKind.RefReadOnlyParameter => "ref readonly ",
                    _ => string.Empty,
                };
                if (parameter.IsParams)
                {
                    modifiers = "params " + modifiers;
                }

                string declaration = modifiers + parameter.Type.ToDisplayString(TypeFormat) + " " + EscapeIdentifier(parameter.Name);
                string? gradientName = null;
                if (differentiable)
                {
                    gradientName = "d" + parameter.Name;
                    while (names.Contains(gradientName))
                    {
                        gradientName = "_" + gradientName;
                    }

                    names.Add(gradientName);
                }

                parameters.Add(new ParameterModel(parameter.Name, type, declaration, differentiable, gradientName, isOutput));
            }

            return parameters;
        }

        // ---------------------------------------------------------------- statements

        private Block ConvertBlock(IBlockOperation block)
        {
            RegisterLocals(block.Locals);
            var statements = new List<Stmt>();
            foreach (IOperation operation in block.Operations)
            {
                ConvertStatement(operation, statements);
            }

            return new Block(statements.ToEquatableArray());
        }

        private Block ConvertEmbedded(IOperation? operation)
        {
            if (operation is null)
            {
                return Block.Empty;
            }

            if (operation is IBlockOperation block)
            {
                return ConvertBlock(block);
            }

            var statements = new List<Stmt>();
            ConvertStatement(operation, statements);
            return new Block(statements.ToEquatableArray());
        }

        private void ConvertStatement(IOperation operation, List<Stmt> output)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            int line = operation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            string source = SourceText(operation.Syntax);
            switch (operation)
            {
                case IBlockOperation block:
                    output.AddRange(ConvertBlock(block).Statements);
                    break;

                case IEmptyOperation:
                    break;

                case IVariableDeclarationGroupOperation group:
                    foreach (IVariableDeclarationOperation declaration in group.Declarations)
                    {
                        foreach (IVariableDeclaratorOperation declarator in declaration.Declarators)
                        {
                            if (declarator.Symbol.IsConst)
                            {
                                continue;
                            }

                            string name = NameOf(declarator.Symbol);
                            IVariableInitializerOperation? initializer = declarator.GetVariableInitializer();
                            if (initializer is null)
                            {
                                continue;
                            }

                            var target = new VarRef(ToTypeRef(declarator.Symbol.Type), name);
                            ConvertInitialization(target, initializer.Value, line, source, output);
                        }
                    }

                    break;

                case IExpressionStatementOperation { Operation: var expression }:
                    ConvertExpressionStatement(expression, line, source, output);
                    break;

                case IConditionalOperation conditional:
                    {
                        Expr? condition = ConvertExpression(conditional.Condition);
                        Block then = ConvertEmbedded(conditional.WhenTrue);
                        Block otherwise = ConvertEmbedded(conditional.WhenFalse);
                        if (condition is not null)
                        {
                            output.Add(new If(line, HeaderText(conditional.Syntax), condition, then, otherwise));
                        }

                        break;
                    }

                case IForLoopOperation forLoop:
                    {
                        RegisterLocals(forLoop.Locals);
                        var init = new List<Stmt>();
                        foreach (IOperation before in forLoop.Before)
                        {
                            ConvertStatement(before, init);
                        }

                        Expr? condition = forLoop.Condition is null ? null : ConvertExpression(forLoop.Condition);
                        var step = new List<Stmt>();
                        foreach (IOperation after in forLoop.AtLoopBottom)
                        {
                            ConvertStatement(after, step);
                        }

                        _loopDepth++;
                        Block body = ConvertEmbedded(forLoop.Body);
                        _loopDepth--;
                        output.Add(new Loop(line, HeaderText(forLoop.Syntax), new Block(init.ToEquatableArray()), condition, new Block(step.ToEquatableArray()), body, false));
                        break;
                    }

                case IWhileLoopOperation whileLoop:
                    {
                        RegisterLocals(whileLoop.Locals);
                        Expr? condition = whileLoop.Condition is null ? null : ConvertExpression(whileLoop.Condition);
                        if (whileLoop.ConditionIsUntil && condition is not null)
                        {
                            condition = new Unary(TypeRef.Bool, "!", condition);
                        }

                        _loopDepth++;
                        Block body = ConvertEmbedded(whileLoop.Body);
                        _loopDepth--;
                        output.Add(new Loop(line, HeaderText(whileLoop.Syntax), Block.Empty, condition, Block.Empty, body, !whileLoop.ConditionIsTop));
                        break;
                    }

                case IForEachLoopOperation forEach:
                    ConvertForEach(forEach, line, output);
                    break;

                case IBranchOperation branch:
                    switch (branch.BranchKind)
                    {
                        case BranchKind.Break:
                            output.Add(new Break(line, source));
                            break;
                        case BranchKind.Continue:
                            output.Add(new Continue(line, source));
                            break;
                        default:
                            Report(DiagnosticDescriptors.GotoNotSupported, operation.Syntax.GetLocation(), source);
                            break;
                    }

                    break;

                case ILabeledOperation labeled:
                    // The goto that targets the label is what gets reported; the labeled statement itself is fine.
                    if (labeled.Operation is not null)
                    {
                        ConvertStatement(labeled.Operation, output);
                    }

                    break;

                case IReturnOperation { Kind: OperationKind.Return } returnOperation:
                    {
                        if (returnOperation.ReturnedValue is null)
                        {
                            output.Add(new Return(line, source, null));
                            break;
                        }

                        Expr? value = ConvertExpression(returnOperation.ReturnedValue);
                        if (value is not null)
                        {
                            output.Add(new Return(line, source, value));
                        }

                        break;
                    }

                case ITryOperation:
                    Report(DiagnosticDescriptors.TryNotSupported, ((TryStatementSyntax)operation.Syntax).TryKeyword.GetLocation(), "try");
                    break;

                case IThrowOperation:
                    output.Add(new ForwardOnly(line, source, source.EndsWith(";", StringComparison.Ordinal) ? source : source + ";"));
                    break;

                case ILocalFunctionOperation:
                    Report(DiagnosticDescriptors.LambdaNotSupported, operation.Syntax.GetLocation(), "local function");
                    break;

                case IInvalidOperation:
                    _hasCompileErrors = true;
                    break;

                default:
                    Unsupported(operation, Describe(operation), "only assignments, if/else, loops, break/continue and return are supported");

                    break;
            }
        }

        private void ConvertInitialization(Expr target, IOperation value, int line, string source, List<Stmt> output)
        {
            // new double[] { a, b, c } becomes an allocation followed by one assignment per element.
            if (value is IArrayCreationOperation { Initializer: { } initializer } creation && target.Type.IsCollection)
            {
                var length = new Literal(TypeRef.Int, initializer.ElementValues.Length.ToString(CultureInfo.InvariantCulture));
                output.Add(new Assign(line, source, target, new NewArray(ToTypeRef(creation.Type!), length), null, true));
                TypeRef elementType = TypeRef.Scalar(target.Type.Element);
                for (int i = 0; i < initializer.ElementValues.Length; i++)
                {
                    Expr? element = ConvertExpression(initializer.ElementValues[i]);
                    if (element is not null)
                    {
                        var index = new Literal(TypeRef.Int, i.ToString(CultureInfo.InvariantCulture));
                        output.Add(new Assign(line, source, new ElementRef(elementType, target, index), element, null, false));
                    }
                }

                return;
            }

            Expr? converted = ConvertExpression(value);
            if (converted is not null)
            {
                var assign = new Assign(line, source, target, converted, null, true);
                TrackCollectionAssignment(assign, value);
                output.Add(assign);
            }
        }

        /// <summary>Remembers assignments of whole arrays/spans: checked once activity is known (ReportUnknownCalls).</summary>
        private void TrackCollectionAssignment(Assign assign, IOperation value)
        {
            if (assign.Target is VarRef { Type.IsCollection: true } target && target.Type.Element != ScalarKind.Tensor)
            {
                _collectionAssignments.Add((assign, value.Syntax.GetLocation(), _loopDepth > 0));
            }
        }

        private void ConvertExpressionStatement(IOperation expression, int line, string source, List<Stmt> output)
        {
            switch (expression)
            {
                case ISimpleAssignmentOperation assignment:
                    {
                        Expr? target = ConvertTarget(assignment.Target);
                        if (target is null)
                        {
                            return;
                        }

                        if (assignment.Value is IArrayCreationOperation { Initializer: not null })
                        {
                            ConvertInitialization(target, assignment.Value, line, source, output);
                            return;
                        }

                        Expr? value = ConvertExpression(assignment.Value);
                        if (value is not null)
                        {
                            var assign = new Assign(line, source, target, value, null, false);
                            TrackCollectionAssignment(assign, assignment.Value);
                            output.Add(assign);
                        }

                        return;
                    }

                case ICompoundAssignmentOperation compound:
                    {
                        Expr? target = ConvertTarget(compound.Target);
                        Expr? right = ConvertExpression(compound.Value);
                        string? op = BinaryOperatorText(compound.OperatorKind);
                        if (target is null || right is null)
                        {
                            return;
                        }

                        if (op is null || compound.OperatorMethod is not null)
                        {
                            Unsupported(expression, source, "this compound operator is not supported");
                            return;
                        }

                        // x op= y means x = (T)(x op y); C# converts both sides to the operator's type first.
                        TypeRef operatorType = right.Type;
                        Expr left = target.Type == operatorType ? target : new Cast(operatorType, target);
                        Expr combined = new Binary(operatorType, op, left, right);
                        if (combined.Type != target.Type)
                        {
                            combined = new Cast(target.Type, combined);
                        }

                        output.Add(new Assign(line, source, target, combined, target.Type == operatorType ? op : null, false));
                        return;
                    }

                case IIncrementOrDecrementOperation increment:
                    {
                        Expr? target = ConvertTarget(increment.Target);
                        if (target is null)
                        {
                            return;
                        }

                        string op = increment.Kind == OperationKind.Increment ? "+" : "-";
                        var one = new Literal(target.Type, target.Type.Element switch
                        {
                            ScalarKind.Double => "1d",
                            ScalarKind.Float => "1f",
                            ScalarKind.Long => "1L",
                            _ => "1",
                        });
                        output.Add(new Assign(line, source, target, new Binary(target.Type, op, target, one), op, false));
                        return;
                    }

                case IInvocationOperation:
                    {
                        Expr? call = ConvertExpression(expression);
                        if (call is null)
                        {
                            return;
                        }

                        if (call is DiffCall or MathCall)
                        {
                            // A differentiable call whose value is discarded contributes nothing.
                            return;
                        }

                        output.Add(new ForwardOnly(line, source, source.EndsWith(";", StringComparison.Ordinal) ? source : source + ";"));
                        return;
                    }

                case IThrowOperation:
                    output.Add(new ForwardOnly(line, source, source.EndsWith(";", StringComparison.Ordinal) ? source : source + ";"));
                    return;

                case IInvalidOperation:
                    _hasCompileErrors = true;
                    return;

                default:
                    Unsupported(expression, source, "only assignments, ++/--, compound assignments and calls can be statements");
                    return;
            }
        }

        private void ConvertForEach(IForEachLoopOperation forEach, int line, List<Stmt> output)
        {
            RegisterLocals(forEach.Locals);
            IOperation collection = forEach.Collection;
            while (collection is IConversionOperation { IsImplicit: true } conversion)
            {
                collection = conversion.Operand;
            }

            TypeRef collectionType = collection.Type is null ? new TypeRef("?", TypeShape.Other, ScalarKind.Other) : ToTypeRef(collection.Type);
            if (!collectionType.IsCollection || forEach.LoopControlVariable is not IVariableDeclaratorOperation declarator)
            {
                Unsupported(forEach, HeaderText(forEach.Syntax), "foreach is supported over arrays and spans of numbers, with a single loop variable");
                return;
            }

            Expr? source = ConvertExpression(collection);
            if (source is null)
            {
                return;
            }

            if (source is not VarRef && source is not Opaque)
            {
                Unsupported(forEach, HeaderText(forEach.Syntax), "assign the collection to a local first and loop over the local");
                return;
            }

            // foreach (var v in xs) body  ==>  for (int _i = 0; _i < xs.Length; _i++) { var v = xs[_i]; body }
            string indexName = Fresh("_" + NameOf(declarator.Symbol) + "Index");
            var index = new VarRef(TypeRef.Int, indexName);
            var length = new Opaque(TypeRef.Int, "{0}.Length", ImmutableArray.Create(source).ToEquatableArray());
            string header = HeaderText(forEach.Syntax);
            var init = new Block(ImmutableArray.Create<Stmt>(new Assign(line, header, index, new Literal(TypeRef.Int, "0"), null, true)).ToEquatableArray());
            var condition = new Binary(TypeRef.Bool, "<", index, length);
            var step = new Block(ImmutableArray.Create<Stmt>(new Assign(line, header, index, new Binary(TypeRef.Int, "+", index, new Literal(TypeRef.Int, "1")), "+", false)).ToEquatableArray());
            var variable = new VarRef(ToTypeRef(declarator.Symbol.Type), NameOf(declarator.Symbol));
            Expr element = new ElementRef(TypeRef.Scalar(collectionType.Element), source, index);
            if (element.Type != variable.Type)
            {
                element = new Cast(variable.Type, element);
            }

            _loopDepth++;
            Block body = ConvertEmbedded(forEach.Body);
            _loopDepth--;
            var statements = new List<Stmt> { new Assign(line, header, variable, element, null, true) };
            statements.AddRange(body.Statements);
            output.Add(new Loop(line, header, init, condition, step, new Block(statements.ToEquatableArray()), false));
        }

        private Expr? ConvertTarget(IOperation target)
        {
            switch (target)
            {
                case ILocalReferenceOperation:
                case IParameterReferenceOperation:
                case IArrayElementReferenceOperation:
                case IPropertyReferenceOperation { Property.IsIndexer: true }:
                    return ConvertExpression(target);
                case IInvalidOperation:
                    _hasCompileErrors = true;
                    return null;
                default:
                    Unsupported(target, SourceText(target.Syntax), "a [Differentiable] method can assign only to its locals, its parameters and their elements; fields are constants");
                    return null;
            }
        }

        // ---------------------------------------------------------------- expressions

        private Expr? ConvertExpression(IOperation operation)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (operation.Type is { TypeKind: TypeKind.Error })
            {
                _hasCompileErrors = true;
                return null;
            }

            if (operation.ConstantValue.HasValue && operation.Type is not null)
            {
                string? literal = FormatConstant(operation.ConstantValue.Value, operation.Type);
                if (literal is not null)
                {
                    return new Literal(ToTypeRef(operation.Type), literal);
                }
            }

            switch (operation)
            {
                case ILocalReferenceOperation local:
                    return new VarRef(ToTypeRef(local.Local.Type), NameOf(local.Local));

                case IParameterReferenceOperation parameter:
                    return new VarRef(ToTypeRef(parameter.Parameter.Type), NameOf(parameter.Parameter));

                case IArrayElementReferenceOperation element when element.Indices.Length == 1:
                    {
                        Expr? array = ConvertExpression(element.ArrayReference);
                        Expr? index = ConvertExpression(element.Indices[0]);
                        return array is null || index is null ? null : new ElementRef(ToTypeRef(element.Type!), array, index);
                    }

                case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance } indexer
                    when indexer.Arguments.Length == 1 && ToTypeRef(instance.Type!).IsCollection:
                    {
                        Expr? span = ConvertExpression(instance);
                        Expr? index = ConvertExpression(indexer.Arguments[0].Value);
                        return span is null || index is null ? null : new ElementRef(ToTypeRef(indexer.Type!), span, index);
                    }

                case IPropertyReferenceOperation property when property.Arguments.Length == 0:
                    return MemberAccess(property.Instance, property.Property, property.Type!);

                case IFieldReferenceOperation field:
                    return MemberAccess(field.Instance, field.Field, field.Type!);

                case IInstanceReferenceOperation instanceReference:
                    return new Opaque(ToTypeRef(instanceReference.Type!), "this", EquatableArray<Expr>.Empty);

                case IParenthesizedOperation parenthesized:
                    return ConvertExpression(parenthesized.Operand);

                case IBinaryOperation binary:
                    {
                        string? op = BinaryOperatorText(binary.OperatorKind);
                        if (op is null || binary.OperatorMethod is not null)
                        {
                            return Unsupported(binary, SourceText(binary.Syntax), "only the built-in arithmetic, comparison and logical operators are supported");
                        }

                        Expr? left = ConvertExpression(binary.LeftOperand);
                        Expr? right = ConvertExpression(binary.RightOperand);
                        return left is null || right is null ? null : new Binary(ToTypeRef(binary.Type!), op, left, right);
                    }

                case IUnaryOperation unary:
                    {
                        string? op = unary.OperatorKind switch
                        {
                            UnaryOperatorKind.Minus => "-",
                            UnaryOperatorKind.Plus => "+",
                            UnaryOperatorKind.Not => "!",
                            UnaryOperatorKind.BitwiseNegation => "~",
                            _ => null,
                        };
                        if (op is null || unary.OperatorMethod is not null)
                        {
                            return Unsupported(unary, SourceText(unary.Syntax), "this unary operator is not supported");
                        }

                        Expr? operand = ConvertExpression(unary.Operand);
                        return operand is null ? null : new Unary(ToTypeRef(unary.Type!), op, operand);
                    }

                case IConditionalOperation { WhenFalse: not null } conditional:
                    {
                        Expr? condition = ConvertExpression(conditional.Condition);
                        Expr? whenTrue = ConvertExpression(conditional.WhenTrue);
                        Expr? whenFalse = ConvertExpression(conditional.WhenFalse);
                        return condition is null || whenTrue is null || whenFalse is null
                            ? null
                            : new Conditional(ToTypeRef(conditional.Type!), condition, whenTrue, whenFalse);
                    }

                case IConversionOperation conversion:
                    return ConvertConversion(conversion);

                case IInvocationOperation invocation:
                    return ConvertInvocation(invocation);

                case IArrayCreationOperation creation when creation.DimensionSizes.Length == 1 && creation.Initializer is null:
                    {
                        Expr? length = ConvertExpression(creation.DimensionSizes[0]);
                        return length is null ? null : new NewArray(ToTypeRef(creation.Type!), length);
                    }

                case IAnonymousFunctionOperation:
                case IDelegateCreationOperation:
                case ITranslatedQueryOperation:
                    return Report(DiagnosticDescriptors.LambdaNotSupported, operation.Syntax.GetLocation(), SourceText(operation.Syntax));

                case IAddressOfOperation:
                    return Report(DiagnosticDescriptors.UnsafeNotSupported, operation.Syntax.GetLocation(), SourceText(operation.Syntax));

                case ISimpleAssignmentOperation:
                case ICompoundAssignmentOperation:
                case IIncrementOrDecrementOperation:
                    return Unsupported(operation, SourceText(operation.Syntax), "assignments inside expressions are not supported; write the assignment as its own statement");

                case IInvalidOperation:
                    _hasCompileErrors = true;
                    return null;

                default:
                    if (operation.Type is not null && !ToTypeRef(operation.Type).IsFloating && !operation.Descendants().Any(IsVariableReference))
                    {
                        // A value that is not floating and reads none of our variables (a string, a typeof, …) is
                        // a constant as far as derivatives go: keep it as the user wrote it.
                        return new Opaque(ToTypeRef(operation.Type), SourceText(operation.Syntax).Replace("{", "{{").Replace("}", "}}"), EquatableArray<Expr>.Empty);
                    }

                    return Unsupported(operation, SourceText(operation.Syntax), Describe(operation) + " is not supported");
            }
        }

        private static bool IsVariableReference(IOperation operation) =>
            operation is ILocalReferenceOperation or IParameterReferenceOperation;

        private Expr? MemberAccess(IOperation? instance, ISymbol member, ITypeSymbol type)
        {
            // A model's [Parameter] read through 'this': a variable the method is differentiated with respect to.
            if (instance is IInstanceReferenceOperation && IsModelParameter(member))
            {
                return new VarRef(ToTypeRef(type), NameOf(member));
            }

            if (instance is null)
            {
                string owner = member.ContainingType.ToDisplayString(TypeFormat);
                return new Opaque(ToTypeRef(type), owner + "." + EscapeIdentifier(member.Name), EquatableArray<Expr>.Empty);
            }

            Expr? receiver = ConvertExpression(instance);
            if (receiver is null)
            {
                return null;
            }

            return new Opaque(ToTypeRef(type), "{0}." + EscapeIdentifier(member.Name), ImmutableArray.Create(receiver).ToEquatableArray());
        }

        private Expr? ConvertConversion(IConversionOperation conversion)
        {
            Expr? operand = ConvertExpression(conversion.Operand);
            if (operand is null || conversion.Type is null)
            {
                return null;
            }

            TypeRef target = ToTypeRef(conversion.Type);
            if (conversion.Conversion.IsIdentity || operand.Type == target)
            {
                return operand;
            }

            if (conversion.Conversion.IsNumeric && target.Shape == TypeShape.Scalar && operand.Type.Shape == TypeShape.Scalar)
            {
                return new Cast(target, operand);
            }

            if (conversion.IsImplicit && !target.IsFloating)
            {
                // Array to span and similar implicit conversions happen again in the generated code.
                return operand;
            }

            if (conversion.OperatorMethod is null && !target.IsFloating && !operand.Type.IsFloating)
            {
                return new Cast(target, operand);
            }

            return Unsupported(conversion, SourceText(conversion.Syntax), "only numeric conversions are supported on differentiable values");
        }

        private Expr? ConvertInvocation(IInvocationOperation invocation)
        {
            IMethodSymbol target = invocation.TargetMethod;
            string containing = target.ContainingType?.ToDisplayString() ?? string.Empty;
            TypeRef resultType = ToTypeRef(target.ReturnType);

            var arguments = new List<Expr>();
            foreach (IArgumentOperation argument in invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0))
            {
                if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out)
                {
                    return Unsupported(invocation, SourceText(invocation.Syntax), "calls with ref or out arguments are not supported");
                }

                if (argument.ArgumentKind == ArgumentKind.ParamArray)
                {
                    return Unsupported(invocation, SourceText(invocation.Syntax), "params arrays in calls are not supported; pass an array");
                }

                Expr? value = ConvertExpression(argument.Value);
                if (value is null)
                {
                    return null;
                }

                arguments.Add(value);
            }

            if ((containing == "System.Math" || containing == "System.MathF") && DerivativeRules.IsKnown(target.Name, arguments.Count))
            {
                return new MathCall(resultType, containing == "System.Math" ? "global::System.Math" : "global::System.MathF", target.Name, arguments.ToEquatableArray());
            }

            Expr? receiver = null;
            if (invocation.Instance is not null && invocation.Instance is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
            {
                receiver = ConvertExpression(invocation.Instance);
                if (receiver is null)
                {
                    return null;
                }
            }

            bool isDifferentiable = target.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == DifferentiableAttributeName);
            if (isDifferentiable && WrittenArrayParameter(target) is { } written)
            {
                return Unsupported(invocation, SourceText(invocation.Syntax),
                    $"'{target.Name}' writes into its array parameter '{written}', and the derivative of what it writes would not reach this method through the call; return the values instead (or an [Output] span from a void method), or write the loop here");
            }

            if ((resultType.IsFloating || resultType.IsTensor) && !target.IsGenericMethod && target.Parameters.All(p => p.RefKind is RefKind.None or RefKind.In))
            {
                // A call with a floating result: differentiated through the callee's generated gradient, or through a
                // derivative registered with [DerivativeOf] (resolved in the transform; which one exists is checked
                // once activity is known, so calls on constants only need neither).
                var parameters = target.Parameters.Select(p =>
                {
                    TypeRef type = ToTypeRef(p.Type);
                    bool noDerivative = p.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == NoDerivativeAttributeName);
                    return new CalleeParameter(type, (type.IsFloating || type.IsFloatingCollection || type.IsTensor) && !noDerivative);
                }).ToEquatableArray();
                bool sameType = SymbolEqualityComparer.Default.Equals(target.ContainingType, _method.ContainingType);
                if (isDifferentiable && resultType.IsTensor && !target.IsStatic && (!sameType || receiver is not null))
                {
                    return Unsupported(invocation, SourceText(invocation.Syntax),
                        "a [Differentiable] instance method on tensors can be called only on this object (its pullback adds to this object's [Parameter] gradients); make it static and pass the tensors it needs");
                }

                var callee = new CalleeRef(target.ContainingType!.ToDisplayString(TypeFormat), target.Name, target.IsStatic, sameType, parameters, Registrations.KeyOf(target), isDifferentiable);
                var call = new DiffCall(resultType, callee, receiver, arguments.ToEquatableArray());
                _externalCalls.Add((call, target, invocation.Syntax.GetLocation()));
                _callLocations[call] = invocation.Syntax.GetLocation();
                return call;
            }

            // Any other call is a constant to the transform. That is right when its result is not floating (an
            // index, a count, a flag) or when none of its arguments is differentiable; the parser checks the
            // latter once activity is known (ReportUnknownCalls).
            var format = new System.Text.StringBuilder();
            var allArguments = new List<Expr>();
            if (target.IsStatic)
            {
                format.Append(target.ContainingType!.ToDisplayString(TypeFormat)).Append('.');
            }
            else
            {
                allArguments.Add(receiver ?? new Opaque(ToTypeRef(target.ContainingType!), "this", EquatableArray<Expr>.Empty));
                format.Append("{0}.");
            }

            format.Append(EscapeIdentifier(target.Name));
            if (target.IsGenericMethod)
            {
                format.Append('<').Append(string.Join(", ", target.TypeArguments.Select(t => t.ToDisplayString(TypeFormat)))).Append('>');
            }

            format.Append('(');
            for (int i = 0; i < arguments.Count; i++)
            {
                format.Append(i == 0 ? string.Empty : ", ").Append('{').Append(allArguments.Count).Append('}');
                allArguments.Add(arguments[i]);
            }

            format.Append(')');
            var opaque = new Opaque(resultType, format.ToString(), allArguments.ToEquatableArray());
            _unknownCalls.Add((opaque, invocation.Syntax.GetLocation(), target.ContainingType!.Name + "." + target.Name));
            return opaque;
        }

        /// <summary>The arrays whose elements some statement of <paramref name="block"/> assigns.</summary>
        private static HashSet<string> ElementsWritten(Block block)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            void Visit(Block b)
            {
                foreach (Stmt statement in b.Statements)
                {
                    switch (statement)
                    {
                        case Assign { Target: ElementRef element } when IrWalker.RootName(element) is { } root:
                            names.Add(root);
                            break;
                        case If branch:
                            Visit(branch.Then);
                            if (branch.Else is not null)
                            {
                                Visit(branch.Else);
                            }

                            break;
                        case Loop loop:
                            Visit(loop.Body);
                            break;
                    }
                }
            }

            Visit(block);
            return names;
        }

        private void ReportUnknownCalls(Block body, List<ParameterModel> parameters)
        {
            if (_unknownCalls.Count == 0 && _externalCalls.Count == 0 && _collectionAssignments.Count == 0)
            {
                return;
            }

            ActivityAnalysis activity = ActivityAnalysis.Run(body, parameters, _parameterFields.Select(f => f.Name));
            HashSet<string>? elementsWritten = null;
            foreach ((Assign assign, Location location, bool inLoop) in _collectionAssignments)
            {
                bool carriesDerivatives = activity.IsActiveName(((VarRef)assign.Target).Name) ||
                                          IrWalker.DescendantsAndSelf(assign.Value).Any(activity.IsActiveCollection);
                if (!carriesDerivatives)
                {
                    // Two variables for one array: the reverse sweep tracks writes by variable, so a write through
                    // one would go unseen by code reading the other. Refused when either variable's elements are written.
                    var shared = IrWalker.DescendantsAndSelf(assign.Value).OfType<VarRef>().Where(v => v.Type.IsCollection).Select(v => v.Name).ToList();
                    if (assign.Value is not NewArray && shared.Count > 0)
                    {
                        elementsWritten ??= ElementsWritten(body);
                        shared.Add(((VarRef)assign.Target).Name);
                        if (shared.Any(elementsWritten.Contains))
                        {
                            Report(DiagnosticDescriptors.UnsupportedConstruct, location, assign.Source,
                                "two array variables that refer to the same array cannot have their elements written in a [Differentiable] method yet (the derivative would miss the writes made through the other variable): copy the array element by element, or use one variable");
                        }
                    }

                    continue;
                }

                if (assign.Value is not NewArray)
                {
                    Report(DiagnosticDescriptors.UnsupportedConstruct, location, assign.Source,
                        "an array or span that carries derivatives can only be created with new T[n]; aliasing another array or span, a slice of one, or choosing one with ?: is not supported yet: index the original instead");
                }
                else if (inLoop)
                {
                    Report(DiagnosticDescriptors.UnsupportedConstruct, location, assign.Source,
                        "an array that carries derivatives cannot be allocated inside a loop yet; allocate it once before the loop and overwrite its elements");
                }
            }

            foreach ((Expr call, Location location, string callee) in _unknownCalls)
            {
                var opaque = (Opaque)call;
                if (opaque.Type.IsFloatingCollection && opaque.Arguments.Any(activity.IsActiveCollection))
                {
                    Report(DiagnosticDescriptors.UnsupportedConstruct, location, callee,
                        "a view or slice of an array that carries derivatives (AsSpan, Slice, …) is not supported yet; pass the whole array and an offset");
                    continue;
                }

                if (opaque.Type.Name == "void" && opaque.Arguments.Any(a => activity.IsActive(a) || activity.IsActiveCollection(a)))
                {
                    Report(DiagnosticDescriptors.UnknownDerivative, location, callee, "a method that returns void cannot have a derivative; return the value instead");
                }
            }

            foreach ((DiffCall call, IMethodSymbol target, Location location) in _externalCalls)
            {
                if (activity.IsActive(call))
                {
                    // Which derivative applies (registered, or the generated gradient) is known only with the
                    // registration table: the diagnostics step decides, using which arguments are differentiable.
                    _pendingCalls.Add(new PendingCall(
                        call.Callee.Key,
                        LocationInfo.From(location),
                        Registrations.Display(target),
                        Registrations.SuggestedSignature(target),
                        call.Callee.IsDifferentiable && !Registrations.UsesTensors(target),
                        call.Callee.Parameters.Select(p => p.IsDifferentiable).ToEquatableArray(),
                        call.Arguments.Select(a => activity.IsActive(a) || activity.IsActiveCollection(a)).ToEquatableArray(),
                        target.Parameters.Select(p => p.Name).ToEquatableArray()));
                }
            }
        }

        // ---------------------------------------------------------------- helpers

        private void RegisterLocals(ImmutableArray<ILocalSymbol> locals)
        {
            foreach (ILocalSymbol local in locals)
            {
                // A const local is folded into the expressions that read it; it needs no variable.
                if (!local.IsConst && !_names.ContainsKey(local))
                {
                    string name = Reserve(local, local.Name);
                    _locals.Add(new LocalModel(name, ToTypeRef(local.Type)));
                }
            }
        }

        private string Reserve(ISymbol symbol, string name)
        {
            string unique = name;
            int suffix = 2;
            while (!_usedNames.Add(unique))
            {
                unique = name + "_" + suffix++;
            }

            _names[symbol] = unique;
            return unique;
        }

        private string NameOf(ISymbol symbol)
        {
            if (_names.TryGetValue(symbol, out string? name))
            {
                return name;
            }

            // A local the block lists did not mention (pattern variables and the like).
            string reserved = Reserve(symbol, symbol.Name);
            if (symbol is ILocalSymbol local)
            {
                _locals.Add(new LocalModel(reserved, ToTypeRef(local.Type)));
            }

            return reserved;
        }

        private string Fresh(string name)
        {
            string candidate = name;
            while (!_usedNames.Add(candidate))
            {
                candidate = name + (++_syntheticCounter).ToString(CultureInfo.InvariantCulture);
            }

            _locals.Add(new LocalModel(candidate, TypeRef.Int));
            return candidate;
        }

        private Expr? Report(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
        {
            _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));
            if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
            {
                _hasErrors = true;
            }

            return null;
        }

        /// <summary>
        /// The first array or span parameter that a [Differentiable] callee in this compilation writes elements of
        /// (<c>p[i] = …</c>, <c>p[i] += …</c>, <c>p[i]++</c>), ignoring its [Output] span; null if none (or no source).
        /// </summary>
        private static string? WrittenArrayParameter(IMethodSymbol callee)
        {
            var candidates = new HashSet<string>(callee.Parameters
                .Where(p => ToTypeRef(p.Type).Shape is TypeShape.Array or TypeShape.Span &&
                            !p.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == OutputAttributeName))
                .Select(p => p.Name), StringComparer.Ordinal);
            if (candidates.Count == 0)
            {
                return null;
            }

            foreach (SyntaxReference reference in callee.DeclaringSyntaxReferences)
            {
                foreach (SyntaxNode node in reference.GetSyntax().DescendantNodes())
                {
                    ExpressionSyntax? written = node switch
                    {
                        AssignmentExpressionSyntax assignment => assignment.Left,
                        PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression) => postfix.Operand,
                        PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression) => prefix.Operand,
                        _ => null,
                    };
                    if (written is ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax array } && candidates.Contains(array.Identifier.ValueText))
                    {
                        return array.Identifier.ValueText;
                    }
                }
            }

            return null;
        }

        private Expr? Unsupported(IOperation operation, string what, string why) =>
            Report(DiagnosticDescriptors.UnsupportedConstruct, operation.Syntax.GetLocation(), Shorten(what), why);

        private static string Describe(IOperation operation) => operation.Syntax switch
        {
            SwitchStatementSyntax => "switch",
            LockStatementSyntax => "lock",
            UsingStatementSyntax => "using",
            _ => operation.Kind.ToString(),
        };

        internal static TypeRef ToTypeRef(ITypeSymbol type)
        {
            string name = type.ToDisplayString(TypeFormat);
            switch (type)
            {
                case IArrayTypeSymbol { Rank: 1 } array:
                    return new TypeRef(name, TypeShape.Array, KindOf(array.ElementType));
                case INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic
                    when generic.ContainingNamespace?.ToDisplayString() == "System" && (generic.Name == "Span" || generic.Name == "ReadOnlySpan"):
                    return new TypeRef(name, generic.Name == "Span" ? TypeShape.Span : TypeShape.ReadOnlySpan, KindOf(generic.TypeArguments[0]));
                case INamedTypeSymbol { Name: "Tensor", ContainingNamespace: { Name: "AutoDiff", ContainingNamespace.IsGlobalNamespace: true } }:
                    return TypeRef.Tensor;
                default:
                    ScalarKind kind = KindOf(type);
                    return kind == ScalarKind.Other ? new TypeRef(name, TypeShape.Other, ScalarKind.Other) : TypeRef.Scalar(kind);
            }
        }

        private static ScalarKind KindOf(ITypeSymbol type) => type is INamedTypeSymbol { Name: "Tensor", ContainingNamespace: { Name: "AutoDiff", ContainingNamespace.IsGlobalNamespace: true } }
            ? ScalarKind.Tensor
            : type.SpecialType switch
        {
            SpecialType.System_Double => ScalarKind.Double,
            SpecialType.System_Single => ScalarKind.Float,
            SpecialType.System_Int32 => ScalarKind.Int,
            SpecialType.System_Int64 => ScalarKind.Long,
            SpecialType.System_Boolean => ScalarKind.Bool,
            _ => ScalarKind.Other,
        };

        private static string? FormatConstant(object? value, ITypeSymbol type)
        {
            switch (value)
            {
                case double d:
                    if (double.IsNaN(d))
                    {
                        return "double.NaN";
                    }

                    if (double.IsInfinity(d))
                    {
                        return d > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
                    }

                    return d.ToString("R", CultureInfo.InvariantCulture) + "d";
                case float f:
                    if (float.IsNaN(f))
                    {
                        return "float.NaN";
                    }

                    if (float.IsInfinity(f))
                    {
                        return f > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
                    }

                    return f.ToString("R", CultureInfo.InvariantCulture) + "f";
                case int i:
                    return i.ToString(CultureInfo.InvariantCulture);
                case long l:
                    return l.ToString(CultureInfo.InvariantCulture) + "L";
                case bool b:
                    return b ? "true" : "false";
                case string s:
                    return SymbolDisplay.FormatLiteral(s, quote: true).Replace("{", "{{").Replace("}", "}}");
                default:
                    return type.SpecialType == SpecialType.System_Object && value is null ? "null" : null;
            }
        }

        private static string? BinaryOperatorText(BinaryOperatorKind kind) => kind switch
        {
            BinaryOperatorKind.Add => "+",
            BinaryOperatorKind.Subtract => "-",
            BinaryOperatorKind.Multiply => "*",
            BinaryOperatorKind.Divide => "/",
            BinaryOperatorKind.Remainder => "%",
            BinaryOperatorKind.LessThan => "<",
            BinaryOperatorKind.LessThanOrEqual => "<=",
            BinaryOperatorKind.GreaterThan => ">",
            BinaryOperatorKind.GreaterThanOrEqual => ">=",
            BinaryOperatorKind.Equals => "==",
            BinaryOperatorKind.NotEquals => "!=",
            BinaryOperatorKind.ConditionalAnd => "&&",
            BinaryOperatorKind.ConditionalOr => "||",
            BinaryOperatorKind.And => "&",
            BinaryOperatorKind.Or => "|",
            BinaryOperatorKind.ExclusiveOr => "^",
            BinaryOperatorKind.LeftShift => "<<",
            BinaryOperatorKind.RightShift => ">>",
            _ => null,
        };

        internal static string AccessibilityText(Accessibility accessibility) => accessibility switch
        {
            Accessibility.Public => "public",
            Accessibility.Internal => "internal",
            Accessibility.Protected => "protected",
            Accessibility.ProtectedOrInternal => "protected internal",
            Accessibility.ProtectedAndInternal => "private protected",
            _ => "private",
        };

        private static string EscapeIdentifier(string name) => Identifiers.Escape(name);

        private static string SourceText(SyntaxNode node)
        {
            string text = node.ToString();
            return string.Join(" ", text.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        }

        /// <summary>The first line of a compound statement (<c>for (…)</c>, <c>if (…)</c>) for comments.</summary>
        private static string HeaderText(SyntaxNode node) => node switch
        {
            ForStatementSyntax f => $"for ({f.Declaration?.ToString() ?? string.Join(", ", f.Initializers)}; {f.Condition}; {string.Join(", ", f.Incrementors)})",
            ForEachStatementSyntax e => $"foreach ({e.Type} {e.Identifier} in {e.Expression})",
            WhileStatementSyntax w => $"while ({w.Condition})",
            DoStatementSyntax d => $"do … while ({d.Condition})",
            IfStatementSyntax i => $"if ({i.Condition})",
            _ => Shorten(SourceText(node)),
        };

        private static string Shorten(string text) => text.Length <= 80 ? text : text.Substring(0, 77) + "...";

        private static string StableHash(string text)
        {
            uint hash = 2166136261;
            foreach (char c in text)
            {
                hash = unchecked((hash ^ c) * 16777619);
            }

            return hash.ToString("x8", CultureInfo.InvariantCulture);
        }
    }
}
