namespace Emend.Numerics.Tests.Ops;

public class ErrorFunctionTests
{
    public static TheoryData<double, double> KnownValues => new()
    {
        { 0.5, 0.5204998778130465 },
        { 1.0, 0.8427007929497149 },
        { 2.0, 0.9953222650189527 },
    };

    [Theory]
    [MemberData(nameof(KnownValues))]
    public void ErfMatchesPublishedValues(double z, double erf)
    {
        // A handful of float64 roundings: 4 ulp covers them and is 1e8 times tighter than the 1e-7 requirement.
        var fourUlp = 4 * (Math.BitIncrement(erf) - erf);
        Expect.Close(ErrorFunction.Erf(z), erf, fourUlp, $"erf({z})");
        Expect.Close(ErrorFunction.Erf(-z), -erf, fourUlp, $"erf({-z})");
        Expect.Close(ErrorFunction.Erfc(z), 1 - erf, 1e-15, $"erfc({z})");
    }

    [Theory]
    [MemberData(nameof(KnownValues))]
    public void TestReferenceMatchesPublishedValues(double z, double erf)
    {
        Expect.Close(ReferenceMath.Erf(z), erf, 1e-15, $"reference erf({z})");
        Expect.Close(ReferenceMath.Erfc(z), 1 - erf, 1e-15, $"reference erfc({z})");
    }

    [Fact]
    public void ErfHasRelativeErrorFarBelowOneInTenMillionAcrossTheLine()
    {
        // Dense grid over both pieces and their junction at |z| = 1, and tiny arguments where erf(z) ≈ 2z/√π.
        var points = Enumerable.Range(-6000, 12001).Select(i => i / 1000.0)
            .Concat(Enumerable.Range(-300, 300).Select(e => Math.Pow(10, e / 10.0)));
        foreach (var z in points.Where(z => z != 0))
        {
            var expected = ReferenceMath.Erf(z);
            Expect.Close(ErrorFunction.Erf(z), expected, 1e-13 * Math.Abs(expected), $"erf({z:R})");
        }
    }

    [Fact]
    public void ErfcKeepsRelativeAccuracyDeepInTheTail()
    {
        // erfc(26) ≈ 6e-296: the relative error must hold down to the float64 underflow, where GELU-erf needs it.
        for (var z = -3.0; z <= 26.0; z += 0.001)
        {
            var expected = ReferenceMath.Erfc(z);
            Expect.Close(ErrorFunction.Erfc(z), expected, 1e-12 * expected, $"erfc({z:R})");
        }
    }

    [Fact]
    public void LimitsAndSpecialValues()
    {
        Assert.Equal(0.0, ErrorFunction.Erf(0));
        Assert.Equal(1.0, ErrorFunction.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, ErrorFunction.Erf(double.NegativeInfinity));
        Assert.Equal(0.0, ErrorFunction.Erfc(double.PositiveInfinity));
        Assert.Equal(2.0, ErrorFunction.Erfc(double.NegativeInfinity));
        Assert.Equal(0.0, ErrorFunction.Erfc(40));
        Assert.True(double.IsNaN(ErrorFunction.Erf(double.NaN)));
        Assert.True(double.IsNaN(ErrorFunction.Erfc(double.NaN)));
    }
}
