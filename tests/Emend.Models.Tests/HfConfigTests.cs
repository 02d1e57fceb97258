using System.Text;
using System.Text.Json.Nodes;
using Emend.Models.Architecture;
using Emend.Models.Checkpoints;
using Emend.Numerics;
using Emend.Tests;

namespace Emend.Models.Tests;

/// <summary>config.json → <see cref="TransformerSpec"/>, checked against the fixture README and the checkpoints themselves.</summary>
public class HfConfigTests
{
    private static TransformerSpec Fixture(string arch) => HfConfig.Read(SharedData.Require($"{FixtureManifest.Root}/{arch}"));

    [SkippableFact]
    public void Gpt2MapsToFusedConv1DWithLearnedPositionsAndTiedHead()
    {
        var spec = Fixture("gpt2");
        Assert.Equal((1000, 64, 3, 4, 4, 16, 256, 128), (spec.VocabSize, spec.HiddenSize, spec.LayerCount, spec.HeadCount, spec.KvHeadCount, spec.HeadDim, spec.IntermediateSize, spec.MaxPositions));
        Assert.Equal((NormKind.LayerNorm, 1e-5, ActivationKind.GeluTanh, MlpKind.Plain), (spec.Norm, spec.NormEpsilon, spec.Activation, spec.Mlp));
        Assert.Equal((PositionScheme.LearnedAbsolute, (RotarySpec?)null, ResidualKind.Sequential), (spec.Position, spec.Rotary, spec.Residual));
        Assert.Equal(new BiasSpec(true, true, true, false), spec.Biases);
        Assert.Equal((true, QkvPacking.FusedConcatenated, WeightOrientation.InputByOutput), (spec.TiedEmbeddings, spec.QkvPacking, spec.WeightOrientation));
        Assert.Equal((999, 999, (int?)null, "float32"), (spec.BosTokenId, spec.EosTokenIds.Single(), spec.PadTokenId, spec.TorchDType));
        Assert.Equal("transformer.h.1.mlp.c_proj.weight", spec.Names.Weight(TensorRole.MlpDown, 1));
        Assert.Equal("transformer.h.0.attn.c_attn.bias", spec.Names.Bias(TensorRole.FusedQkv, 0));
        Assert.Equal("transformer.wpe.weight", spec.Names.Weight(TensorRole.PositionEmbedding));
    }

    [SkippableFact]
    public void LlamaMapsToGatedSiluRmsNormAndFullRotaryWithGqa()
    {
        var spec = Fixture("llama");
        Assert.Equal((4, 2, 16, 172), (spec.HeadCount, spec.KvHeadCount, spec.HeadDim, spec.IntermediateSize));
        Assert.Equal((NormKind.RmsNorm, 1e-6, ActivationKind.Silu, MlpKind.Gated), (spec.Norm, spec.NormEpsilon, spec.Activation, spec.Mlp));
        Assert.Equal(new RotarySpec(16, RotaryLayout.HalfSplit, 10000), spec.Rotary);
        Assert.Equal(new BiasSpec(false, false, false, false), spec.Biases);
        Assert.Equal((false, QkvPacking.Separate, WeightOrientation.OutputByInput), (spec.TiedEmbeddings, spec.QkvPacking, spec.WeightOrientation));
        Assert.Equal((1, 2), (spec.BosTokenId, spec.EosTokenIds.Single()));
        Assert.Null(spec.SlidingWindow);
        Assert.Equal("model.layers.1.mlp.down_proj.weight", spec.Names.Weight(TensorRole.MlpDown, 1));
        Assert.Equal("lm_head.weight", spec.Names.Weight(TensorRole.LmHead));
        Assert.Equal("model.norm.weight", spec.Names.Weight(TensorRole.FinalNorm));
    }

    [SkippableFact]
    public void GptNeoXMapsToPartialRotaryParallelResidualAndPerHeadFusedQkv()
    {
        var spec = Fixture("gpt_neox");
        Assert.Equal(new RotarySpec(4, RotaryLayout.HalfSplit, 10000), spec.Rotary);
        Assert.Equal((ActivationKind.GeluErf, ResidualKind.ParallelTwoNorms, QkvPacking.FusedPerHead), (spec.Activation, spec.Residual, spec.QkvPacking));
        Assert.Equal(new BiasSpec(true, true, true, false), spec.Biases);
        Assert.Equal(256, spec.IntermediateSize);
        Assert.False(spec.TiedEmbeddings);
        Assert.Equal("gpt_neox.layers.1.mlp.dense_4h_to_h.weight", spec.Names.Weight(TensorRole.MlpDown, 1));
        Assert.Equal("embed_out.weight", spec.Names.Weight(TensorRole.LmHead));
    }

