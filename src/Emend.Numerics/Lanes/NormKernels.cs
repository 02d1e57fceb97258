using System.Runtime.CompilerServices;

namespace Emend.Numerics.Lanes;

// Kernels shared by LayerNorm and RmsNorm. RmsNorm is LayerNorm without centring, so it passes mean = 0.

/// <summary>Terms dy·x̂ with x̂ = (x − mean)·rstd, all in float64: the weight gradient of one row.</summary>
internal readonly struct NormalizedProduct(double mean, double rstd) : IBinaryTerms
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Terms<TF, TD>(TF dy, TF x, out TD lower, out TD upper)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        dy.Widen(out var dyLow, out var dyHigh);
        x.Widen(out var xLow, out var xHigh);
        var m = TD.Create(mean);
        var r = TD.Create(rstd);
        lower = dyLow * ((xLow - m) * r);
        upper = dyHigh * ((xHigh - m) * r);
    }
}

/// <summary>Terms dy·w·x̂ in float64: the projection of the upstream gradient on x̂ that the input gradient removes.</summary>
internal readonly struct WeightedNormalizedProduct(double mean, double rstd) : ITernaryTerms
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Terms<TF, TD>(TF dy, TF weight, TF x, out TD lower, out TD upper)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        dy.Widen(out var dyLow, out var dyHigh);
        weight.Widen(out var wLow, out var wHigh);
        x.Widen(out var xLow, out var xHigh);
        var m = TD.Create(mean);
        var r = TD.Create(rstd);
        lower = dyLow * wLow * ((xLow - m) * r);
        upper = dyHigh * wHigh * ((xHigh - m) * r);
    }
}

/// <summary>
/// dx = rstd·(g − meanG − x̂·meanGx̂) with g = dy·w: the input gradient of y = x̂·w (+ b) for one row, where meanG and
/// meanGx̂ are the row means of g and g·x̂ (meanG = 0 for RmsNorm).
/// </summary>
internal readonly struct NormInputGradient(float mean, float rstd, float meanG, float meanGx) : ITernaryMap
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TF Apply<TF, TD>(TF dy, TF weight, TF x) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        var r = TF.Create(rstd);
        var xHat = (x - TF.Create(mean)) * r;
        return r * (dy * weight - TF.MultiplyAdd(xHat, TF.Create(meanGx), TF.Create(meanG)));
    }
}
