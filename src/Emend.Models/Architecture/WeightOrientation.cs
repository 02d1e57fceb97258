namespace Emend.Models.Architecture;

/// <summary>How projection weights are stored; it decides whether y = x·W or y = x·Wᵀ.</summary>
public enum WeightOrientation
{
    /// <summary>[in, out], applied as y = x·W + b: GPT-2's Conv1D.</summary>
    InputByOutput,

    /// <summary>[out, in], applied as y = x·Wᵀ + b: torch nn.Linear, every other architecture.</summary>
    OutputByInput,
}