    [SkippableFact]
    public void GptJMapsToInterleavedPartialRotarySharedNormAndBiasedHead()
    {
        var spec = Fixture("gptj");
        Assert.Equal(new RotarySpec(8, RotaryLayout.Interleaved, 10000), spec.Rotary);
        Assert.Equal((ActivationKind.GeluTanh, ResidualKind.ParallelSharedNorm, QkvPacking.Separate), (spec.Activation, spec.Residual, spec.QkvPacking));
        Assert.Equal(new BiasSpec(false, false, true, true), spec.Biases);
        Assert.Equal(256, spec.IntermediateSize);
        Assert.Null(spec.Names.MlpNorm);
        Assert.Equal("transformer.h.1.mlp.fc_out.weight", spec.Names.Weight(TensorRole.MlpDown, 1));
        Assert.Equal("lm_head.bias", spec.Names.Bias(TensorRole.LmHead));
    }

    [SkippableFact]
    public void Qwen2HasQkvBiasesButNoOutputBiasAndNoWindowWhenDisabled()
    {
        var spec = Fixture("qwen2");
        Assert.Equal(new BiasSpec(true, false, false, false), spec.Biases);
        Assert.Equal((4, 2, NormKind.RmsNorm), (spec.HeadCount, spec.KvHeadCount, spec.Norm));
        Assert.Null(spec.SlidingWindow);
        Assert.Equal("model.layers.0.self_attn.q_proj.bias", spec.Names.Bias(TensorRole.Query, 0));
    }

    [SkippableTheory]
    [InlineData("reference/hf-tiny/gpt2")]
    [InlineData("reference/hf-tiny/llama")]
    [InlineData("reference/hf-tiny/llama_sharded")]
    [InlineData("reference/hf-tiny/gpt_neox")]
    [InlineData("reference/hf-tiny/gptj")]
    [InlineData("reference/hf-tiny/qwen2")]
    [InlineData("models/factsworld-gpt2")]
    [InlineData("models/stories260K/hf")]
    public void SpecPredictsEveryStoredTensorAndTheParameterCount(string directory)
    {
        var path = SharedData.Require(directory);
        var spec = HfConfig.Read(path);
        using var checkpoint = Checkpoint.Open(path);

        var conformance = SpecConformance.Check(spec, checkpoint.Tensors);

        Assert.Empty(conformance.Missing);
        Assert.Empty(conformance.Unexpected);
        Assert.Empty(conformance.ShapeMismatches);
        Assert.False(conformance.StoresTiedHead);
        Assert.Equal(checkpoint.TotalElements, spec.ParameterCount);
    }

