namespace Emend.Numerics;

/// <summary>The two GELU definitions found in checkpoints: HF's "gelu_new" tanh approximation and the exact erf form.</summary>
public enum GeluKind
{
    /// <summary>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): GPT-2, GPT-J ("gelu_new").</summary>
    Tanh,

    /// <summary>0.5·x·(1 + erf(x/√2)): GPT-NeoX ("gelu").</summary>
    Erf,
}
