namespace Emend.Models.Architecture;

/// <summary>How the MLP combines its projections; the activation is given separately by <see cref="ActivationKind"/>.</summary>
public enum MlpKind
{
    /// <summary>down(act(up(x))): GPT-2, GPT-J, GPT-NeoX.</summary>
    Plain,

    /// <summary>down(act(gate(x)) ⊙ up(x)): Llama, Mistral, Qwen2 (with SiLU).</summary>
    Gated,
}
