using System.Runtime.CompilerServices;

namespace Emend.Numerics.Lanes;

/// <summary>
/// e^x on SIMD lanes, our own rather than the BCL's Vector*.Exp, for two reasons: the BCL's float32 exp is off by up
/// to 2 ulp (even exp(0) = 1 + 2⁻²³), and it is too large for the JIT to inline into a kernel without profile data,
/// so a kernel compiled straight to optimised code would call it once per register. This one is straight-line code
/// that inlines: x = k·ln2 + r with |r| ≤ ln2/2 (a Cody–Waite split of ln2 keeps r exact), e^r by its Taylor
/// polynomial, and 2^k added to the exponent field. The float64 version uses degree 13 (truncation below 2⁻⁵⁵,
/// within ~1 ulp); the float32 version evaluates degree 8 in float64 (truncation 2e-10) and rounds once, so it is
/// within 0.51 ulp and exact at 0.
/// </summary>
internal static class Exponential
{
    private const double Log2E = 1.4426950408889634;
    private const double Ln2High = 0.6931471803691238;
    private const double Ln2Low = 1.9082149292705877e-10;
    private const double RoundingMagic = 6755399441055744.0;

    // Beyond these the float64 result leaves the normal range: below, it flushes to 0; above, it is +∞.
    private const double LowestNormal = -708.0;
    private const double HighestFinite = 709.0;

    // For float32 results these bounds already round to 0 and +∞, and keep the float64 work in the normal range.
    private const float LowestSingle = -104.0f;
    private const float HighestSingle = 89.0f;

    /// <summary>e^x in float64; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TD Of<TD>(TD x) where TD : struct, IDoubleLanes<TD>
    {
        var clamped = TD.Min(TD.Max(x, TD.Create(LowestNormal)), TD.Create(HighestFinite));
        var shifted = ReduceArgument(clamped, out var r);
        var high = TD.MultiplyAdd(TD.Create(1.0 / 6227020800), r, TD.Create(1.0 / 479001600));
        high = TD.MultiplyAdd(high, r, TD.Create(1.0 / 39916800));
        high = TD.MultiplyAdd(high, r, TD.Create(1.0 / 3628800));
        high = TD.MultiplyAdd(high, r, TD.Create(1.0 / 362880));
        high = TD.MultiplyAdd(high, r, TD.Create(1.0 / 40320));
        var result = TD.AddToExponent(TaylorUpToDegree7(high, r), shifted);
        result = TD.Select(TD.LessThan(x, TD.Create(LowestNormal)), TD.Create(0), result);
        return TD.Select(TD.LessThan(TD.Create(HighestFinite), x), TD.Create(double.PositiveInfinity), result);
    }

    /// <summary>e^x in float32, evaluated in float64 and rounded once; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TF Of<TF, TD>(TF x) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        TF.Min(TF.Max(x, TF.Create(LowestSingle)), TF.Create(HighestSingle)).Widen(out var low, out var high);
        return TF.Narrow(SinglePrecision(low), SinglePrecision(high));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TD SinglePrecision<TD>(TD x) where TD : struct, IDoubleLanes<TD>
    {
        var shifted = ReduceArgument(x, out var r);
        return TD.AddToExponent(TaylorUpToDegree7(TD.Create(1.0 / 40320), r), shifted);
    }

    /// <summary>Finishes Horner's rule for Σ rⁿ/n!: <paramref name="higher"/> holds the terms of degree ≥ 8 divided by r⁸.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TD TaylorUpToDegree7<TD>(TD higher, TD r) where TD : struct, IDoubleLanes<TD>
    {
        var p = TD.MultiplyAdd(higher, r, TD.Create(1.0 / 5040));
        p = TD.MultiplyAdd(p, r, TD.Create(1.0 / 720));
        p = TD.MultiplyAdd(p, r, TD.Create(1.0 / 120));
        p = TD.MultiplyAdd(p, r, TD.Create(1.0 / 24));
        p = TD.MultiplyAdd(p, r, TD.Create(1.0 / 6));
        p = TD.MultiplyAdd(p, r, TD.Create(1.0 / 2));
        p = TD.MultiplyAdd(p, r, TD.Create(1.0));
        return TD.MultiplyAdd(p, r, TD.Create(1.0));
    }

    /// <summary>Splits x = k·ln2 + r; returns k + 1.5·2⁵² (k in its low bits, for AddToExponent).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TD ReduceArgument<TD>(TD x, out TD r) where TD : struct, IDoubleLanes<TD>
    {
        var shifted = TD.MultiplyAdd(x, TD.Create(Log2E), TD.Create(RoundingMagic));
        var k = shifted - TD.Create(RoundingMagic);
        r = TD.MultiplyAdd(k, TD.Create(-Ln2Low), TD.MultiplyAdd(k, TD.Create(-Ln2High), x));
        return shifted;
    }
}
