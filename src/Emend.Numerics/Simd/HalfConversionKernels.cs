namespace Emend.Numerics;

/// <summary>One element-wise conversion between a 16-bit float format and float32, expressed on raw bits.</summary>
internal interface IBitConversion
{
    static abstract TLanes Convert<TLanes>(TLanes bits) where TLanes : struct, IUInt32Lanes<TLanes>;
}

/// <summary>bfloat16 is the upper half of a float32, so widening is exact and is a shift.</summary>
internal readonly struct BFloat16Widening : IBitConversion
{
    public static TLanes Convert<TLanes>(TLanes bits) where TLanes : struct, IUInt32Lanes<TLanes> => TLanes.ShiftLeft(bits, 16);
}

/// <summary>
/// float32 → bfloat16 rounding to nearest, ties to even, as PyTorch's <c>c10::BFloat16</c>: add 0x7FFF plus the
/// lowest kept bit, then truncate. Overflow rounds to infinity as IEEE requires; every NaN becomes the canonical
/// quiet NaN 0x7FC0 (rounding could otherwise carry a NaN's payload into the exponent and produce infinity).
/// </summary>
internal readonly struct BFloat16Narrowing : IBitConversion
{
    public static TLanes Convert<TLanes>(TLanes bits) where TLanes : struct, IUInt32Lanes<TLanes>
    {
        var lowestKeptBit = TLanes.And(TLanes.ShiftRightLogical(bits, 16), TLanes.Splat(1));
        var rounded = TLanes.ShiftRightLogical(TLanes.Add(bits, TLanes.Add(lowestKeptBit, TLanes.Splat(0x7FFF))), 16);
        var isNaN = TLanes.GreaterThan(TLanes.And(bits, TLanes.Splat(0x7FFF_FFFF)), TLanes.Splat(0x7F80_0000));
        return TLanes.Select(isNaN, TLanes.Splat(0x7FC0), rounded);
    }
}

/// <summary>
/// IEEE binary16 → float32, exact for every input. Normal numbers only need their exponent rebiased (+112);
/// subnormals are rebuilt by a float subtraction that normalises them; infinities keep their sign, and NaNs keep
/// sign and payload with the quiet bit set (what x86 <c>vcvtph2ps</c> and .NET's <c>(float)Half</c> do).
/// </summary>
internal readonly struct HalfWidening : IBitConversion
{
    private const uint ShiftedExponentMask = 0x7C00u << 13;
    private const uint RebiasNormal = (127 - 15) << 23;
    private const uint RebiasSpecial = (128 - 16) << 23;
    private const uint SubnormalMagic = 113u << 23;

    public static TLanes Convert<TLanes>(TLanes bits) where TLanes : struct, IUInt32Lanes<TLanes>
    {
        var magnitude = TLanes.And(bits, TLanes.Splat(0x7FFF));
        var shifted = TLanes.ShiftLeft(magnitude, 13);
        var exponent = TLanes.And(shifted, TLanes.Splat(ShiftedExponentMask));
        var normal = TLanes.Add(shifted, TLanes.Splat(RebiasNormal));

        var quietBit = TLanes.And(TLanes.GreaterThan(magnitude, TLanes.Splat(0x7C00)), TLanes.Splat(0x0040_0000));
        var special = TLanes.Or(TLanes.Add(normal, TLanes.Splat(RebiasSpecial)), quietBit);
        var subnormal = TLanes.SubtractAsSingle(TLanes.Add(normal, TLanes.Splat(1u << 23)), TLanes.Splat(SubnormalMagic));

        var result = TLanes.Select(TLanes.Equal(exponent, TLanes.Splat(ShiftedExponentMask)), special,
            TLanes.Select(TLanes.Equal(exponent, TLanes.Splat(0)), subnormal, normal));
        return TLanes.Or(result, TLanes.ShiftLeft(TLanes.And(bits, TLanes.Splat(0x8000)), 16));
    }
}

/// <summary>
/// float32 → IEEE binary16 rounding to nearest, ties to even. Values too large for binary16 become infinity; results
/// below the normal range are rounded by a float addition that aligns the mantissa to the subnormal grid; NaNs keep
/// sign and the top payload bits with the quiet bit set (as <c>vcvtps2ph</c> and .NET's <c>(Half)float</c>).
/// </summary>
internal readonly struct HalfNarrowing : IBitConversion
{
    private const uint SingleInfinity = 255u << 23;
    private const uint FirstOverflow = (127u + 16) << 23;
    private const uint SmallestNormalHalf = 113u << 23;
    private const uint SubnormalMagic = (127u - 15 + 23 - 10 + 1) << 23;
    private const uint RebiasAndHalfUlp = unchecked((uint)((15 - 127) << 23) + 0xFFF);

    public static TLanes Convert<TLanes>(TLanes bits) where TLanes : struct, IUInt32Lanes<TLanes>
    {
        var magnitude = TLanes.And(bits, TLanes.Splat(0x7FFF_FFFF));
        var sign = TLanes.ShiftRightLogical(TLanes.And(bits, TLanes.Splat(0x8000_0000)), 16);

        var nan = TLanes.Or(TLanes.Splat(0x7E00), TLanes.And(TLanes.ShiftRightLogical(magnitude, 13), TLanes.Splat(0x3FF)));
        var overflow = TLanes.Select(TLanes.GreaterThan(magnitude, TLanes.Splat(SingleInfinity)), nan, TLanes.Splat(0x7C00));

        var subnormal = TLanes.Subtract(TLanes.AddAsSingle(magnitude, TLanes.Splat(SubnormalMagic)), TLanes.Splat(SubnormalMagic));

        var oddMantissa = TLanes.And(TLanes.ShiftRightLogical(magnitude, 13), TLanes.Splat(1));
        var normal = TLanes.ShiftRightLogical(TLanes.Add(TLanes.Add(magnitude, TLanes.Splat(RebiasAndHalfUlp)), oddMantissa), 13);

        var isOverflow = TLanes.GreaterThan(magnitude, TLanes.Splat(FirstOverflow - 1));
        var isSubnormal = TLanes.GreaterThan(TLanes.Splat(SmallestNormalHalf), magnitude);
        var result = TLanes.Select(isOverflow, overflow, TLanes.Select(isSubnormal, subnormal, normal));
        return TLanes.Or(result, sign);
    }
}
