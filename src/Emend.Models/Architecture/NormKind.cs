namespace Emend.Models.Architecture;

/// <summary>The normalisation a block applies before attention and MLP, and at the end of the stack.</summary>
public enum NormKind
{
    /// <summary>(x − mean) / √(var + ε) · w + b: GPT-2, GPT-J, GPT-NeoX. Has weight and bias tensors.</summary>
    LayerNorm,

    /// <summary>x / √(mean(x²) + ε) · w: Llama, Mistral, Qwen2. Weight only.</summary>
    RmsNorm,
}
