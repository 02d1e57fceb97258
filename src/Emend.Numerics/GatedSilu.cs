using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Emend.Numerics.Lanes;

namespace Emend.Numerics;

/// <summary>
/// The gated product of a Llama-style MLP, y = SiLU(gate)·up, fused so that gate and up are read once. Outputs may be
/// one of the input spans itself (in place).
/// </summary>
public static class GatedSilu
{
    public static void Forward(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y)
    {
        OpArguments.RequireLength(up.Length, gate.Length, nameof(up), "the length of gate");
        OpArguments.RequireLength(y.Length, gate.Length, nameof(y), "the length of gate");
        if (Vector512.IsHardwareAccelerated) Forward<Float512, Double512>(gate, up, y);
        else if (Vector256.IsHardwareAccelerated) Forward<Float256, Double256>(gate, up, y);
        else Forward<Float128, Double128>(gate, up, y);
    }

    /// <summary>dGate = dy·up·SiLU'(gate) and dUp = dy·SiLU(gate), both overwritten.</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> dGate, Span<float> dUp)
    {
        OpArguments.RequireLength(dy.Length, gate.Length, nameof(dy), "the length of gate");
        OpArguments.RequireLength(up.Length, gate.Length, nameof(up), "the length of gate");
        OpArguments.RequireLength(dGate.Length, gate.Length, nameof(dGate), "the length of gate");
        OpArguments.RequireLength(dUp.Length, gate.Length, nameof(dUp), "the length of gate");
        if (Vector512.IsHardwareAccelerated) Backward<Float512, Double512>(dy, gate, up, dGate, dUp);
        else if (Vector256.IsHardwareAccelerated) Backward<Float256, Double256>(dy, gate, up, dGate, dUp);
        else Backward<Float128, Double128>(dy, gate, up, dGate, dUp);
    }

    internal static void Forward<TF, TD>(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
        LaneLoops.Map<TF, TD, GatedForward>(default, gate, up, y);

    internal static void Backward<TF, TD>(ReadOnlySpan<float> dy, ReadOnlySpan<float> gate, ReadOnlySpan<float> up,
        Span<float> dGate, Span<float> dUp)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
        LaneLoops.Map<TF, TD, GatedBackward>(default, dy, gate, up, dGate, dUp);

    private readonly struct GatedForward : IBinaryMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TF Apply<TF, TD>(TF gate, TF up) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
            Silu.Value<TF, TD>(gate) * up;
    }

    private readonly struct GatedBackward : ITernaryPairMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<TF, TD>(TF dy, TF gate, TF up, out TF dGate, out TF dUp)
            where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
        {
            var slope = Silu.Derivative<TF, TD>(gate, out var sigma);
            dGate = dy * up * slope;
            dUp = dy * (gate * sigma);
        }
    }
}
