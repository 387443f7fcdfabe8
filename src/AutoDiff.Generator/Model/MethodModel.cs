namespace AutoDiff.Generator.Model;

/// <summary>One containing type, written as its declaration header needs it (<c>partial class Outer&lt;T&gt;</c>).</summary>
internal sealed record TypeDeclaration(string Keyword, string NameWithTypeParameters);

/// <summary>The namespace and the chain of containing types (outermost first) to re-open as <c>partial</c>.</summary>
internal sealed record HierarchyInfo(string? Namespace, EquatableArray<TypeDeclaration> Types)
{
    /// <summary>A file-name-safe name for hint names: <c>Outer.Inner</c>.</summary>
    public string FileNamePrefix
    {
        get
        {
            var parts = new System.Collections.Generic.List<string>();
            foreach (TypeDeclaration type in Types)
            {
                string name = type.NameWithTypeParameters;
                int angle = name.IndexOf('<');
                parts.Add(angle < 0 ? name : name.Substring(0, angle) + "`" + name.Split(',').Length);
            }

            return (Namespace is null ? string.Empty : Namespace + ".") + string.Join(".", parts);
        }
    }
}

/// <summary>A parameter of the user's method.</summary>
/// <param name="Name">The parameter name.</param>
/// <param name="Type">Its type as the transform sees it.</param>
/// <param name="Declaration">The parameter as written in the gradient signature (modifiers, type, name).</param>
/// <param name="IsDifferentiable">True when it gets a gradient output.</param>
/// <param name="GradientName">The name of its gradient output, when differentiable.</param>
/// <param name="IsOutput">True for the <c>[Output]</c> span of a method with a vector result.</param>
internal sealed record ParameterModel(string Name, TypeRef Type, string Declaration, bool IsDifferentiable, string? GradientName, bool IsOutput = false);

/// <summary>
/// Everything the transform and the emitter need to know about one <c>[Differentiable]</c> method, as values.
/// <see cref="Body"/> is null when the method cannot be differentiated; then <see cref="StubReason"/> says why and
/// the emitter writes a gradient method that throws, so callers still compile while the AD error is shown.
/// </summary>
internal sealed record MethodModel(
    HierarchyInfo Hierarchy,
    string Name,
    string Accessibility,
    bool IsStatic,
    TypeRef ReturnType,
    string ParameterListText,
    EquatableArray<ParameterModel> Parameters,
    EquatableArray<LocalModel> Locals,
    Block? Body,
    string? StubReason,
    int FirstLine,
    int LastLine,
    string FileName,
    string HintName,
    int Modes,
    EquatableArray<LocalModel> ParameterFields,
    string? TensorKey = null)
{
    /// <summary>
    /// True for a method that returns a tensor: it gets a recording forward (<c>MForward</c>) and a pullback
    /// (<c>MReverse</c>) instead of <c>MGradient</c>, and callers use them like any registered pullback.
    /// </summary>
    public bool IsSplit => TensorKey is not null;

    /// <summary>The pullback registration that callers of a tensor method use (see <see cref="IsSplit"/>).</summary>
    public DerivativeRegistration? SplitRegistration
    {
        get
        {
            if (TensorKey is null)
            {
                return null;
            }

            string owner = IsStatic ? QualifiedTypeName + "." : string.Empty;
            var gradients = new bool[Parameters.Count];
            for (int i = 0; i < gradients.Length; i++)
            {
                gradients[i] = Parameters[i].IsDifferentiable;
            }

            return new DerivativeRegistration(TensorKey, owner + Name + "Reverse", gradients.ToEquatableArray(), IsPullback: true, ForwardMethod: owner + Name + "Forward");
        }
    }

    /// <summary>The containing type as <c>global::NS.Outer.Inner</c> (without type parameters).</summary>
    public string QualifiedTypeName
    {
        get
        {
            var parts = new System.Collections.Generic.List<string>();
            foreach (TypeDeclaration type in Hierarchy.Types)
            {
                string name = type.NameWithTypeParameters;
                int angle = name.IndexOf('<');
                parts.Add(angle < 0 ? name : name.Substring(0, angle));
            }

            return "global::" + (Hierarchy.Namespace is null ? string.Empty : Hierarchy.Namespace + ".") + string.Join(".", parts);
        }
    }

    /// <summary>True when <paramref name="name"/> is one of the model's <c>[Parameter]</c> members.</summary>
    public bool IsModelParameter(string name)
    {
        foreach (LocalModel field in ParameterFields)
        {
            if (field.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    public const int Reverse = 1;
    public const int Forward = 2;
    public const int SecondOrder = 4;

    public bool HasForward => (Modes & Forward) != 0;

    public bool HasSecondOrder => (Modes & SecondOrder) != 0;

    /// <summary>The <c>[Output]</c> parameter of a method with a vector result; null for a scalar result.</summary>
    public ParameterModel? Output
    {
        get
        {
            foreach (ParameterModel parameter in Parameters)
            {
                if (parameter.IsOutput)
                {
                    return parameter;
                }
            }

            return null;
        }
    }

    public string GradientName => Name + "Gradient";
}

/// <summary>What parsing one method produced: a model (or none, for code with compile errors) and diagnostics.</summary>
internal sealed record ParseResult(MethodModel? Model, EquatableArray<DiagnosticInfo> Diagnostics, EquatableArray<PendingCall> PendingCalls);

/// <summary>
/// A call with a differentiable argument to a method that is not <c>[Differentiable]</c>: fine if a derivative is
/// registered for it (<see cref="Key"/>), an AD0009 error at <see cref="Location"/> otherwise.
/// </summary>
/// <param name="CalleeIsDifferentiable">The callee is <c>[Differentiable]</c> (its generated gradient is the fallback).</param>
/// <param name="CalleeGradients">Which of its parameters its generated gradient differentiates.</param>
/// <param name="ActiveArguments">Which arguments carry derivatives at this call.</param>
/// <param name="ParameterNames">The callee's parameter names, for messages.</param>
internal sealed record PendingCall(
    string Key,
    LocationInfo? Location,
    string Callee,
    string SuggestedSignature,
    bool CalleeIsDifferentiable,
    EquatableArray<bool> CalleeGradients,
    EquatableArray<bool> ActiveArguments,
    EquatableArray<string> ParameterNames);
