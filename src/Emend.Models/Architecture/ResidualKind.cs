namespace Emend.Models.Architecture;

/// <summary>How a block's attention and MLP branches feed the residual stream.</summary>
public enum ResidualKind
{
    /// <summary>h += attn(norm1(h)); h += mlp(norm2(h)): GPT-2, Llama, Mistral, Qwen2, NeoX without parallel residual.</summary>
    Sequential,

    /// <summary>h += attn(norm1(h)) + mlp(norm2(h)), both reading the same h: GPT-NeoX (use_parallel_residual).</summary>
    ParallelTwoNorms,

    /// <summary>a = norm1(h); h += attn(a) + mlp(a): GPT-J (no second norm tensor).</summary>
    ParallelSharedNorm,
}
