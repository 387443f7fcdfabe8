namespace AutoDiff.Optimizers;

/// <summary>
/// Parameters that share one set of hyper-parameters inside an optimizer, like a PyTorch <c>param_group</c>.
/// </summary>
/// <remarks>
/// The learning rate is kept apart from the optimizer-specific options because schedules change it while training;
/// <see cref="InitialLearningRate"/> keeps the value the group started with (PyTorch's <c>initial_lr</c>), from
/// which schedules compute.
/// </remarks>
public abstract class ParameterGroup
{
    private protected ParameterGroup(IReadOnlyList<ParameterSlot> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be zero or positive.");
        }

        Parameters = parameters.ToArray();
        LearningRate = learningRate;
        InitialLearningRate = learningRate;
    }

    /// <summary>Gets the parameters of this group.</summary>
    public IReadOnlyList<ParameterSlot> Parameters { get; }

    /// <summary>Gets or sets the learning rate used by the next step; schedules set it.</summary>
    public double LearningRate { get; set; }

    /// <summary>Gets the learning rate the group was created with; schedules scale it.</summary>
    public double InitialLearningRate { get; }
}

/// <summary>A parameter group with its optimizer-specific hyper-parameters.</summary>
/// <typeparam name="TOptions">The optimizer's options type.</typeparam>
public sealed class ParameterGroup<TOptions> : ParameterGroup
    where TOptions : OptimizerOptions
{
    /// <summary>Creates a group; its learning rate starts at <see cref="OptimizerOptions.LearningRate"/>.</summary>
    /// <param name="parameters">The parameters in the group.</param>
    /// <param name="options">The hyper-parameters of the group.</param>
    public ParameterGroup(IReadOnlyList<ParameterSlot> parameters, TOptions options)
        : base(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate)
    {
        options.Validate();
        Options = options;
    }

    /// <summary>Gets the hyper-parameters of the group (the learning rate lives in <see cref="ParameterGroup.LearningRate"/>).</summary>
    public TOptions Options { get; }
}
