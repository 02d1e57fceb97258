namespace Emend.Models.Architecture;

/// <summary>
/// Everything the single generic transformer loop needs to run a checkpoint: sizes, and the handful of choices in
/// which GPT-2, GPT-J, GPT-NeoX, Llama, Mistral and Qwen2 differ. An architecture is this data, not a subclass:
/// supporting another model type means mapping its config here (<see cref="HfConfig"/>), not writing a new loop.
/// </summary>
public sealed partial record TransformerSpec
{
    /// <summary>HF <c>model_type</c> the spec came from (gpt2, gptj, gpt_neox, llama, mistral, qwen2).</summary>
    public required string ModelType { get; init; }

    public required int VocabSize { get; init; }

    public required int HiddenSize { get; init; }

    public required int LayerCount { get; init; }

    /// <summary>Query heads.</summary>
    public required int HeadCount { get; init; }

    /// <summary>Key/value heads; fewer than <see cref="HeadCount"/> under grouped-query attention (query head i uses kv head i / (heads / kvHeads)).</summary>
    public required int KvHeadCount { get; init; }

    public required int HeadDim { get; init; }

    /// <summary>Width of the MLP hidden layer (the "key" dimension of ROME/MEMIT).</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Longest sequence the model was configured for (the learned position table size for GPT-2).</summary>
    public required int MaxPositions { get; init; }

    public required NormKind Norm { get; init; }

    public required double NormEpsilon { get; init; }

    public required ActivationKind Activation { get; init; }

    public required MlpKind Mlp { get; init; }

    public required PositionScheme Position { get; init; }

    /// <summary>Rotary parameters; null for <see cref="PositionScheme.LearnedAbsolute"/>.</summary>
    public required RotarySpec? Rotary { get; init; }

    public required ResidualKind Residual { get; init; }

    public required BiasSpec Biases { get; init; }

    /// <summary>The output projection reuses the token embedding; the checkpoint then stores no <c>lm_head.weight</c>.</summary>
    public required bool TiedEmbeddings { get; init; }

    public required QkvPacking QkvPacking { get; init; }

    public required WeightOrientation WeightOrientation { get; init; }

    public required TensorNameMap Names { get; init; }

    /// <summary>Sliding attention window (Mistral, Qwen2 with use_sliding_window), or null for full causal attention.</summary>
    public int? SlidingWindow { get; init; }

    public int? BosTokenId { get; init; }

    /// <summary>End-of-sequence ids (HF allows several).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    public int? PadTokenId { get; init; }

    /// <summary>The config's <c>torch_dtype</c> (e.g. "float32", "bfloat16"), as recorded; the tensors' own dtypes are authoritative.</summary>
    public string? TorchDType { get; init; }

    /// <summary>Width of all query heads together (HeadCount × HeadDim); equals the hidden size except with an explicit head_dim.</summary>
    public int QueryWidth => HeadCount * HeadDim;

    /// <summary>Width of all key (or value) heads together.</summary>
    public int KvWidth => KvHeadCount * HeadDim;

    public static TransformerSpec FromHfConfig(string configPathOrDirectory) => HfConfig.Read(configPathOrDirectory);
}