    /// <summary>The manifest's shapes are an independent count of the fp32 checkpoints' elements.</summary>
    [SkippableTheory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    [InlineData("gpt_neox")]
    [InlineData("gptj")]
    [InlineData("qwen2")]
    public void ParameterCountEqualsTheManifestElementCount(string arch)
    {
        var manifest = FixtureManifest.SafetensorsFiles()[$"{arch}/model.safetensors"];
        var elements = manifest.Tensors.Values.Sum(t => t.Shape.Aggregate(1L, (n, d) => n * d));
        Assert.Equal(elements, Fixture(arch).ParameterCount);
    }

    [SkippableFact]
    public void FactsworldParameterCountMatchesItsReadme() =>
        Assert.Equal(7_777_536, HfConfig.Read(SharedData.Require("models/factsworld-gpt2")).ParameterCount);

    [SkippableFact]
    public void StoredCopyOfATiedHeadIsRecognisedAsRedundant()
    {
        var source = SharedData.Require($"{FixtureManifest.Root}/gpt2");
        using var temp = new TempDirectory();
        File.Copy(Path.Combine(source, HfConfig.FileName), temp.File(HfConfig.FileName));
        using (var checkpoint = Checkpoint.Open(source))
        {
            var tensors = checkpoint.Tensors.Select(t => TensorData.FromMapped(checkpoint.GetTensor(t.Name))).ToList();
            tensors.Add(TensorData.FromMapped(checkpoint.GetTensor("transformer.wte.weight")) with { Name = "lm_head.weight" });
            CheckpointWriter.Write(temp.Path, tensors);
        }
        var spec = HfConfig.Read(temp.Path);
        using var withHead = Checkpoint.Open(temp.Path);

        var conformance = SpecConformance.Check(spec, withHead.Tensors);

        Assert.True(conformance.IsExact);
        Assert.True(conformance.StoresTiedHead);
        Assert.Equal(spec.ParameterCount + spec.VocabSize * spec.HiddenSize, withHead.TotalElements);
    }

    [Fact]
    public void MistralIsLlamaNamingWithASlidingWindow()
    {
        const string config = """
            {"architectures": ["MistralForCausalLM"], "model_type": "mistral", "vocab_size": 320, "hidden_size": 48,
             "intermediate_size": 112, "num_hidden_layers": 2, "num_attention_heads": 6, "num_key_value_heads": 2,
             "max_position_embeddings": 4096, "rms_norm_eps": 1e-05, "rope_theta": 1000000.0, "sliding_window": 4096,
             "hidden_act": "silu", "tie_word_embeddings": false, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "bfloat16"}
            """;
        var spec = HfConfig.Parse(Encoding.UTF8.GetBytes(config), "mistral/config.json");

        Assert.Equal(("mistral", 4096, "bfloat16"), (spec.ModelType, spec.SlidingWindow, spec.TorchDType));
        Assert.Equal((6, 2, 8, 112), (spec.HeadCount, spec.KvHeadCount, spec.HeadDim, spec.IntermediateSize));
        Assert.Equal(new RotarySpec(8, RotaryLayout.HalfSplit, 1e6), spec.Rotary);
        Assert.Equal((NormKind.RmsNorm, 1e-5, MlpKind.Gated, ActivationKind.Silu), (spec.Norm, spec.NormEpsilon, spec.Mlp, spec.Activation));
        Assert.Equal(new BiasSpec(false, false, false, false), spec.Biases);
        Assert.Same(TensorNameMap.Llama, spec.Names);
        Assert.Equal("model.layers.1.self_attn.k_proj.weight", spec.Names.Weight(TensorRole.Key, 1));
        var k = spec.ExpectedTensors().Single(t => t.Name == "model.layers.1.self_attn.k_proj.weight");
        Assert.Equal(new Shape(16, 48), k.Shape);
        // embeddings + head, per layer 2 norms + q,k,v,o + gate,up,down, final norm
        const long h = 48, v = 320, i = 112, kv = 16;
        Assert.Equal(2 * v * h + 2 * (2 * h + h * h + 2 * kv * h + h * h + 3 * h * i) + h, spec.ParameterCount);
    }

    [Fact]
    public void ExplicitHeadDimOverridesHiddenOverHeads()
    {
        var spec = Parse(new JsonObject
        {
            ["model_type"] = "llama", ["vocab_size"] = 10, ["hidden_size"] = 48, ["intermediate_size"] = 64,
            ["num_hidden_layers"] = 1, ["num_attention_heads"] = 4, ["head_dim"] = 16,
        });
        Assert.Equal((16, 64), (spec.HeadDim, spec.QueryWidth));
        Assert.Equal(new Shape(48, 64), spec.ExpectedTensors().Single(t => t.Role == TensorRole.AttentionOut).Shape);
    }

    [Fact]
    public void NeoXWithoutParallelResidualIsSequential()
    {
        var config = NeoX();
        config["use_parallel_residual"] = false;
        config["attention_bias"] = false;
        var spec = Parse(config);
        Assert.Equal(ResidualKind.Sequential, spec.Residual);
        Assert.Equal(new BiasSpec(false, false, true, false), spec.Biases);
    }

    [Fact]
    public void UnknownModelTypeListsTheSupportedOnes()
    {
        var config = NeoX();
        config["model_type"] = "bloom";
        var error = Assert.Throws<ModelConfigException>(() => Parse(config));
        Assert.Equal("model_type", error.Field);
        Assert.Contains("\"bloom\" is not supported", error.Message);
        Assert.Contains("gpt2, gptj, gpt_neox, llama, mistral, qwen2", error.Message);
        Assert.Contains("test/config.json", error.Message);
    }

    public static TheoryData<string, string, string> BrokenConfigs => new()
    {
        { "hidden_size", "remove", "is required" },
        { "num_attention_heads", "\"four\"", "must be a positive integer, got \"four\"" },
        { "num_attention_heads", "5", "5 heads do not divide hidden_size 64" },
        { "intermediate_size", "-3", "must be a positive integer" },
        { "vocab_size", "1000.5", "must be a positive integer" },
        { "layer_norm_eps", "0", "must be a positive number" },
        { "use_parallel_residual", "1", "must be true or false" },
        { "rotary_pct", "0.01", "rotary dimensions" },
        { "rotary_pct", "2", "must be in (0, 1]" },
        { "hidden_act", "\"relu\"", "activation \"relu\" is not supported" },
        { "rope_scaling", "{\"type\": \"linear\", \"factor\": 2.0}", "rope scaling is not supported" },
        { "eos_token_id", "\"2\"", "must be a token id" },
    };

    [Theory]
    [MemberData(nameof(BrokenConfigs))]
    public void MissingOrInvalidFieldIsNamed(string field, string value, string expectedFragment)
    {
        var config = NeoX();
        if (value == "remove") config.Remove(field);
        else config[field] = JsonNode.Parse(value);
        var error = Assert.Throws<ModelConfigException>(() => Parse(config));
        Assert.Equal(field, error.Field);
        Assert.Contains(expectedFragment, error.Problem);
        Assert.StartsWith("test/config.json: \"" + field + "\"", error.Message);
    }

    [Fact]
    public void ConfigThatIsNotAJsonObjectIsRefused()
    {
        Assert.Throws<ModelConfigException>(() => HfConfig.Parse("{\"model_type\":"u8, "x"));
        Assert.Throws<ModelConfigException>(() => HfConfig.Parse("[1]"u8, "x"));
        var duplicate = Assert.Throws<ModelConfigException>(() => HfConfig.Parse("{\"model_type\":\"gpt2\",\"model_type\":\"llama\"}"u8, "x"));
        Assert.Equal("model_type", duplicate.Field);
    }

    [Fact]
    public void GptJWithNullRotaryDimIsRefused()
    {
        var config = new JsonObject
        {
            ["model_type"] = "gptj", ["vocab_size"] = 10, ["n_embd"] = 16, ["n_layer"] = 1, ["n_head"] = 2, ["n_positions"] = 8, ["rotary_dim"] = null,
        };
        Assert.Equal("rotary_dim", Assert.Throws<ModelConfigException>(() => Parse(config)).Field);
        config.Remove("rotary_dim");
        var error = Assert.Throws<ModelConfigException>(() => Parse(config));
        Assert.Contains("64 rotary dimensions", error.Message);
    }

    [Fact]
    public void Gpt2AttentionVariantsThatChangeTheMathAreRefused()
    {
        var config = new JsonObject { ["model_type"] = "gpt2", ["vocab_size"] = 10, ["n_embd"] = 16, ["n_layer"] = 1, ["n_head"] = 2, ["n_positions"] = 8 };
        Assert.Equal(64, Parse(config).IntermediateSize);
        config["scale_attn_by_inverse_layer_idx"] = true;
        Assert.Equal("scale_attn_by_inverse_layer_idx", Assert.Throws<ModelConfigException>(() => Parse(config)).Field);
    }

    [Fact]
    public void ReadingAMissingConfigNamesThePath()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<FileNotFoundException>(() => HfConfig.Read(temp.Path));
        Assert.Contains(temp.File(HfConfig.FileName), error.Message);
    }

    private static JsonObject NeoX() => new()
    {
        ["model_type"] = "gpt_neox", ["vocab_size"] = 100, ["hidden_size"] = 64, ["num_hidden_layers"] = 2, ["num_attention_heads"] = 4,
        ["intermediate_size"] = 256, ["max_position_embeddings"] = 128, ["rotary_pct"] = 0.25, ["layer_norm_eps"] = 1e-5,
    };

    private static TransformerSpec Parse(JsonObject config) => HfConfig.Parse(Encoding.UTF8.GetBytes(config.ToJsonString()), "test/config.json");
}
