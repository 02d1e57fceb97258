using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Emend.Numerics.Lanes;

/// <summary>
/// Row exponentials after subtracting the row maximum (so every exponential lies in (0, 1]), in two flavours.
/// <see cref="Of"/> forms x − max and its exponential in float64, for losses and log-probabilities: rounding x − max
/// to float32 first would cost ε·|x − max| relative in each term. <c>Exponentiate</c> writes float32
/// exponentials and sums what it wrote, for outputs that are probabilities (or gradients proportional to them): they
/// hold only float32 accuracy anyway, normalising by the sum of the stored values keeps them summing to 1, and it is
/// about twice as fast.
/// </summary>
internal static class LogSumExp
{
    public static (float Max, double SumExp) Of<TF, TD>(ReadOnlySpan<float> row)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        var max = TensorPrimitives.Max(row);
        return (max, LaneLoops.Sum<TF, TD, ShiftedExp>(new ShiftedExp(max), row));
    }

    /// <summary>exponentials[j] = exp(row[j] − max) in float32; returns Σ exponentials, summed in float64.</summary>
    public static double Exponentiate<TF, TD>(ReadOnlySpan<float> row, Span<float> exponentials)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
        Exponentiate<TF, TD>(row, TensorPrimitives.Max(row), exponentials);

    /// <summary>As above with the row maximum already known (a caller that also needs it scans the row once).</summary>
    public static double Exponentiate<TF, TD>(ReadOnlySpan<float> row, float max, Span<float> exponentials)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        LaneLoops.Map<TF, TD, ShiftedFloatExp>(new ShiftedFloatExp(max), row, exponentials);
        return LaneLoops.Sum<TF, TD, Identity>(default, exponentials);
    }

    /// <summary>Terms exp(a − shift), all in float64.</summary>
    private readonly struct ShiftedExp(float shift) : IUnaryTerms
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Terms<TF, TD>(TF a, out TD lower, out TD upper)
            where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
        {
            a.Widen(out var low, out var high);
            lower = Exponential.Of(low - TD.Create(shift));
            upper = Exponential.Of(high - TD.Create(shift));
        }
    }

    private readonly struct ShiftedFloatExp(float shift) : IUnaryMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TF Apply<TF, TD>(TF a) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
            Exponential.Of<TF, TD>(a - TF.Create(shift));
    }
}

/// <summary>Terms exp(a) in float64: the total mass of a distribution given by log-probabilities.</summary>
internal readonly struct ExpTerms : IUnaryTerms
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Terms<TF, TD>(TF a, out TD lower, out TD upper)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        a.Widen(out var low, out var high);
        lower = Exponential.Of(low);
        upper = Exponential.Of(high);
    }
}
