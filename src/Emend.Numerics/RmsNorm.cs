using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Emend.Numerics.Lanes;

namespace Emend.Numerics;

/// <summary>
/// RMSNorm over the last dimension as Llama computes it in float32: y = (x·rstd)·weight with
/// rstd = 1/√(mean(x²) + eps); the mean of squares is accumulated in float64. The forward pass saves rstd per row.
/// </summary>
public static class RmsNorm
{
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, Span<float> y, Span<float> rstd, int dim, float eps)
    {
        var rows = OpArguments.Rows(x.Length, dim, nameof(x));
        OpArguments.RequireLength(weight.Length, dim, nameof(weight), "dim");
        OpArguments.RequireLength(y.Length, x.Length, nameof(y), "the length of x");
        OpArguments.RequireLength(rstd.Length, rows, nameof(rstd), "one per row of x");
        OpArguments.RequireEpsilon(eps);
        if (Vector512.IsHardwareAccelerated) Forward<Float512, Double512>(x, weight, y, rstd, dim, eps);
        else if (Vector256.IsHardwareAccelerated) Forward<Float256, Double256>(x, weight, y, rstd, dim, eps);
        else Forward<Float128, Double128>(x, weight, y, rstd, dim, eps);
    }

    /// <summary>
    /// dx is overwritten (it may be dy itself); dWeight is accumulated (+=) over all rows, in float64 until the final
    /// add, or skipped when empty.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> rstd,
        Span<float> dx, Span<float> dWeight, int dim)
    {
        var rows = OpArguments.Rows(x.Length, dim, nameof(x));
        OpArguments.RequireLength(dy.Length, x.Length, nameof(dy), "the length of x");
        OpArguments.RequireLength(weight.Length, dim, nameof(weight), "dim");
        OpArguments.RequireLength(rstd.Length, rows, nameof(rstd), "one per row of x");
        OpArguments.RequireLength(dx.Length, x.Length, nameof(dx), "the length of x");
        OpArguments.RequireLengthOrEmpty(dWeight.Length, dim, nameof(dWeight), "dim");
        if (Vector512.IsHardwareAccelerated) Backward<Float512, Double512>(dy, x, weight, rstd, dx, dWeight, dim);
        else if (Vector256.IsHardwareAccelerated) Backward<Float256, Double256>(dy, x, weight, rstd, dx, dWeight, dim);
        else Backward<Float128, Double128>(dy, x, weight, rstd, dx, dWeight, dim);
    }

    internal static void Forward<TF, TD>(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, Span<float> y, Span<float> rstd, int dim, float eps)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        for (var r = 0; r < rstd.Length; r++)
        {
            var row = x.Slice(r * dim, dim);
            var meanSquare = LaneLoops.Sum<TF, TD, Square>(default, row) / dim;
            rstd[r] = (float)(1 / Math.Sqrt(meanSquare + eps));
            LaneLoops.Map<TF, TD, ScaleThenWeight>(new ScaleThenWeight(rstd[r]), row, weight, y.Slice(r * dim, dim));
        }
    }

    internal static void Backward<TF, TD>(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dWeight, int dim)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        using var weightGradient = new ParameterGradientSum(dWeight);
        for (var r = 0; r < rstd.Length; r++)
        {
            var dyRow = dy.Slice(r * dim, dim);
            var row = x.Slice(r * dim, dim);
            if (weightGradient.IsWanted)
                LaneLoops.AddTerms<TF, TD, NormalizedProduct>(new NormalizedProduct(0, rstd[r]), dyRow, row, weightGradient.Sums);
            var meanGx = LaneLoops.Sum<TF, TD, WeightedNormalizedProduct>(new WeightedNormalizedProduct(0, rstd[r]), dyRow, weight, row) / dim;
            var kernel = new NormInputGradient(0, rstd[r], 0, (float)meanGx);
            LaneLoops.Map<TF, TD, NormInputGradient>(kernel, dyRow, weight, row, dx.Slice(r * dim, dim));
        }
        weightGradient.AddToGradient();
    }

    /// <summary>(x·rstd)·w, rounding in the same order as Hugging Face's Llama RMSNorm.</summary>
    private readonly struct ScaleThenWeight(float rstd) : IBinaryMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TF Apply<TF, TD>(TF x, TF weight) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
            x * TF.Create(rstd) * weight;
    }
}
