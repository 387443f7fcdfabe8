using System.Globalization;
using AutoDiff.Checkpoints;

namespace AutoDiff.Optimizers;

/// <summary>
/// Base of all optimizers: holds the parameter groups, the step counter and the per-parameter state buffers, and
/// saves and restores them in checkpoints.
/// </summary>
/// <remarks>
/// <para>
/// Every state buffer is created in the constructor, so <see cref="Step"/> allocates nothing. PyTorch creates its
/// state lazily on the first step; the values are the same because the first step of every rule below starts from
/// the documented initial state (zeros, or the initial accumulator value).
/// </para>
/// <para>
/// Each optimizer follows PyTorch's documented rule and the order of operations of its single-tensor float32 path.
/// Results agree with PyTorch to float32 rounding, not bit for bit: PyTorch's vectorised CPU kernels fuse some
/// multiply-adds, ours never do (so that the vector body and the scalar tail agree exactly).
/// </para>
/// <para>
/// Unlike PyTorch, which skips parameters whose gradient is <c>None</c>, every parameter is updated on every step,
/// so one step counter serves all parameters. Gradients are read, never modified.
/// </para>
/// </remarks>
public abstract class Optimizer : ICheckpointState
{
    private readonly List<StateBuffer> _stateBuffers = [];

    private protected Optimizer(IReadOnlyList<ParameterGroup> groups)
    {
        if (groups.Count == 0)
        {
            throw new ArgumentException("An optimizer needs at least one parameter group.", nameof(groups));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ParameterGroup group in groups)
        {
            foreach (ParameterSlot parameter in group.Parameters)
            {
                if (!names.Add(parameter.Name))
                {
                    throw new ArgumentException($"Parameter '{parameter.Name}' appears more than once; names must be unique.", nameof(groups));
                }
            }
        }

        BaseGroups = groups;
    }

    /// <summary>Gets the number of steps taken so far (PyTorch's <c>state['step']</c>); the next step is number <c>StepCount + 1</c>.</summary>
    public long StepCount { get; private set; }

    /// <summary>Gets the parameter groups, whose learning rates schedules adjust.</summary>
    public IReadOnlyList<ParameterGroup> BaseGroups { get; }

    /// <summary>Updates every parameter from its current gradient, then increments <see cref="StepCount"/>.</summary>
    public void Step()
    {
        long step = StepCount + 1;
        StepCore(step);
        StepCount = step;
    }

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGradients()
    {
        // Indexed loops: a foreach over IReadOnlyList allocates an enumerator, and this runs every step.
        for (int g = 0; g < BaseGroups.Count; g++)
        {
            IReadOnlyList<ParameterSlot> parameters = BaseGroups[g].Parameters;
            for (int p = 0; p < parameters.Count; p++)
            {
                parameters[p].Gradient.Span.Clear();
            }
        }
    }

    /// <summary>Applies update number <paramref name="step"/> (1 for the first) to every group.</summary>
    /// <param name="step">The 1-based number of this step, used for bias correction and first-step rules.</param>
    protected abstract void StepCore(long step);

    /// <summary>Creates a state buffer for one parameter and registers it for checkpoints.</summary>
    /// <param name="parameter">The parameter the buffer belongs to.</param>
    /// <param name="kind">The state's name in checkpoints, PyTorch's key where there is one (for example <c>exp_avg</c>).</param>
    /// <param name="initialValue">The value every element starts with.</param>
    /// <returns>The buffer, as long as the parameter.</returns>
    protected float[] CreateState(ParameterSlot parameter, string kind, float initialValue = 0f)
    {
        var buffer = new float[parameter.Length];
        if (initialValue != 0f)
        {
            buffer.AsSpan().Fill(initialValue);
        }

        _stateBuffers.Add(new StateBuffer(parameter, kind, buffer));
        return buffer;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Writes <c>optimizer.type</c>, <c>optimizer.step</c> and each group's learning rate as metadata, and each state
    /// buffer as a tensor named <c>optimizer.{parameter}.{kind}</c> with its parameter's shape.
    /// </remarks>
    public void SaveState(CheckpointWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.AddMetadata("optimizer.type", GetType().Name);
        writer.AddMetadata("optimizer.step", StepCount.ToString(CultureInfo.InvariantCulture));
        writer.AddMetadata("optimizer.groups", BaseGroups.Count.ToString(CultureInfo.InvariantCulture));
        for (int i = 0; i < BaseGroups.Count; i++)
        {
            writer.AddMetadata(GroupLearningRateKey(i), BaseGroups[i].LearningRate.ToString("R", CultureInfo.InvariantCulture));
        }

        foreach (StateBuffer state in _stateBuffers)
        {
            writer.AddTensor(StateTensorName(state), state.Parameter.Shape, state.Buffer);
        }
    }

    /// <inheritdoc/>
    public void StageLoad(CheckpointReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string type = reader.GetMetadata("optimizer.type");
        if (type != GetType().Name)
        {
            throw new CheckpointException($"The checkpoint holds {type} state, not {GetType().Name} state.");
        }

        long step = reader.GetInt64("optimizer.step");
        long groupCount = reader.GetInt64("optimizer.groups");
        if (step < 0 || groupCount != BaseGroups.Count)
        {
            throw new CheckpointException(
                $"The checkpoint's optimizer has step {step} and {groupCount} groups; this optimizer has {BaseGroups.Count} groups.");
        }

        var learningRates = new double[BaseGroups.Count];
        for (int i = 0; i < learningRates.Length; i++)
        {
            learningRates[i] = reader.GetDouble(GroupLearningRateKey(i));
        }

        foreach (StateBuffer state in _stateBuffers)
        {
            reader.StageTensor(StateTensorName(state), state.Parameter.Shape, state.Buffer);
        }

        reader.StageCommit(() =>
        {
            StepCount = step;
            for (int i = 0; i < learningRates.Length; i++)
            {
                BaseGroups[i].LearningRate = learningRates[i];
            }
        });
    }

    private static string GroupLearningRateKey(int group) => $"optimizer.group.{group}.lr";

    private static string StateTensorName(StateBuffer state) => $"optimizer.{state.Parameter.Name}.{state.Kind}";

    private sealed record StateBuffer(ParameterSlot Parameter, string Kind, float[] Buffer);
}

/// <summary>An optimizer whose groups carry hyper-parameters of type <typeparamref name="TOptions"/>.</summary>
/// <typeparam name="TOptions">The optimizer's options type.</typeparam>
public abstract class Optimizer<TOptions> : Optimizer
    where TOptions : OptimizerOptions
{
    /// <summary>Creates the optimizer over one or more parameter groups.</summary>
    /// <param name="groups">The groups, each with its own hyper-parameters.</param>
    protected Optimizer(IEnumerable<ParameterGroup<TOptions>> groups)
        : this((groups ?? throw new ArgumentNullException(nameof(groups))).ToArray())
    {
    }

    private Optimizer(ParameterGroup<TOptions>[] groups)
        : base(groups)
    {
        Groups = groups;
    }

    /// <summary>Gets the parameter groups with their hyper-parameters.</summary>
    public IReadOnlyList<ParameterGroup<TOptions>> Groups { get; }
}
