using System.Numerics.Tensors;

namespace Emend.Numerics.Lanes;

/// <summary>
/// The row maximum and Σ exp(x − max) in float64 shared by softmax, cross-entropy and KL: subtracting the maximum
/// keeps every exponential in (0, 1], and the float64 sum keeps a 50k-entry vocabulary row exact to float32 rounding.
/// </summary>
internal static class LogSumExp
{
    public static (float Max, double SumExp) Of<TF, TD>(ReadOnlySpan<float> row)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        var max = TensorPrimitives.Max(row);
        return (max, LaneLoops.Sum<TF, TD, ShiftedExp>(new ShiftedExp(max), row));
    }

    /// <summary>exp(x[index] − max) exactly as the summing kernel rounds it, so it can be taken back out of the sum.</summary>
    public static float ShiftedExpAt<TF, TD>(ReadOnlySpan<float> row, int index, float max)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
        TF.Exp(TF.Create(row[index] - max)).ToScalar();
}

/// <summary>Terms exp(a − shift), exponentials in float32 and the sum in float64.</summary>
internal readonly struct ShiftedExp(float shift) : IUnaryTerms
{
    public void Terms<TF, TD>(TF a, out TD lower, out TD upper)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
        TF.Exp(a - TF.Create(shift)).Widen(out lower, out upper);
}

/// <summary>exp(a − shift)·scale: softmax probabilities, or probabilities already multiplied by an upstream gradient.</summary>
internal readonly struct ScaledShiftedExp(float shift, float scale) : IUnaryMap
{
    public TF Apply<TF, TD>(TF a) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
        TF.Exp(a - TF.Create(shift)) * TF.Create(scale);
}
