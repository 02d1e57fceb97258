namespace Emend.Numerics.Tests;

public class HalfConversionTests
{

    /// <summary>Every 16-bit pattern, then a few more so the vector loops also leave a scalar tail.</summary>
    private static ushort[] AllPatternsAndATail()
    {
        var bits = new ushort[65536 + 13];
        for (var i = 0; i < bits.Length; i++) bits[i] = (ushort)(i * 40503);
        for (var i = 0; i < 65536; i++) bits[i] = (ushort)i;
        return bits;
    }

    [Theory]
    [InlineData(nameof(SimdWidth.Scalar))]
    [InlineData(nameof(SimdWidth.Vector256))]
    [InlineData(nameof(SimdWidth.Vector512))]
    public void BFloat16WideningIsExactForEveryPattern(string widthName)
    {
        var width = Enum.Parse<SimdWidth>(widthName);
        var bits = AllPatternsAndATail();
        var wide = new float[bits.Length];
        HalfConversion.BFloat16ToSingle(bits, wide, width);
        for (var i = 0; i < bits.Length; i++)
            Assert.Equal(BitConverter.Int32BitsToSingle(bits[i] << 16), wide[i]);
        for (var i = 0; i < bits.Length; i++)
            Assert.Equal((uint)bits[i] << 16, BitConverter.SingleToUInt32Bits(wide[i]));
    }

    [Theory]
    [InlineData(nameof(SimdWidth.Scalar))]
    [InlineData(nameof(SimdWidth.Vector256))]
    [InlineData(nameof(SimdWidth.Vector512))]
    public void HalfWideningMatchesSystemHalfForEveryPattern(string widthName)
    {
        var width = Enum.Parse<SimdWidth>(widthName);
        var bits = AllPatternsAndATail();
        var wide = new float[bits.Length];
        HalfConversion.HalfToSingle(bits, wide, width);
        for (var i = 0; i < bits.Length; i++)
        {
            var expected = BitConverter.SingleToUInt32Bits((float)BitConverter.UInt16BitsToHalf(bits[i]));
            Assert.True(expected == BitConverter.SingleToUInt32Bits(wide[i]), $"fp16 0x{bits[i]:X4}: expected 0x{expected:X8}, got 0x{BitConverter.SingleToUInt32Bits(wide[i]):X8}");
        }
    }

    [Theory]
    [InlineData(nameof(SimdWidth.Scalar))]
    [InlineData(nameof(SimdWidth.Vector256))]
    [InlineData(nameof(SimdWidth.Vector512))]
    public void BFloat16NarrowingRoundsToNearestEven(string widthName)
    {
        var width = Enum.Parse<SimdWidth>(widthName);
        var inputs = NarrowingInputs();
        var narrow = new ushort[inputs.Length];
        HalfConversion.SingleToBFloat16(inputs, narrow, width);
        for (var i = 0; i < inputs.Length; i++)
        {
            var expected = ReferenceBFloat16(inputs[i]);
            Assert.True(expected == narrow[i], $"fp32 0x{BitConverter.SingleToUInt32Bits(inputs[i]):X8}: expected 0x{expected:X4}, got 0x{narrow[i]:X4}");
        }
    }

    [Theory]
    [InlineData(nameof(SimdWidth.Scalar))]
    [InlineData(nameof(SimdWidth.Vector256))]
    [InlineData(nameof(SimdWidth.Vector512))]
    public void HalfNarrowingMatchesSystemHalf(string widthName)
    {
        var width = Enum.Parse<SimdWidth>(widthName);
        var inputs = NarrowingInputs();
        var narrow = new ushort[inputs.Length];
        HalfConversion.SingleToHalf(inputs, narrow, width);
        for (var i = 0; i < inputs.Length; i++)
        {
            var expected = BitConverter.HalfToUInt16Bits((Half)inputs[i]);
            Assert.True(expected == narrow[i], $"fp32 0x{BitConverter.SingleToUInt32Bits(inputs[i]):X8}: expected 0x{expected:X4}, got 0x{narrow[i]:X4}");
        }
    }

    [Fact]
    public void BFloat16NarrowingTiesGoToEvenAndNaNStaysNaN()
    {
        float[] inputs =
        [
            BitConverter.UInt32BitsToSingle(0x3F80_8000), // 1 + 2^-8: halfway, 0x3F80 is even → down
            BitConverter.UInt32BitsToSingle(0x3F81_8000), // halfway above odd 0x3F81 → up to 0x3F82
            BitConverter.UInt32BitsToSingle(0x3F80_8001), // just above halfway → up
            float.MaxValue, float.NaN, -float.NaN, BitConverter.UInt32BitsToSingle(0x7F80_0001), float.NegativeInfinity,
        ];
        var narrow = new ushort[inputs.Length];
        HalfConversion.SingleToBFloat16(inputs, narrow);
        Assert.Equal([0x3F80, 0x3F82, 0x3F81, 0x7F80, 0x7FC0, 0x7FC0, 0x7FC0, 0xFF80], narrow);
    }

    [Fact]
    public void ShortDestinationIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => HalfConversion.BFloat16ToSingle(new ushort[4], new float[3]));
        Assert.Contains("destination holds 3", error.Message);
    }

    /// <summary>
    /// Rounding-sensitive float32 inputs: every bf16/fp16 boundary neighbourhood is reached by taking all 65536 upper
    /// halves with low halves at and around the halfway point, plus random patterns and the fp16 subnormal range.
    /// </summary>
    private static float[] NarrowingInputs()
    {
        uint[] lowHalves = [0x0000, 0x0001, 0x7FFF, 0x8000, 0x8001, 0xFFFF];
        var values = new List<float>();
        for (uint high = 0; high < 65536; high++)
            foreach (var low in lowHalves)
                values.Add(BitConverter.UInt32BitsToSingle(high << 16 | low));
        var random = new Random(1234);
        for (var i = 0; i < 200_000; i++)
            values.Add(BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32)));
        for (uint bits = 0x3300_0000; bits < 0x3900_0000; bits += 0x1FF)
            values.Add(BitConverter.UInt32BitsToSingle(bits));
        return [.. values];
    }

    /// <summary>
    /// bfloat16 by exact comparison of distances in float64 (independent of the bias trick under test): pick the
    /// nearer of the two bf16 neighbours, the even one on a tie; overflow past the largest bf16 goes to infinity.
    /// </summary>
    private static ushort ReferenceBFloat16(float value)
    {
        if (float.IsNaN(value)) return 0x7FC0;
        var bits = BitConverter.SingleToUInt32Bits(value);
        var truncated = (ushort)(bits >> 16);
        if (float.IsInfinity(value)) return truncated;
        double below = Math.Abs((double)BitConverter.UInt32BitsToSingle((uint)truncated << 16));
        double magnitude = Math.Abs((double)value);
        var isLargestFinite = (truncated & 0x7FFF) == 0x7F7F;
        double above = isLargestFinite ? below + Math.Pow(2, 127 - 7) : Math.Abs((double)BitConverter.UInt32BitsToSingle((uint)(truncated + 1) << 16));
        var up = magnitude - below > above - magnitude || (magnitude - below == above - magnitude && (truncated & 1) == 1);
        return up ? (ushort)(truncated + 1) : truncated;
    }
}
