using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Emend.Numerics.Lanes;

namespace Emend.Numerics;

/// <summary>SiLU (swish), x·σ(x), elementwise. Output spans may be the input span itself (in place).</summary>
public static class Silu
{
    public static void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        OpArguments.RequireLength(y.Length, x.Length, nameof(y), "the length of x");
        if (Vector512.IsHardwareAccelerated) Forward<Float512, Double512>(x, y);
        else if (Vector256.IsHardwareAccelerated) Forward<Float256, Double256>(x, y);
        else Forward<Float128, Double128>(x, y);
    }

    /// <summary>dx = dy·SiLU'(x); dx is overwritten and may be dy itself.</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dx)
    {
        OpArguments.RequireLength(dy.Length, x.Length, nameof(dy), "the length of x");
        OpArguments.RequireLength(dx.Length, x.Length, nameof(dx), "the length of x");
        if (Vector512.IsHardwareAccelerated) Backward<Float512, Double512>(dy, x, dx);
        else if (Vector256.IsHardwareAccelerated) Backward<Float256, Double256>(dy, x, dx);
        else Backward<Float128, Double128>(dy, x, dx);
    }

    internal static void Forward<TF, TD>(ReadOnlySpan<float> x, Span<float> y)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
        LaneLoops.Map<TF, TD, SiluForward>(default, x, y);

    internal static void Backward<TF, TD>(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dx)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
        LaneLoops.Map<TF, TD, SiluBackward>(default, dy, x, dx);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TF Value<TF, TD>(TF x) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
        x / (TF.Create(1) + Exponential.Of<TF, TD>(-x));

    /// <summary>SiLU'(x) = σ(x)·(1 + x·(1 − σ(x))), returning σ(x) too for callers that also need SiLU itself.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TF Derivative<TF, TD>(TF x, out TF sigma) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        var clamped = Logistic.ClampSaturated<TF, TD>(x);
        sigma = Logistic.WithComplement<TF, TD>(clamped, out var complement);
        return sigma * TF.MultiplyAdd(clamped, complement, TF.Create(1));
    }

    private readonly struct SiluForward : IUnaryMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TF Apply<TF, TD>(TF x) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> => Value<TF, TD>(x);
    }

    private readonly struct SiluBackward : IBinaryMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TF Apply<TF, TD>(TF dy, TF x) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
            dy * Derivative<TF, TD>(x, out _);
    }
}
