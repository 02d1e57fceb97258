namespace Emend.Models.Runtime;

/// <summary>What a forward pass computes besides the residual stream, and what it changes.</summary>
public sealed record ForwardOptions
{
    public static ForwardOptions Default { get; } = new();

    /// <summary>Batch rows whose logits are computed (null = every row). Scoring asks only for the rows it reads,
    /// which skips most of the vocabulary projection.</summary>
    public IReadOnlyList<int>? LogitRows { get; init; }

    /// <summary>Return the residual stream at every row: index 0 = embeddings, i = output of block i−1, and
    /// Layers+1 = the final norm's output (Hugging Face's <c>hidden_states</c> convention).</summary>
    public bool HiddenStates { get; init; }

    public IReadOnlyList<ActivationCapture> Captures { get; init; } = [];

    public IReadOnlyList<Intervention> Interventions { get; init; } = [];

    /// <summary>
    /// Keep every layer's activations so that
    /// <see cref="Transformer.Backward(ForwardResult, ReadOnlySpan{float}, IEnumerable{ModelParameter})"/> can follow.
    /// </summary>
    public bool KeepForBackward { get; init; }
}
