namespace Emend.Models.Architecture;

/// <summary>
/// Which projections carry a bias. Norm biases follow from <see cref="NormKind"/> (LayerNorm has one, RMSNorm not).
/// </summary>
/// <param name="Qkv">query/key/value (or the fused qkv) projections.</param>
/// <param name="AttentionOut">the attention output projection.</param>
/// <param name="Mlp">the MLP projections (gate, up, down).</param>
/// <param name="LmHead">the output projection to the vocabulary (GPT-J).</param>
public sealed record BiasSpec(bool Qkv, bool AttentionOut, bool Mlp, bool LmHead);
