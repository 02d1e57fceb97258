using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Emend.Numerics.Lanes;

namespace Emend.Numerics;

/// <summary>
/// GELU, elementwise, in both checkpoint flavours (<see cref="GeluKind"/>). The tanh form is evaluated as
/// x·σ(2u) with u = √(2/π)(x + 0.044715x³), an identity for 0.5x(1 + tanh u) that avoids the cancellation of 1 + tanh u
/// for x ≪ 0 and saturates cleanly for large |x|. The erf form is x·Φ(x) with Φ computed in float64
/// (<see cref="ErrorFunction"/>). Output spans may be the input span itself (in place).
/// </summary>
public static class Gelu
{
    private const double TwoSqrtTwoOverPi = 1.5957691216057307;
    private const float Linear = (float)TwoSqrtTwoOverPi;
    private const float Cubic = (float)(TwoSqrtTwoOverPi * 0.044715);
    private const double InverseSqrtTwoPi = 0.3989422804014327;

    public static void Forward(ReadOnlySpan<float> x, Span<float> y, GeluKind kind)
    {
        OpArguments.RequireLength(y.Length, x.Length, nameof(y), "the length of x");
        if (Vector512.IsHardwareAccelerated) Forward<Float512, Double512>(x, y, kind);
        else if (Vector256.IsHardwareAccelerated) Forward<Float256, Double256>(x, y, kind);
        else Forward<Float128, Double128>(x, y, kind);
    }

    /// <summary>dx = dy·GELU'(x); dx is overwritten and may be dy itself.</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dx, GeluKind kind)
    {
        OpArguments.RequireLength(dy.Length, x.Length, nameof(dy), "the length of x");
        OpArguments.RequireLength(dx.Length, x.Length, nameof(dx), "the length of x");
        if (Vector512.IsHardwareAccelerated) Backward<Float512, Double512>(dy, x, dx, kind);
        else if (Vector256.IsHardwareAccelerated) Backward<Float256, Double256>(dy, x, dx, kind);
        else Backward<Float128, Double128>(dy, x, dx, kind);
    }

    internal static void Forward<TF, TD>(ReadOnlySpan<float> x, Span<float> y, GeluKind kind)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        switch (kind)
        {
            case GeluKind.Tanh: LaneLoops.Map<TF, TD, TanhForward>(default, x, y); break;
            case GeluKind.Erf: LaneLoops.Map<TF, TD, ErfForward>(default, x, y); break;
            default: throw UnknownKind(kind);
        }
    }

    internal static void Backward<TF, TD>(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dx, GeluKind kind)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        switch (kind)
        {
            case GeluKind.Tanh: LaneLoops.Map<TF, TD, TanhBackward>(default, dy, x, dx); break;
            case GeluKind.Erf: LaneLoops.Map<TF, TD, ErfBackward>(default, dy, x, dx); break;
            default: throw UnknownKind(kind);
        }
    }

    private static ArgumentOutOfRangeException UnknownKind(GeluKind kind) =>
        new(nameof(kind), kind, $"unknown GELU kind; expected {GeluKind.Tanh} or {GeluKind.Erf}");

    /// <summary>2u = x·(c₁ + c₃x²), the argument of σ in x·σ(2u).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TF TwiceTanhArgument<TF, TD>(TF x) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
        x * TF.MultiplyAdd(TF.Create(Cubic), x * x, TF.Create(Linear));

    private readonly struct TanhForward : IUnaryMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TF Apply<TF, TD>(TF x) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
            x / (TF.Create(1) + Exponential.Of<TF, TD>(-TwiceTanhArgument<TF, TD>(x)));
    }

    /// <summary>d/dx x·σ(z) = σ·(1 + x·(1−σ)·z′) with z = 2u, z′ = c₁ + 3c₃x².</summary>
    private readonly struct TanhBackward : IBinaryMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TF Apply<TF, TD>(TF dy, TF x) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
        {
            x = Logistic.ClampSaturated<TF, TD>(x);
            var sigma = Logistic.WithComplement<TF, TD>(TwiceTanhArgument<TF, TD>(x), out var complement);
            var slope = TF.MultiplyAdd(TF.Create(3 * Cubic), x * x, TF.Create(Linear));
            return dy * sigma * TF.MultiplyAdd(x * complement, slope, TF.Create(1));
        }
    }

    private readonly struct ErfForward : IUnaryMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TF Apply<TF, TD>(TF x) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
        {
            x.Widen(out var low, out var high);
            return TF.Narrow(low * ErrorFunction.NormalCdf(low), high * ErrorFunction.NormalCdf(high));
        }
    }

    /// <summary>d/dx x·Φ(x) = Φ(x) + x·φ(x), in float64.</summary>
    private readonly struct ErfBackward : IBinaryMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TF Apply<TF, TD>(TF dy, TF x) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
        {
            dy.Widen(out var dyLow, out var dyHigh);
            Logistic.ClampSaturated<TF, TD>(x).Widen(out var low, out var high);
            return TF.Narrow(dyLow * Derivative(low), dyHigh * Derivative(high));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TD Derivative<TD>(TD x) where TD : struct, IDoubleLanes<TD>
        {
            var density = Exponential.Of(x * x * TD.Create(-0.5)) * TD.Create(InverseSqrtTwoPi);
            return TD.MultiplyAdd(x, density, ErrorFunction.NormalCdf(x));
        }
    }
}
