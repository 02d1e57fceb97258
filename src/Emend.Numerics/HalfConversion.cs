using System.Runtime.CompilerServices;

namespace Emend.Numerics;

/// <summary>
/// Vectorised conversions between float32 and the two 16-bit float formats found in checkpoints, on raw bit
/// patterns (<see cref="ushort"/>) so that memory-mapped tensors convert without a copy. bfloat16 rounding matches
/// PyTorch's <c>.to(torch.bfloat16)</c> (round to nearest, ties to even; NaN → 0x7FC0); float16 follows IEEE 754
/// (subnormals, infinities, NaN payloads) exactly as <see cref="Half"/> does, only faster.
/// </summary>
public static unsafe class HalfConversion
{
    public static void BFloat16ToSingle(ReadOnlySpan<ushort> source, Span<float> destination) =>
        BFloat16ToSingle(source, destination, SimdWidths.Current);

    public static void HalfToSingle(ReadOnlySpan<ushort> source, Span<float> destination) =>
        HalfToSingle(source, destination, SimdWidths.Current);

    public static void SingleToBFloat16(ReadOnlySpan<float> source, Span<ushort> destination) =>
        SingleToBFloat16(source, destination, SimdWidths.Current);

    public static void SingleToHalf(ReadOnlySpan<float> source, Span<ushort> destination) =>
        SingleToHalf(source, destination, SimdWidths.Current);

    internal static void BFloat16ToSingle(ReadOnlySpan<ushort> source, Span<float> destination, SimdWidth width) =>
        Widen<BFloat16Widening>(source, destination, width);

    internal static void HalfToSingle(ReadOnlySpan<ushort> source, Span<float> destination, SimdWidth width) =>
        Widen<HalfWidening>(source, destination, width);

    internal static void SingleToBFloat16(ReadOnlySpan<float> source, Span<ushort> destination, SimdWidth width) =>
        Narrow<BFloat16Narrowing>(source, destination, width);

    internal static void SingleToHalf(ReadOnlySpan<float> source, Span<ushort> destination, SimdWidth width) =>
        Narrow<HalfNarrowing>(source, destination, width);

    /// <summary>
    /// Widens a <paramref name="rows"/> × <paramref name="cols"/> block of 16-bit values (strides in elements). GEMM
    /// packing converts a whole panel per call, so the format and width dispatch is paid per panel, not per row.
    /// </summary>
    internal static void Widen(ElementType type, ushort* source, nint sourceStride, float* destination, nint destinationStride,
        int rows, int cols, SimdWidth width)
    {
        switch (type)
        {
            case ElementType.BFloat16:
                Widen<BFloat16Widening>(source, sourceStride, (uint*)destination, destinationStride, rows, cols, width);
                break;
            case ElementType.Float16:
                Widen<HalfWidening>(source, sourceStride, (uint*)destination, destinationStride, rows, cols, width);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "only 16-bit formats are widened");
        }
    }

    private static void Widen<TConversion>(ReadOnlySpan<ushort> source, Span<float> destination, SimdWidth width)
        where TConversion : IBitConversion
    {
        RequireRoom(source.Length, destination.Length);
        fixed (ushort* s = source)
        fixed (float* d = destination)
            Widen<TConversion>(s, 0, (uint*)d, 0, 1, source.Length, width);
    }

    private static void Widen<TConversion>(ushort* source, nint sourceStride, uint* destination, nint destinationStride,
        int rows, int cols, SimdWidth width) where TConversion : IBitConversion
    {
        switch (width)
        {
            case SimdWidth.Vector512:
                Widen<TConversion, UInt32Lanes512>(source, sourceStride, destination, destinationStride, rows, cols);
                break;
            case SimdWidth.Vector256:
                Widen<TConversion, UInt32Lanes256>(source, sourceStride, destination, destinationStride, rows, cols);
                break;
            default:
                Widen<TConversion, UInt32Lane>(source, sourceStride, destination, destinationStride, rows, cols);
                break;
        }
    }

    private static void Narrow<TConversion>(ReadOnlySpan<float> source, Span<ushort> destination, SimdWidth width)
        where TConversion : IBitConversion
    {
        RequireRoom(source.Length, destination.Length);
        fixed (float* s = source)
        fixed (ushort* d = destination)
        {
            switch (width)
            {
                case SimdWidth.Vector512:
                    Narrow<TConversion, UInt32Lanes512>((uint*)s, d, source.Length);
                    break;
                case SimdWidth.Vector256:
                    Narrow<TConversion, UInt32Lanes256>((uint*)s, d, source.Length);
                    break;
                default:
                    Narrow<TConversion, UInt32Lane>((uint*)s, d, source.Length);
                    break;
            }
        }
    }

    /// <summary>Whole registers first, then the ragged end of each row one lane at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Widen<TConversion, TLanes>(ushort* source, nint sourceStride, uint* destination, nint destinationStride,
        int rows, int cols) where TConversion : IBitConversion where TLanes : struct, IUInt32Lanes<TLanes>
    {
        for (var r = 0; r < rows; r++, source += sourceStride, destination += destinationStride)
        {
            var i = 0;
            for (; i <= cols - TLanes.Count; i += TLanes.Count)
                TLanes.Store(TConversion.Convert(TLanes.LoadWidening(source + i)), destination + i);
            for (; i < cols; i++)
                UInt32Lane.Store(TConversion.Convert(UInt32Lane.LoadWidening(source + i)), destination + i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Narrow<TConversion, TLanes>(uint* source, ushort* destination, int count)
        where TConversion : IBitConversion where TLanes : struct, IUInt32Lanes<TLanes>
    {
        var i = 0;
        for (; i <= count - TLanes.Count; i += TLanes.Count)
            TLanes.StoreNarrowing(TConversion.Convert(TLanes.Load(source + i)), destination + i);
        for (; i < count; i++)
            UInt32Lane.StoreNarrowing(TConversion.Convert(UInt32Lane.Load(source + i)), destination + i);
    }

    private static void RequireRoom(int sourceLength, int destinationLength)
    {
        if (destinationLength < sourceLength)
            throw new ArgumentException($"destination holds {destinationLength} elements but the source has {sourceLength}", "destination");
    }
}
