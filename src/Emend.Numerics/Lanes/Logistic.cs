using System.Runtime.CompilerServices;

namespace Emend.Numerics.Lanes;

/// <summary>
/// The logistic sigmoid σ(z) = 1/(1+e^−z) and its complement, shared by SiLU and the tanh form of GELU.
/// </summary>
internal static class Logistic
{
    /// <summary>
    /// σ(z) and 1 − σ(z), both with full relative accuracy: for z ≥ 0 the complement is e^−z·σ(z) rather than the
    /// cancelling 1 − σ. Overflow of e^−z for z ≪ 0 gives σ = 0 and complement 1, the correct limits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TF WithComplement<TF, TD>(TF z, out TF complement)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        var expMinus = Exponential.Of<TF, TD>(-z);
        var sigma = TF.Create(1) / (TF.Create(1) + expMinus);
        complement = TF.Select(TF.LessThan(z, TF.Create(0)), TF.Create(1) - sigma, expMinus * sigma);
        return sigma;
    }

    /// <summary>
    /// Clamps z to ±128, where σ is already exactly 0 or 1 in float32 (|z| &gt; 104 under- or overflows e^−z), so
    /// derivative formulas that multiply z by σ(1−σ) stay 0 for infinite z instead of becoming ∞·0 = NaN. GELU-erf
    /// uses it for the same reason: Φ and the normal density saturate in float64 beyond |x| ≈ 39.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TF ClampSaturated<TF, TD>(TF z)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
        TF.Min(TF.Max(z, TF.Create(-SaturationLimit)), TF.Create(SaturationLimit));

    private const float SaturationLimit = 128f;
}
