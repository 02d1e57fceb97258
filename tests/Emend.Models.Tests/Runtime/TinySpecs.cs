using Emend.Models.Architecture;
using Emend.Numerics;

namespace Emend.Models.Tests.Runtime;

/// <summary>Tiny specs of each architecture (vocab 13, hidden 8, 2 layers, 2 heads of 4) for gradient checks and training.</summary>
internal static class TinySpecs
{
    public static TheoryData<string> Names => new() { "gpt2", "gptj", "gpt_neox", "llama", "qwen2" };

    public static TransformerSpec Get(string name) => name switch
    {
        "gpt2" => Base with
        {
            ModelType = "gpt2", Position = PositionScheme.LearnedAbsolute, Rotary = null, Biases = new BiasSpec(true, true, true, false),
            TiedEmbeddings = true, QkvPacking = QkvPacking.FusedConcatenated, WeightOrientation = WeightOrientation.InputByOutput, Names = TensorNameMap.Gpt2,
        },
        "gptj" => Base with
        {
            ModelType = "gptj", Rotary = new RotarySpec(2, RotaryLayout.Interleaved, 10000), Residual = ResidualKind.ParallelSharedNorm,
            Biases = new BiasSpec(false, false, true, true), Names = TensorNameMap.GptJ,
        },
        "gpt_neox" => Base with
        {
            ModelType = "gpt_neox", Activation = ActivationKind.GeluErf, Rotary = new RotarySpec(2, RotaryLayout.HalfSplit, 10000),
            Residual = ResidualKind.ParallelTwoNorms, QkvPacking = QkvPacking.FusedPerHead, Names = TensorNameMap.GptNeoX,
        },
        "llama" => Llama,
        "qwen2" => Llama with { ModelType = "qwen2", Biases = new BiasSpec(true, false, false, false) },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static TransformerSpec Llama => Base with
    {
        ModelType = "llama", KvHeadCount = 1, Norm = NormKind.RmsNorm, NormEpsilon = 1e-6, Activation = ActivationKind.Silu, Mlp = MlpKind.Gated,
        Rotary = new RotarySpec(4, RotaryLayout.HalfSplit, 10000), Biases = new BiasSpec(false, false, false, false), Names = TensorNameMap.Llama,
    };

    private static TransformerSpec Base => new()
    {
        ModelType = "base", VocabSize = 13, HiddenSize = 8, LayerCount = 2, HeadCount = 2, KvHeadCount = 2, HeadDim = 4, IntermediateSize = 12,
        MaxPositions = 16, Norm = NormKind.LayerNorm, NormEpsilon = 1e-5, Activation = ActivationKind.GeluTanh, Mlp = MlpKind.Plain,
        Position = PositionScheme.Rotary, Rotary = null, Residual = ResidualKind.Sequential, Biases = new BiasSpec(true, true, true, false),
        TiedEmbeddings = false, QkvPacking = QkvPacking.Separate, WeightOrientation = WeightOrientation.OutputByInput, Names = TensorNameMap.Gpt2,
    };
}
