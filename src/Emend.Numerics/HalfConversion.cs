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

    /// <summary>Widens <paramref name="count"/> 16-bit values of the given format; the GEMM packing entry point.</summary>
    internal static void Widen(ElementType type, ushort* source, float* destination, nint count, SimdWidth width)
    {
        switch (type)
        {
            case ElementType.BFloat16:
                Widen<BFloat16Widening>(source, (uint*)destination, count, width);
                break;
            case ElementType.Float16:
                Widen<HalfWidening>(source, (uint*)destination, count, width);
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
            Widen<TConversion>(s, (uint*)d, source.Length, width);
    }

    private static void Narrow<TConversion>(ReadOnlySpan<float> source, Span<ushort> destination, SimdWidth width)
        where TConversion : IBitConversion
    {
        RequireRoom(source.Length, destination.Length);
        fixed (float* s = source)
        fixed (ushort* d = destination)
        {
            nint done = width switch
            {
                SimdWidth.Vector512 => Narrow<TConversion, UInt32Lanes512>((uint*)s, d, source.Length),
                SimdWidth.Vector256 => Narrow<TConversion, UInt32Lanes256>((uint*)s, d, source.Length),
                _ => 0,
            };
            Narrow<TConversion, UInt32Lane>((uint*)s + done, d + done, source.Length - done);
        }
    }

    private static void Widen<TConversion>(ushort* source, uint* destination, nint count, SimdWidth width)
        where TConversion : IBitConversion
    {
        nint done = width switch
        {
            SimdWidth.Vector512 => Widen<TConversion, UInt32Lanes512>(source, destination, count),
            SimdWidth.Vector256 => Widen<TConversion, UInt32Lanes256>(source, destination, count),
            _ => 0,
        };
        Widen<TConversion, UInt32Lane>(source + done, destination + done, count - done);
    }

    /// <summary>Converts whole registers and returns how many elements it converted (the tail is left to the caller).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static nint Widen<TConversion, TLanes>(ushort* source, uint* destination, nint count)
        where TConversion : IBitConversion where TLanes : struct, IUInt32Lanes<TLanes>
    {
        nint i = 0;
        for (; i <= count - TLanes.Count; i += TLanes.Count)
            TLanes.Store(TConversion.Convert(TLanes.LoadWidening(source + i)), destination + i);
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static nint Narrow<TConversion, TLanes>(uint* source, ushort* destination, nint count)
        where TConversion : IBitConversion where TLanes : struct, IUInt32Lanes<TLanes>
    {
        nint i = 0;
        for (; i <= count - TLanes.Count; i += TLanes.Count)
            TLanes.StoreNarrowing(TConversion.Convert(TLanes.Load(source + i)), destination + i);
        return i;
    }

    private static void RequireRoom(int sourceLength, int destinationLength)
    {
        if (destinationLength < sourceLength)
            throw new ArgumentException($"destination holds {destinationLength} elements but the source has {sourceLength}", "destination");
    }
}
