namespace Emend.Numerics.Tests.Ops;

public class GeluTests
{
    // Tanh form in float32: the argument 2u = x(c₁ + c₃x²) takes three roundings, e^(−2u) half an ulp, then an add
    // and a divide: about 5 roundings in the worst case. The erf form is computed in float64 and rounded once.
    private const double TanhRoundings = 5;
    private const double ErfRoundings = 1.01;

    public static TheoryData<int> Lengths => ElementwiseChecks.Lengths;

    private static Func<double, double> Reference(GeluKind kind) => kind == GeluKind.Tanh ? ReferenceMath.GeluTanh : ReferenceMath.GeluErf;

    private static double Roundings(GeluKind kind) => kind == GeluKind.Tanh ? TanhRoundings : ErfRoundings;

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ForwardMatchesFloat64Reference(int length)
    {
        var x = ElementwiseChecks.Inputs(length, seed: 10 + length);
        foreach (var kind in new[] { GeluKind.Tanh, GeluKind.Erf })
            ElementwiseChecks.ForwardMatches((a, b) => Gelu.Forward(a, b, kind), Reference(kind), x, Roundings(kind), $"gelu {kind}");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void BackwardMatchesFiniteDifferences(int length)
    {
        var x = ElementwiseChecks.Inputs(length, seed: 20 + length);
        foreach (var kind in new[] { GeluKind.Tanh, GeluKind.Erf })
            ElementwiseChecks.BackwardMatches((dy, a, dx) => Gelu.Backward(dy, a, dx, kind), Reference(kind), x, Roundings(kind), seed: 30 + length, $"gelu' {kind}");
    }

    [Theory]
    [InlineData(GeluKind.Tanh)]
    [InlineData(GeluKind.Erf)]
    public void ExtremeInputsSaturateWithoutNaN(GeluKind kind)
    {
        var x = ElementwiseChecks.Extremes;
        ElementwiseChecks.ForwardMatches((a, b) => Gelu.Forward(a, b, kind), Reference(kind), x, Roundings(kind), $"gelu {kind} extremes");
        ElementwiseChecks.BackwardMatches((dy, a, dx) => Gelu.Backward(dy, a, dx, kind), Reference(kind), x, Roundings(kind), seed: 3, $"gelu' {kind} extremes");
    }

    [Theory]
    [InlineData(GeluKind.Tanh)]
    [InlineData(GeluKind.Erf)]
    public void InfiniteInputsHaveTheLimitingSlope(GeluKind kind)
    {
        var dx = new float[2];
        Gelu.Backward([1, 1], [float.PositiveInfinity, float.NegativeInfinity], dx, kind);
        Assert.Equal([1f, 0f], dx);
    }

    [Fact]
    public void TanhFormIsTheHfTinyReadmeFormula()
    {
        // gelu_new as the reference fixtures' README writes it, evaluated literally, where 1 + tanh does not cancel.
        var x = Enumerable.Range(-300, 601).Select(i => i / 100f).ToArray();
        var literal = x.Select(v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)))).ToArray();
        var y = new float[x.Length];
        Gelu.Forward(x, y, GeluKind.Tanh);
        Expect.Close(y, literal, i => TanhRoundings * Expect.Eps * ElementwiseBounds.ValueScale(ReferenceMath.GeluTanh, x[i]) + 1e-15, "gelu_new vs README");
    }

    [Theory]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    public void ErfFormAgreesWithPublishedErfValues(double z, double erf)
    {
        // GELU(x) = 0.5x(1 + erf(x/√2)) at x = √2·z rounded to float32. That rounding moves x/√2 off z by ~1e-8, so
        // erf(x/√2) = erf(z) + erf′(z)·(x/√2 − z) with erf′(z) = 2/√π·e^(−z²); the next term is below 1e-16.
        var x = (float)(Math.Sqrt(2) * z);
        var shift = x / Math.Sqrt(2) - z;
        var erfAtX = erf + 2 / Math.Sqrt(Math.PI) * Math.Exp(-z * z) * shift;
        var y = new float[2];
        Gelu.Forward([x, -x], y, GeluKind.Erf);
        Expect.Close(y[0], 0.5 * x * (1 + erfAtX), Expect.Eps * Math.Abs(y[0]) * 1.01, $"gelu({x})");
        Expect.Close(y[1], -0.5 * x * (1 - erfAtX), Expect.Eps * Math.Abs(y[1]) * 1.01, $"gelu({-x})");
    }

    [Theory]
    [InlineData(GeluKind.Tanh)]
    [InlineData(GeluKind.Erf)]
    public void InPlaceGivesTheSameResult(GeluKind kind) =>
        ElementwiseChecks.InPlaceMatches((a, b) => Gelu.Forward(a, b, kind), ElementwiseChecks.Inputs(37, seed: 5));

    [Fact]
    public void RejectsMismatchedLengthsAndUnknownKind()
    {
        var error = Assert.Throws<ArgumentException>(() => Gelu.Forward(new float[5], new float[4], GeluKind.Tanh));
        Assert.Contains("4", error.Message);
        Assert.Contains("5", error.Message);
        Assert.Throws<ArgumentException>(() => Gelu.Backward(new float[5], new float[5], new float[6], GeluKind.Erf));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gelu.Forward(new float[3], new float[3], (GeluKind)7));
    }
}
