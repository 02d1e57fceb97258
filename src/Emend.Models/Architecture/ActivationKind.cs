namespace Emend.Models.Architecture;

/// <summary>The MLP nonlinearity. The two GELU forms differ by up to ~1e-3, enough to break fixture tolerances, so they are distinct.</summary>
public enum ActivationKind
{
    /// <summary>tanh-approximated GELU (HF "gelu_new", "gelu_fast", "gelu_pytorch_tanh"); see <see cref="Emend.Numerics.GeluKind.Tanh"/>.</summary>
    GeluTanh,

    /// <summary>exact erf GELU (HF "gelu"); see <see cref="Emend.Numerics.GeluKind.Erf"/>.</summary>
    GeluErf,

    /// <summary>x·σ(x) (HF "silu" / "swish").</summary>
    Silu,
}
