using System.Text.Json;
using Emend.Numerics;

namespace Emend.Models.Architecture;

/// <summary>
/// Maps an HF <c>config.json</c> to a <see cref="TransformerSpec"/>. Field names and defaults are those of the
/// transformers 4.38 config classes; sizes the whole model hinges on (vocabulary, width, depth, heads, MLP width) are
/// required rather than defaulted, and options that would change the math in ways the generic loop does not
/// implement (rope scaling, GPT-2 attention-scaling variants, cross-attention) are refused instead of ignored.
/// </summary>
public static class HfConfig
{
    public const string FileName = "config.json";

    /// <summary>The <c>model_type</c> values understood, in the order they are listed in errors.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["gpt2", "gptj", "gpt_neox", "llama", "mistral", "qwen2"];

    private const long MaxConfigBytes = 16L * 1024 * 1024;

    /// <summary>Reads <c>config.json</c> from a model directory, or the given file.</summary>
    /// <exception cref="ModelConfigException">Unsupported model type or option, or a missing or invalid field.</exception>
    public static TransformerSpec Read(string configPathOrDirectory)
    {
        var path = Path.GetFullPath(Directory.Exists(configPathOrDirectory) ? Path.Combine(configPathOrDirectory, FileName) : configPathOrDirectory);
        if (!File.Exists(path)) throw new FileNotFoundException($"model config not found: {path}", path);
        var length = new FileInfo(path).Length;
        if (length > MaxConfigBytes) throw new ModelConfigException(path, null, $"the file is {length} bytes, more than the {MaxConfigBytes}-byte limit for a config");
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses config JSON; <paramref name="sourceName"/> is used in error messages.</summary>
    public static TransformerSpec Parse(ReadOnlySpan<byte> json, string sourceName)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 32 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new ModelConfigException(sourceName, null, $"not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ModelConfigException(sourceName, null, "the config is not a JSON object");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
                if (!names.Add(property.Name)) throw new ModelConfigException(sourceName, property.Name, "appears twice");
            var fields = new ConfigFields(root, sourceName);
            var modelType = fields.OptionalString("model_type") ?? throw fields.Error("model_type", "is required");
            var spec = modelType switch
            {
                "gpt2" => Gpt2(fields),
                "gptj" => GptJ(fields),
                "gpt_neox" => GptNeoX(fields),
                "llama" or "mistral" or "qwen2" => LlamaFamily(fields, modelType),
                _ => throw fields.Error("model_type", $"\"{modelType}\" is not supported (supported: {string.Join(", ", SupportedModelTypes)})"),
            };
            spec = spec with
            {
                BosTokenId = fields.TokenId("bos_token_id"),
                EosTokenIds = fields.TokenIds("eos_token_id"),
                PadTokenId = fields.TokenId("pad_token_id"),
                TorchDType = fields.OptionalString("torch_dtype"),
            };
            CheckConsistency(spec, fields);
            return spec;
        }
    }

    private static TransformerSpec Gpt2(ConfigFields f)
    {
        Refuse(f, "add_cross_attention", f.Bool("add_cross_attention", false), "cross-attention");
        Refuse(f, "scale_attn_by_inverse_layer_idx", f.Bool("scale_attn_by_inverse_layer_idx", false), "per-layer attention scaling");
        Refuse(f, "scale_attn_weights", !f.Bool("scale_attn_weights", true), "unscaled attention scores");
        var hidden = f.PositiveInt("n_embd");
        var heads = f.PositiveInt("n_head");
        return new TransformerSpec
        {
            ModelType = "gpt2",
            VocabSize = f.PositiveInt("vocab_size"),
            HiddenSize = hidden,
            LayerCount = f.PositiveInt("n_layer"),
            HeadCount = heads,
            KvHeadCount = heads,
            HeadDim = HeadDim(f, hidden, heads, "n_embd", "n_head"),
            IntermediateSize = f.PositiveInt("n_inner", 4 * hidden),
            MaxPositions = f.PositiveInt("n_positions"),
            Norm = NormKind.LayerNorm,
            NormEpsilon = f.PositiveDouble("layer_norm_epsilon", 1e-5),
            Activation = Activation(f, "activation_function", "gelu_new"),
            Mlp = MlpKind.Plain,
            Position = PositionScheme.LearnedAbsolute,
            Rotary = null,
            Residual = ResidualKind.Sequential,
            Biases = new BiasSpec(Qkv: true, AttentionOut: true, Mlp: true, LmHead: false),
            TiedEmbeddings = f.Bool("tie_word_embeddings", true),
            QkvPacking = QkvPacking.FusedConcatenated,
            WeightOrientation = WeightOrientation.InputByOutput,
            Names = TensorNameMap.Gpt2,
        };
    }

