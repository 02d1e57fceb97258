namespace Emend.Models.Generation;

/// <summary>How <see cref="TextGeneration.Generate"/> decodes.</summary>
public sealed record GenerationOptions
{
    public int MaxNewTokens { get; init; } = 32;

    public SamplingOptions Sampling { get; init; } = SamplingOptions.Greedy;

    /// <summary>A sequence ends after emitting one of these (it is kept in the output), e.g. the spec's EOS ids.</summary>
    public IReadOnlyCollection<int> StopTokens { get; init; } = [];

    /// <summary>Also return the logits each new token was chosen from ([new tokens, vocabulary] per sequence).</summary>
    public bool ReturnStepLogits { get; init; }
}
