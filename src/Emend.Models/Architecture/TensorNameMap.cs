using System.Globalization;

namespace Emend.Models.Architecture;

/// <summary>
/// HF module names of each <see cref="TensorRole"/>, as patterns in which <c>{layer}</c> stands for the block index;
/// a tensor's name is the module name plus <c>.weight</c> or <c>.bias</c>. A role an architecture lacks is null.
/// The presets spell the names exactly as <c>save_pretrained</c> writes them.
/// </summary>
public sealed record TensorNameMap(
    string TokenEmbedding,
    string? PositionEmbedding,
    string AttentionNorm,
    string? MlpNorm,
    string? FusedQkv,
    string? Query,
    string? Key,
    string? Value,
    string AttentionOut,
    string? MlpGate,
    string MlpUp,
    string MlpDown,
    string FinalNorm,
    string LmHead)
{
    public const string LayerPlaceholder = "{layer}";

    public static TensorNameMap Gpt2 { get; } = new(
        "transformer.wte", "transformer.wpe", "transformer.h.{layer}.ln_1", "transformer.h.{layer}.ln_2",
        "transformer.h.{layer}.attn.c_attn", null, null, null, "transformer.h.{layer}.attn.c_proj",
        null, "transformer.h.{layer}.mlp.c_fc", "transformer.h.{layer}.mlp.c_proj", "transformer.ln_f", "lm_head");

    public static TensorNameMap GptJ { get; } = new(
        "transformer.wte", null, "transformer.h.{layer}.ln_1", null,
        null, "transformer.h.{layer}.attn.q_proj", "transformer.h.{layer}.attn.k_proj", "transformer.h.{layer}.attn.v_proj",
        "transformer.h.{layer}.attn.out_proj",
        null, "transformer.h.{layer}.mlp.fc_in", "transformer.h.{layer}.mlp.fc_out", "transformer.ln_f", "lm_head");

    public static TensorNameMap GptNeoX { get; } = new(
        "gpt_neox.embed_in", null, "gpt_neox.layers.{layer}.input_layernorm", "gpt_neox.layers.{layer}.post_attention_layernorm",
        "gpt_neox.layers.{layer}.attention.query_key_value", null, null, null, "gpt_neox.layers.{layer}.attention.dense",
        null, "gpt_neox.layers.{layer}.mlp.dense_h_to_4h", "gpt_neox.layers.{layer}.mlp.dense_4h_to_h",
        "gpt_neox.final_layer_norm", "embed_out");

    /// <summary>Llama, and the architectures that kept its names: Mistral, Qwen2.</summary>
    public static TensorNameMap Llama { get; } = new(
        "model.embed_tokens", null, "model.layers.{layer}.input_layernorm", "model.layers.{layer}.post_attention_layernorm",
        null, "model.layers.{layer}.self_attn.q_proj", "model.layers.{layer}.self_attn.k_proj", "model.layers.{layer}.self_attn.v_proj",
        "model.layers.{layer}.self_attn.o_proj",
        "model.layers.{layer}.mlp.gate_proj", "model.layers.{layer}.mlp.up_proj", "model.layers.{layer}.mlp.down_proj",
        "model.norm", "lm_head");

    /// <summary>The module name pattern of a role, or null when the architecture has no such module.</summary>
    public string? Pattern(TensorRole role) => role switch
    {
        TensorRole.TokenEmbedding => TokenEmbedding,
        TensorRole.PositionEmbedding => PositionEmbedding,
        TensorRole.AttentionNorm => AttentionNorm,
        TensorRole.MlpNorm => MlpNorm,
        TensorRole.FusedQkv => FusedQkv,
        TensorRole.Query => Query,
        TensorRole.Key => Key,
        TensorRole.Value => Value,
        TensorRole.AttentionOut => AttentionOut,
        TensorRole.MlpGate => MlpGate,
        TensorRole.MlpUp => MlpUp,
        TensorRole.MlpDown => MlpDown,
        TensorRole.FinalNorm => FinalNorm,
        TensorRole.LmHead => LmHead,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    /// <summary>The module name of <paramref name="role"/> in block <paramref name="layer"/> (ignored for global roles).</summary>
    /// <exception cref="InvalidOperationException">The architecture has no module for this role.</exception>
    public string Module(TensorRole role, int layer = 0) =>
        (Pattern(role) ?? throw new InvalidOperationException($"this architecture has no {role} tensor"))
        .Replace(LayerPlaceholder, layer.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>e.g. <c>Weight(TensorRole.MlpDown, 1)</c> = <c>transformer.h.1.mlp.c_proj.weight</c> for GPT-2.</summary>
    public string Weight(TensorRole role, int layer = 0) => Module(role, layer) + ".weight";

    public string Bias(TensorRole role, int layer = 0) => Module(role, layer) + ".bias";
}
