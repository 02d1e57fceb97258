namespace Emend.Models.Architecture;

/// <summary>What a weight does in the generic transformer loop; <see cref="TensorNameMap"/> maps it to an HF name.</summary>
public enum TensorRole
{
    TokenEmbedding,
    PositionEmbedding,
    AttentionNorm,
    MlpNorm,
    FusedQkv,
    Query,
    Key,
    Value,
    AttentionOut,
    MlpGate,

    /// <summary>The MLP input projection (the "up" of a gated MLP, or c_fc / fc_in / dense_h_to_4h).</summary>
    MlpUp,

    /// <summary>The MLP output projection whose input is the "key" that ROME/MEMIT edit.</summary>
    MlpDown,
    FinalNorm,
    LmHead,
}
