namespace Emend.Models.Checkpoints;

/// <summary>
/// Element-by-element conversion of stored float formats to float32, used when a caller asks for a float32 copy.
/// Correct for every bit pattern (NaN payloads, subnormals, infinities); not tuned for speed.
/// </summary>
internal static class ScalarWidening
{
    public static void HalfToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++) destination[i] = (float)BitConverter.UInt16BitsToHalf(source[i]);
    }

    /// <summary>bfloat16 is the upper half of a float32, so widening is exact: shift the bits into place.</summary>
    public static void BFloat16ToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++) destination[i] = BitConverter.Int32BitsToSingle(source[i] << 16);
    }

    public static void DoubleToSingle(ReadOnlySpan<double> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++) destination[i] = (float)source[i];
    }
}
