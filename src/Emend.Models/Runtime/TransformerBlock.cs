namespace Emend.Models.Runtime;

/// <summary>
/// The weights of one block, already resolved from the checkpoint by the spec's tensor-name map. Exactly one of
/// <see cref="QueryKeyValue"/> (a fused projection) or the three separate projections is set; <see cref="Gate"/> is
/// set for gated-SiLU MLPs; <see cref="PostAttentionNorm"/> is null when attention and MLP share one norm (GPT-J).
/// Editing methods reach the matrices they change here (for example <see cref="Down"/>, the MLP down-projection).
/// </summary>
public sealed record TransformerBlock(
    int Index,
    NormWeights InputNorm,
    NormWeights? PostAttentionNorm,
    LinearWeight? QueryKeyValue,
    LinearWeight? Query,
    LinearWeight? Key,
    LinearWeight? Value,
    LinearWeight AttentionOutput,
    LinearWeight Up,
    LinearWeight? Gate,
    LinearWeight Down);
