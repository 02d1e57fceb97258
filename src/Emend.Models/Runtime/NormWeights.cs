namespace Emend.Models.Runtime;

/// <summary>The gain (and, for LayerNorm, the bias) of one normalisation layer.</summary>
public sealed record NormWeights(ModelParameter Weight, ModelParameter? Bias);
