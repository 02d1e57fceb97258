namespace Emend.Models.Architecture;

/// <summary>How query, key and value projections are stored.</summary>
public enum QkvPacking
{
    /// <summary>Three tensors q_proj, k_proj, v_proj: GPT-J, Llama, Mistral, Qwen2.</summary>
    Separate,

    /// <summary>One fused projection whose output is [all q | all k | all v]: GPT-2 c_attn.</summary>
    FusedConcatenated,

    /// <summary>One fused projection whose output is, per head, [q | k | v] of head_dim each: GPT-NeoX query_key_value.</summary>
    FusedPerHead,
}
