namespace Emend.Models.Generation;

/// <summary>The new tokens of each prompt (a stop token, when one ended the sequence, is the last of them).</summary>
public sealed record GenerationResult(IReadOnlyList<int[]> Tokens, IReadOnlyList<float[]>? StepLogits, IReadOnlyList<bool> Stopped);
