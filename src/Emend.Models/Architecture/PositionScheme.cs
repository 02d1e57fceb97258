namespace Emend.Models.Architecture;

/// <summary>How token positions enter the model.</summary>
public enum PositionScheme
{
    /// <summary>A learned [positions, hidden] table added to the token embedding: GPT-2.</summary>
    LearnedAbsolute,

    /// <summary>Rotary embeddings applied to queries and keys inside attention (see <see cref="RotarySpec"/>).</summary>
    Rotary,
}
