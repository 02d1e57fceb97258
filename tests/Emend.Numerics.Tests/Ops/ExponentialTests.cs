using Emend.Numerics.Lanes;

namespace Emend.Numerics.Tests.Ops;

/// <summary>The lane exponential that every softmax, sigmoid and loss goes through, against Math.Exp.</summary>
public class ExponentialTests
{
    private static double Double(double x) => Exponential.Of(Double128.Create(x)).ToScalar();

    private static float Single(float x) => Exponential.Of<Float128, Double128>(Float128.Create(x)).ToScalar();

    [Fact]
    public void Float64IsWithinTwoUlpOverTheNormalRange()
    {
        for (var x = -708.0; x <= 709.0; x += 0.0137)
        {
            var expected = Math.Exp(x);
            Expect.Close(Double(x), expected, 2 * (Math.BitIncrement(expected) - expected), $"exp({x:R})");
        }
    }

    [Fact]
    public void Float32IsCorrectlyRoundedAlmostEverywhere()
    {
        // Degree-8 float64 evaluation (relative error 2e-10) then one rounding: off by one ulp only within 2e-10 of a
        // rounding tie, so at most a few in a million; never more than one ulp.
        var random = new Random(700);
        var misrounded = 0;
        const int samples = 200_000;
        for (var i = 0; i < samples; i++)
        {
            var x = (float)(random.NextDouble() * 190 - 102);
            var expected = (float)Math.Exp(x);
            var actual = Single(x);
            if (actual != expected)
            {
                misrounded++;
                Assert.True(actual == MathF.BitIncrement(expected) || actual == MathF.BitDecrement(expected), $"exp({x:R}) = {actual:R}, expected {expected:R}");
            }
        }
        Assert.InRange(misrounded, 0, samples / 1000);
    }

    [Fact]
    public void ExactAtZeroAndSaturatesAtTheEnds()
    {
        Assert.Equal(1f, Single(0));
        Assert.Equal(1f, Single(-0f));
        Assert.Equal(1.0, Double(0));
        Assert.Equal(float.PositiveInfinity, Single(89));
        Assert.Equal(float.PositiveInfinity, Single(float.PositiveInfinity));
        Assert.Equal(0f, Single(-104));
        Assert.Equal(0f, Single(float.NegativeInfinity));
        Assert.Equal(float.Epsilon, Single(-103.5f));
        Assert.Equal(double.PositiveInfinity, Double(710));
        Assert.Equal(0.0, Double(-800));
        Assert.Equal(0.0, Double(double.NegativeInfinity));
        Assert.True(float.IsNaN(Single(float.NaN)));
        Assert.True(double.IsNaN(Double(double.NaN)));
    }
}
