using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Emend.Numerics.Lanes;

namespace Emend.Numerics;

/// <summary>
/// LayerNorm over the last dimension, as Hugging Face computes it: biased variance, eps inside the square root,
/// y = (x − mean)·rstd·weight + bias. Mean and variance are accumulated in float64 in two passes (no E[x²] − mean²
/// cancellation), and the forward pass subtracts the mean as a float32 pair (value + residual) so rows far from
/// zero keep full precision. The forward pass saves mean and rstd per row for the backward pass.
/// </summary>
public static class LayerNorm
{
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
        Span<float> mean, Span<float> rstd, int dim, float eps)
    {
        var rows = OpArguments.Rows(x.Length, dim, nameof(x));
        OpArguments.RequireLength(weight.Length, dim, nameof(weight), "dim");
        OpArguments.RequireLength(bias.Length, dim, nameof(bias), "dim");
        OpArguments.RequireLength(y.Length, x.Length, nameof(y), "the length of x");
        OpArguments.RequireLength(mean.Length, rows, nameof(mean), "one per row of x");
        OpArguments.RequireLength(rstd.Length, rows, nameof(rstd), "one per row of x");
        OpArguments.RequireEpsilon(eps);
        if (Vector512.IsHardwareAccelerated) Forward<Float512, Double512>(x, weight, bias, y, mean, rstd, dim, eps);
        else if (Vector256.IsHardwareAccelerated) Forward<Float256, Double256>(x, weight, bias, y, mean, rstd, dim, eps);
        else Forward<Float128, Double128>(x, weight, bias, y, mean, rstd, dim, eps);
    }

    /// <summary>
    /// dx is overwritten (it may be dy itself); dWeight and dBias are accumulated (+=) over all rows, in float64 until
    /// the final add. Pass an empty span for a parameter gradient that is not needed.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dWeight, Span<float> dBias, int dim)
    {
        var rows = OpArguments.Rows(x.Length, dim, nameof(x));
        OpArguments.RequireLength(dy.Length, x.Length, nameof(dy), "the length of x");
        OpArguments.RequireLength(weight.Length, dim, nameof(weight), "dim");
        OpArguments.RequireLength(mean.Length, rows, nameof(mean), "one per row of x");
        OpArguments.RequireLength(rstd.Length, rows, nameof(rstd), "one per row of x");
        OpArguments.RequireLength(dx.Length, x.Length, nameof(dx), "the length of x");
        OpArguments.RequireLengthOrEmpty(dWeight.Length, dim, nameof(dWeight), "dim");
        OpArguments.RequireLengthOrEmpty(dBias.Length, dim, nameof(dBias), "dim");
        if (Vector512.IsHardwareAccelerated) Backward<Float512, Double512>(dy, x, weight, mean, rstd, dx, dWeight, dBias, dim);
        else if (Vector256.IsHardwareAccelerated) Backward<Float256, Double256>(dy, x, weight, mean, rstd, dx, dWeight, dBias, dim);
        else Backward<Float128, Double128>(dy, x, weight, mean, rstd, dx, dWeight, dBias, dim);
    }

    internal static void Forward<TF, TD>(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
        Span<float> mean, Span<float> rstd, int dim, float eps)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        for (var r = 0; r < mean.Length; r++)
        {
            var row = x.Slice(r * dim, dim);
            var rowMean = LaneLoops.Sum<TF, TD, Identity>(default, row) / dim;
            var variance = LaneLoops.Sum<TF, TD, SquaredDeviation>(new SquaredDeviation(rowMean), row) / dim;
            var rowRstd = (float)(1 / Math.Sqrt(variance + eps));
            var meanHigh = (float)rowMean;
            var kernel = new Normalize(meanHigh, (float)(rowMean - meanHigh), rowRstd);
            LaneLoops.Map<TF, TD, Normalize>(kernel, row, weight, bias, y.Slice(r * dim, dim));
            mean[r] = meanHigh;
            rstd[r] = rowRstd;
        }
    }

    internal static void Backward<TF, TD>(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dWeight, Span<float> dBias, int dim)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        using var weightGradient = new ParameterGradientSum(dWeight);
        using var biasGradient = new ParameterGradientSum(dBias);
        for (var r = 0; r < mean.Length; r++)
        {
            var dyRow = dy.Slice(r * dim, dim);
            var row = x.Slice(r * dim, dim);
            // Everything that reads dy happens before dx is written, so dx may share dy's memory.
            if (weightGradient.IsWanted)
                LaneLoops.AddTerms<TF, TD, NormalizedProduct>(new NormalizedProduct(mean[r], rstd[r]), dyRow, row, weightGradient.Sums);
            if (biasGradient.IsWanted)
                LaneLoops.AddTerms<TF, TD, Identity>(default, dyRow, biasGradient.Sums);
            var meanG = LaneLoops.Sum<TF, TD, Product>(default, dyRow, weight) / dim;
            var meanGx = LaneLoops.Sum<TF, TD, WeightedNormalizedProduct>(new WeightedNormalizedProduct(mean[r], rstd[r]), dyRow, weight, row) / dim;
            var kernel = new NormInputGradient(mean[r], rstd[r], (float)meanG, (float)meanGx);
            LaneLoops.Map<TF, TD, NormInputGradient>(kernel, dyRow, weight, row, dx.Slice(r * dim, dim));
        }
        weightGradient.AddToGradient();
        biasGradient.AddToGradient();
    }

    /// <summary>Terms (x − mean)² in float64.</summary>
    private readonly struct SquaredDeviation(double mean) : IUnaryTerms
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Terms<TF, TD>(TF x, out TD lower, out TD upper) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
        {
            x.Widen(out var low, out var high);
            low -= TD.Create(mean);
            high -= TD.Create(mean);
            lower = low * low;
            upper = high * high;
        }
    }

    /// <summary>((x − meanHigh) − meanLow)·rstd·w + b; the two-part mean is as exact as a float64 one.</summary>
    private readonly struct Normalize(float meanHigh, float meanLow, float rstd) : ITernaryMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TF Apply<TF, TD>(TF x, TF weight, TF bias) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
        {
            var xHat = (x - TF.Create(meanHigh) - TF.Create(meanLow)) * TF.Create(rstd);
            return TF.MultiplyAdd(xHat, weight, bias);
        }
    }
}
