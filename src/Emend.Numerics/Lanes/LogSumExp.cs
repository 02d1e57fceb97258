using System.Numerics.Tensors;

namespace Emend.Numerics.Lanes;

/// <summary>
/// The row maximum and Σ exp(x − max) shared by softmax, cross-entropy and KL. Subtracting the maximum keeps every
/// exponential in (0, 1]; the exponentials and their sum are float64 because the BCL's float32 exp is off by up to
/// 2 ulp (even exp(0) = 1 + 2⁻²³), which would put a 1e-7 floor under every loss, while the float64 exp is
/// correctly rounded for float32 purposes and costs only ~1.7× in this one pass.
/// </summary>
internal static class LogSumExp
{
    public static (float Max, double SumExp) Of<TF, TD>(ReadOnlySpan<float> row)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        var max = TensorPrimitives.Max(row);
        return (max, LaneLoops.Sum<TF, TD, ShiftedExp>(new ShiftedExp(max), row));
    }

    /// <summary>exp(x[index] − max) exactly as the summing kernel computes it, so it can be taken back out of the sum.</summary>
    public static double ShiftedExpAt<TF, TD>(ReadOnlySpan<float> row, int index, float max)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
        TD.Exp(TD.Create(row[index]) - TD.Create(max)).ToScalar();
}

/// <summary>Terms exp(a − shift), all in float64.</summary>
internal readonly struct ShiftedExp(float shift) : IUnaryTerms
{
    public void Terms<TF, TD>(TF a, out TD lower, out TD upper)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        a.Widen(out var low, out var high);
        lower = TD.Exp(low - TD.Create(shift));
        upper = TD.Exp(high - TD.Create(shift));
    }
}

/// <summary>
/// exp(a − shift)·scale in float32 (within 2 ulp): softmax probabilities, or probabilities already multiplied by an
/// upstream gradient, where float32 accuracy is all the output can hold.
/// </summary>
internal readonly struct ScaledShiftedExp(float shift, float scale) : IUnaryMap
{
    public TF Apply<TF, TD>(TF a) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
        TF.Exp(a - TF.Create(shift)) * TF.Create(scale);
}
