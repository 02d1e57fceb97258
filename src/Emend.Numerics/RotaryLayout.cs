namespace Emend.Numerics;

/// <summary>How rotary position embeddings pair the dimensions of a head.</summary>
public enum RotaryLayout
{
    /// <summary>Dimension j pairs with j + rotaryDim/2 ("rotate_half"): Llama, Mistral, Qwen2, GPT-NeoX.</summary>
    HalfSplit,

    /// <summary>Dimension 2j pairs with 2j + 1: GPT-J.</summary>
    Interleaved,
}
