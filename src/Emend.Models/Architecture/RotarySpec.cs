using Emend.Numerics;

namespace Emend.Models.Architecture;

/// <summary>
/// Rotary position embedding of each head: the first <paramref name="Dimensions"/> dimensions of every query and key
/// head are rotated (the rest pass through), paired as <paramref name="Layout"/> says, with inverse frequencies
/// θ^(−2j/Dimensions).
/// </summary>
public sealed record RotarySpec(int Dimensions, RotaryLayout Layout, double Theta);
