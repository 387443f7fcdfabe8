namespace AutoDiff.Optimizers;

/// <summary>Something that exposes trainable tensors to optimizers and checkpoints: a model or a layer.</summary>
public interface IParameterSet
{
    /// <summary>Gets the trainable tensors, always in the same order, with unique names.</summary>
    IReadOnlyList<ParameterSlot> Parameters { get; }
}