    private static TransformerSpec GptJ(ConfigFields f)
    {
        var hidden = f.PositiveInt("n_embd");
        var heads = f.PositiveInt("n_head");
        var headDim = HeadDim(f, hidden, heads, "n_embd", "n_head");
        return new TransformerSpec
        {
            ModelType = "gptj",
            VocabSize = f.PositiveInt("vocab_size"),
            HiddenSize = hidden,
            LayerCount = f.PositiveInt("n_layer"),
            HeadCount = heads,
            KvHeadCount = heads,
            HeadDim = headDim,
            IntermediateSize = f.PositiveInt("n_inner", 4 * hidden),
            MaxPositions = f.PositiveInt("n_positions"),
            Norm = NormKind.LayerNorm,
            NormEpsilon = f.PositiveDouble("layer_norm_epsilon", 1e-5),
            Activation = Activation(f, "activation_function", "gelu_new"),
            Mlp = MlpKind.Plain,
            Position = PositionScheme.Rotary,
            Rotary = new RotarySpec(GptJRotaryDim(f), RotaryLayout.Interleaved, 10000),
            Residual = ResidualKind.ParallelSharedNorm,
            Biases = new BiasSpec(Qkv: false, AttentionOut: false, Mlp: true, LmHead: true),
            TiedEmbeddings = f.Bool("tie_word_embeddings", false),
            QkvPacking = QkvPacking.Separate,
            WeightOrientation = WeightOrientation.OutputByInput,
            Names = TensorNameMap.GptJ,
        };
    }

    /// <summary>HF's GPT-J only works with an explicit rotary_dim (null would size the tables by the hidden width, not the head).</summary>
    private static int GptJRotaryDim(ConfigFields f)
    {
        if (f.IsExplicitNull("rotary_dim"))
            throw f.Error("rotary_dim", "null (rotary over the whole hidden width) is not supported; give the rotated dimensions per head");
        return f.PositiveInt("rotary_dim", 64);
    }

    private static TransformerSpec GptNeoX(ConfigFields f)
    {
        Refuse(f, "rope_scaling", f.IsPresent("rope_scaling"), "rope scaling");
        var hidden = f.PositiveInt("hidden_size");
        var heads = f.PositiveInt("num_attention_heads");
        var headDim = HeadDim(f, hidden, heads, "hidden_size", "num_attention_heads");
        var rotaryPct = f.PositiveDouble("rotary_pct", 0.25);
        if (rotaryPct > 1) throw f.Error("rotary_pct", $"must be in (0, 1], got {rotaryPct}");
        var attentionBias = f.Bool("attention_bias", true);
        return new TransformerSpec
        {
            ModelType = "gpt_neox",
            VocabSize = f.PositiveInt("vocab_size"),
            HiddenSize = hidden,
            LayerCount = f.PositiveInt("num_hidden_layers"),
            HeadCount = heads,
            KvHeadCount = heads,
            HeadDim = headDim,
            IntermediateSize = f.PositiveInt("intermediate_size"),
            MaxPositions = f.PositiveInt("max_position_embeddings"),
            Norm = NormKind.LayerNorm,
            NormEpsilon = f.PositiveDouble("layer_norm_eps", 1e-5),
            Activation = Activation(f, "hidden_act", "gelu"),
            Mlp = MlpKind.Plain,
            Position = PositionScheme.Rotary,
            // HF truncates: rotary_ndims = int(head_size * rotary_pct).
            Rotary = new RotarySpec((int)(headDim * rotaryPct), RotaryLayout.HalfSplit, f.PositiveDouble("rotary_emb_base", 10000)),
            Residual = f.Bool("use_parallel_residual", true) ? ResidualKind.ParallelTwoNorms : ResidualKind.Sequential,
            Biases = new BiasSpec(Qkv: attentionBias, AttentionOut: attentionBias, Mlp: true, LmHead: false),
            TiedEmbeddings = f.Bool("tie_word_embeddings", false),
            QkvPacking = QkvPacking.FusedPerHead,
            WeightOrientation = WeightOrientation.OutputByInput,
            Names = TensorNameMap.GptNeoX,
        };
    }

