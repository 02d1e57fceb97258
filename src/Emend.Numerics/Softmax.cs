using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Emend.Numerics.Lanes;

namespace Emend.Numerics;

/// <summary>
/// Softmax and log-softmax over the last dimension of a row-major [rows, dim] buffer. The row maximum is subtracted
/// before exponentiating and Σexp is accumulated in float64 (<see cref="LogSumExp"/>), so huge logits neither
/// overflow nor lose the small probabilities; log-softmax uses float64 exponentials, so log-probabilities near 0
/// keep their relative accuracy. A row holding only −∞ has no distribution and yields NaN.
/// Outputs may be the input span itself (in place).
/// </summary>
public static class Softmax
{
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int dim)
    {
        CheckShapes(x.Length, y.Length, nameof(x), nameof(y), dim);
        if (Vector512.IsHardwareAccelerated) Forward<Float512, Double512>(x, y, dim);
        else if (Vector256.IsHardwareAccelerated) Forward<Float256, Double256>(x, y, dim);
        else Forward<Float128, Double128>(x, y, dim);
    }

    /// <summary>dx = y ⊙ (dy − ⟨dy, y⟩) per row, from the forward output y; dx is overwritten and may be dy itself.</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> y, Span<float> dx, int dim)
    {
        CheckShapes(y.Length, dy.Length, nameof(y), nameof(dy), dim);
        OpArguments.RequireLength(dx.Length, y.Length, nameof(dx), "the length of y");
        if (Vector512.IsHardwareAccelerated) Backward<Float512, Double512>(dy, y, dx, dim);
        else if (Vector256.IsHardwareAccelerated) Backward<Float256, Double256>(dy, y, dx, dim);
        else Backward<Float128, Double128>(dy, y, dx, dim);
    }

    /// <summary>y = x − max − log Σexp(x − max) per row.</summary>
    public static void LogForward(ReadOnlySpan<float> x, Span<float> y, int dim)
    {
        CheckShapes(x.Length, y.Length, nameof(x), nameof(y), dim);
        if (Vector512.IsHardwareAccelerated) LogForward<Float512, Double512>(x, y, dim);
        else if (Vector256.IsHardwareAccelerated) LogForward<Float256, Double256>(x, y, dim);
        else LogForward<Float128, Double128>(x, y, dim);
    }

    /// <summary>dx = dy − exp(y)·Σdy per row, from the forward output y (log-probabilities); dx may be dy itself.</summary>
    public static void LogBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> y, Span<float> dx, int dim)
    {
        CheckShapes(y.Length, dy.Length, nameof(y), nameof(dy), dim);
        OpArguments.RequireLength(dx.Length, y.Length, nameof(dx), "the length of y");
        if (Vector512.IsHardwareAccelerated) LogBackward<Float512, Double512>(dy, y, dx, dim);
        else if (Vector256.IsHardwareAccelerated) LogBackward<Float256, Double256>(dy, y, dx, dim);
        else LogBackward<Float128, Double128>(dy, y, dx, dim);
    }

    internal static void Forward<TF, TD>(ReadOnlySpan<float> x, Span<float> y, int dim)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        for (var start = 0; start < x.Length; start += dim)
        {
            var yRow = y.Slice(start, dim);
            var sumExp = LogSumExp.Exponentiate<TF, TD>(x.Slice(start, dim), yRow);
            TensorPrimitives.Multiply(yRow, (float)(1 / sumExp), yRow);
        }
    }

    internal static void Backward<TF, TD>(ReadOnlySpan<float> dy, ReadOnlySpan<float> y, Span<float> dx, int dim)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        for (var start = 0; start < y.Length; start += dim)
        {
            var dyRow = dy.Slice(start, dim);
            var yRow = y.Slice(start, dim);
            var projection = LaneLoops.Sum<TF, TD, Product>(default, dyRow, yRow);
            LaneLoops.Map<TF, TD, SoftmaxGradient>(new SoftmaxGradient((float)projection), dyRow, yRow, dx.Slice(start, dim));
        }
    }

    internal static void LogForward<TF, TD>(ReadOnlySpan<float> x, Span<float> y, int dim)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        for (var start = 0; start < x.Length; start += dim)
        {
            var row = x.Slice(start, dim);
            var (max, sumExp) = LogSumExp.Of<TF, TD>(row);
            LaneLoops.Map<TF, TD, LogShift>(new LogShift(max, (float)Math.Log(sumExp)), row, y.Slice(start, dim));
        }
    }

    internal static void LogBackward<TF, TD>(ReadOnlySpan<float> dy, ReadOnlySpan<float> y, Span<float> dx, int dim)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        for (var start = 0; start < y.Length; start += dim)
        {
            var dyRow = dy.Slice(start, dim);
            var total = LaneLoops.Sum<TF, TD, Identity>(default, dyRow);
            LaneLoops.Map<TF, TD, LogSoftmaxGradient>(new LogSoftmaxGradient((float)total), dyRow, y.Slice(start, dim), dx.Slice(start, dim));
        }
    }

    private static void CheckShapes(int inputLength, int otherLength, string inputName, string otherName, int dim)
    {
        OpArguments.Rows(inputLength, dim, inputName);
        OpArguments.RequireLength(otherLength, inputLength, otherName, $"the length of {inputName}");
    }

    /// <summary>(x − max) − log Σ: subtracting the two parts separately keeps the result exact to rounding even when
    /// the logits are large and the log-probability is small.</summary>
    private readonly struct LogShift(float max, float logSumExp) : IUnaryMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TF Apply<TF, TD>(TF x) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
            x - TF.Create(max) - TF.Create(logSumExp);
    }

    private readonly struct SoftmaxGradient(float projection) : IBinaryMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TF Apply<TF, TD>(TF dy, TF y) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
            y * (dy - TF.Create(projection));
    }

    private readonly struct LogSoftmaxGradient(float total) : IBinaryMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TF Apply<TF, TD>(TF dy, TF y) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
            dy - Exponential.Of<TF, TD>(y) * TF.Create(total);
    }
}
