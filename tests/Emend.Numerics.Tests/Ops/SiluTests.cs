namespace Emend.Numerics.Tests.Ops;

public class SiluTests
{
    // x/(1 + e^(−x)): e^(−x) within 0.51 ulp (its argument is exact), then an add and a divide; the backward pass
    // adds a product and a multiply-add.
    private const double Roundings = 4;

    public static TheoryData<int> Lengths => ElementwiseChecks.Lengths;

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ForwardMatchesFloat64Reference(int length) =>
        ElementwiseChecks.ForwardMatches((x, y) => Silu.Forward(x, y), ReferenceMath.Silu, ElementwiseChecks.Inputs(length, seed: 40 + length), Roundings, "silu");

    [Theory]
    [MemberData(nameof(Lengths))]
    public void BackwardMatchesFiniteDifferences(int length) =>
        ElementwiseChecks.BackwardMatches((dy, x, dx) => Silu.Backward(dy, x, dx), ReferenceMath.Silu, ElementwiseChecks.Inputs(length, seed: 50 + length), Roundings, seed: 60 + length, "silu'");

    [Fact]
    public void ExtremeInputsSaturateWithoutNaN()
    {
        ElementwiseChecks.ForwardMatches((x, y) => Silu.Forward(x, y), ReferenceMath.Silu, ElementwiseChecks.Extremes, Roundings, "silu extremes");
        ElementwiseChecks.BackwardMatches((dy, x, dx) => Silu.Backward(dy, x, dx), ReferenceMath.Silu, ElementwiseChecks.Extremes, Roundings, seed: 4, "silu' extremes");
        var dx = new float[2];
        Silu.Backward([1, 1], [float.PositiveInfinity, float.NegativeInfinity], dx);
        Assert.Equal([1f, 0f], dx);
    }

    [Fact]
    public void InPlaceGivesTheSameResult() =>
        ElementwiseChecks.InPlaceMatches((x, y) => Silu.Forward(x, y), ElementwiseChecks.Inputs(37, seed: 6));

    [Fact]
    public void RejectsMismatchedLengths()
    {
        var error = Assert.Throws<ArgumentException>(() => Silu.Backward(new float[3], new float[4], new float[4]));
        Assert.Equal("dy", error.ParamName);
        Assert.Contains("3", error.Message);
    }
}