    /// <summary>Llama and the two architectures that kept its layout: Mistral (sliding window) and Qwen2 (q/k/v biases).</summary>
    private static TransformerSpec LlamaFamily(ConfigFields f, string modelType)
    {
        Refuse(f, "rope_scaling", f.IsPresent("rope_scaling"), "rope scaling");
        var hidden = f.PositiveInt("hidden_size");
        var heads = f.PositiveInt("num_attention_heads");
        var headDim = f.IsPresent("head_dim") ? f.PositiveInt("head_dim") : HeadDim(f, hidden, heads, "hidden_size", "num_attention_heads");
        var (attentionBias, outBias) = modelType switch
        {
            "qwen2" => (true, false),
            "mistral" => (false, false),
            _ => (f.Bool("attention_bias", false), f.Bool("attention_bias", false)),
        };
        int? slidingWindow = modelType switch
        {
            "mistral" => f.OptionalPositiveInt("sliding_window"),
            "qwen2" when f.Bool("use_sliding_window", false) => f.OptionalPositiveInt("sliding_window"),
            _ => null,
        };
        return new TransformerSpec
        {
            ModelType = modelType,
            VocabSize = f.PositiveInt("vocab_size"),
            HiddenSize = hidden,
            LayerCount = f.PositiveInt("num_hidden_layers"),
            HeadCount = heads,
            KvHeadCount = f.PositiveInt("num_key_value_heads", heads),
            HeadDim = headDim,
            IntermediateSize = f.PositiveInt("intermediate_size"),
            MaxPositions = f.PositiveInt("max_position_embeddings", modelType switch { "mistral" => 4096 * 32, "qwen2" => 32768, _ => 2048 }),
            Norm = NormKind.RmsNorm,
            NormEpsilon = f.PositiveDouble("rms_norm_eps", 1e-6),
            Activation = Activation(f, "hidden_act", "silu"),
            Mlp = MlpKind.Gated,
            Position = PositionScheme.Rotary,
            Rotary = new RotarySpec(headDim, RotaryLayout.HalfSplit, f.PositiveDouble("rope_theta", 10000)),
            Residual = ResidualKind.Sequential,
            Biases = new BiasSpec(Qkv: attentionBias, AttentionOut: outBias, Mlp: f.Bool("mlp_bias", false), LmHead: false),
            TiedEmbeddings = f.Bool("tie_word_embeddings", false),
            QkvPacking = QkvPacking.Separate,
            WeightOrientation = WeightOrientation.OutputByInput,
            Names = TensorNameMap.Llama,
            SlidingWindow = slidingWindow,
        };
    }

    private static int HeadDim(ConfigFields f, int hidden, int heads, string hiddenField, string headsField) =>
        hidden % heads == 0 ? hidden / heads : throw f.Error(headsField, $"{heads} heads do not divide {hiddenField} {hidden}");

    private static ActivationKind Activation(ConfigFields f, string field, string fallback) => f.String(field, fallback) switch
    {
        "gelu_new" or "gelu_fast" or "gelu_pytorch_tanh" => ActivationKind.GeluTanh,
        "gelu" => ActivationKind.GeluErf,
        "silu" or "swish" => ActivationKind.Silu,
        var other => throw f.Error(field, $"activation \"{other}\" is not supported (supported: gelu_new, gelu_fast, gelu_pytorch_tanh, gelu, silu, swish)"),
    };

    private static void Refuse(ConfigFields f, string field, bool condition, string feature)
    {
        if (condition) throw f.Error(field, $"{feature} is not supported");
    }

    private static void CheckConsistency(TransformerSpec spec, ConfigFields f)
    {
        if (spec.HeadCount % spec.KvHeadCount != 0)
            throw f.Error("num_key_value_heads", $"{spec.KvHeadCount} key/value heads do not divide {spec.HeadCount} query heads");
        if (spec.Rotary is { } rotary && (rotary.Dimensions <= 0 || rotary.Dimensions % 2 != 0 || rotary.Dimensions > spec.HeadDim))
            throw f.Error(spec.ModelType switch { "gptj" => "rotary_dim", "gpt_neox" => "rotary_pct", _ => "head_dim" },
                $"gives {rotary.Dimensions} rotary dimensions, which must be even and in [2, head_dim {spec.HeadDim}]");
    }
}
