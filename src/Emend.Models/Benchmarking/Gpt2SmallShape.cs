using System.Text;
using Emend.Models.Architecture;
using Emend.Models.Runtime;

namespace Emend.Models.Benchmarking;

/// <summary>
/// The shape of OpenAI's GPT-2 small (12 layers, width 768, 12 heads, vocabulary 50257, 1024 positions, tied head;
/// 124M parameters), the reference size for throughput and memory figures. Weights come from
/// <see cref="Transformer.Initialize"/>, so no download is needed.
/// </summary>
public static class Gpt2SmallShape
{
    /// <summary>The HF <c>config.json</c> of the shape (the fields GPT2Config needs; the rest take its defaults).</summary>
    public const string ConfigJson = """
        {
          "model_type": "gpt2",
          "vocab_size": 50257,
          "n_embd": 768,
          "n_layer": 12,
          "n_head": 12,
          "n_positions": 1024,
          "activation_function": "gelu_new",
          "layer_norm_epsilon": 1e-05,
          "bos_token_id": 50256,
          "eos_token_id": 50256
        }
        """;

    public static TransformerSpec Spec { get; } = HfConfig.Parse(Encoding.UTF8.GetBytes(ConfigJson), "the GPT-2 small shape");

    /// <summary>
    /// Writes <paramref name="model"/> (of this shape) as a bfloat16 HF checkpoint: <c>config.json</c> and one
    /// <c>model.safetensors</c> (about 250 MB). Returns the size of the weights file in bytes.
    /// </summary>
    public static long WriteBFloat16Checkpoint(Transformer model, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Spec with { EosTokenIds = Spec.EosTokenIds } != Spec) throw new ArgumentException("the model does not have the GPT-2 small shape", nameof(model));
        return BFloat16Export.Write(model, ConfigJson, directory, cancellationToken);
    }
}
