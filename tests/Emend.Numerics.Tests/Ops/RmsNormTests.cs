namespace Emend.Numerics.Tests.Ops;

/// <summary>
/// Error model: the mean square is float64, so y = fl(fl(x·rstd)·w) carries three roundings (rstd's own included);
/// the backward pass works from the saved float32 rstd (one more rounding on x̂).
/// </summary>
public class RmsNormTests
{
    private const float Eps = 1e-6f;

    public static TheoryData<int> Dims => new() { 1, 3, 17, 64, 100, 257 };

    [Theory]
    [MemberData(nameof(Dims))]
    public void ForwardMatchesFloat64Reference(int dim)
    {
        var x = TestData.Normal(500 + dim, 3 * dim, scale: 2, offset: 0.5);
        var (weight, _) = LayerNormTests.Parameters(501 + dim, dim);
        var y = new float[x.Length];
        var rstd = new float[3];
        RmsNorm.Forward(x, weight, y, rstd, dim, Eps);

        var expected = ReferenceMath.RmsNorm(TestData.Wide(x), TestData.Wide(weight), dim, Eps);
        var exactRstd = ExactRstd(x, dim);
        Expect.Close(y, expected, i => 3 * Expect.Eps * Math.Abs(expected[i]) + Expect.Tiny, "RmsNorm y");
        Expect.Close(rstd, exactRstd, r => Expect.Eps * exactRstd[r], "RmsNorm rstd");
    }

    [Fact]
    public void HfLlamaRoundingOrderIsKept()
    {
        // HF: hidden * rsqrt(variance + eps), then weight * that; with the float32 rstd the result is bit-identical.
        const int dim = 64;
        var x = TestData.Normal(510, 2 * dim, scale: 3);
        var (weight, _) = LayerNormTests.Parameters(511, dim);
        var y = new float[x.Length];
        var rstd = new float[2];
        RmsNorm.Forward(x, weight, y, rstd, dim, Eps);
        var expected = x.Select((v, i) => weight[i % dim] * (v * rstd[i / dim])).ToArray();
        Assert.Equal(expected, y);
    }

    [Theory]
    [MemberData(nameof(Dims))]
    public void BackwardMatchesFiniteDifferencesForInputAndWeight(int dim)
    {
        const int rows = 2;
        var x = TestData.Normal(520 + dim, rows * dim, scale: 2, offset: 0.5);
        var (weight, _) = LayerNormTests.Parameters(521 + dim, dim);
        var dy = TestData.Normal(522 + dim, x.Length);
        var rstd = new float[rows];
        RmsNorm.Forward(x, weight, new float[x.Length], rstd, dim, Eps);
        var dx = new float[x.Length];
        var dWeight = new float[dim];
        RmsNorm.Backward(dy, x, weight, rstd, dx, dWeight, dim);

        var xd = TestData.Wide(x);
        var wd = TestData.Wide(weight);
        var dyd = TestData.Wide(dy);
        var dxBound = new double[x.Length];
        var dWeightBound = new double[dim];
        double lossScale = 0;
        for (var r = 0; r < rows; r++)
        {
            double meanGx = 0;
            for (var j = 0; j < dim; j++)
                meanGx += dyd[r * dim + j] * wd[j] * xd[r * dim + j] * rstd[r] / dim;
            for (var j = 0; j < dim; j++)
            {
                var i = r * dim + j;
                var xHat = Math.Abs(xd[i] * rstd[r]);
                dxBound[i] = Expect.Eps * rstd[r] * (3 * Math.Abs(dyd[i] * wd[j]) + 5 * xHat * Math.Abs(meanGx));
                dWeightBound[j] += 2 * Expect.Eps * Math.Abs(dyd[i]) * xHat;
                lossScale += Math.Abs(dyd[i] * wd[j]) * xHat;
            }
        }

        double Loss(double[] xs, double[] ws) => FiniteDifference.Contract(dyd, ReferenceMath.RmsNorm(xs, ws, dim, Eps));
        GradientCheck.Matches(dx, xs => Loss(xs, wd), xd, i => dxBound[i] + Expect.Tiny, lossScale, seed: 523, "RmsNorm dx");
        GradientCheck.Matches(dWeight, ws => Loss(xd, ws), wd, j => dWeightBound[j] + Expect.Eps * Math.Abs(dWeight[j]), lossScale, seed: 524, "RmsNorm dWeight");
    }

    [Fact]
    public void WeightGradientAccumulatesAndEmptySpanIsSkipped()
    {
        const int dim = 45;
        var x = TestData.Normal(530, 5 * dim, scale: 2);
        var (weight, _) = LayerNormTests.Parameters(531, dim);
        var dy = TestData.Normal(532, x.Length);
        var rstd = new float[5];
        RmsNorm.Forward(x, weight, new float[x.Length], rstd, dim, Eps);

        var dx = new float[x.Length];
        var fresh = new float[dim];
        RmsNorm.Backward(dy, x, weight, rstd, dx, fresh, dim);
        var initial = TestData.Normal(533, dim);
        var dWeight = (float[])initial.Clone();
        RmsNorm.Backward(dy, x, weight, rstd, new float[x.Length], dWeight, dim);
        RmsNorm.Backward(dy, x, weight, rstd, new float[x.Length], dWeight, dim);
        Expect.Close(dWeight, initial.Select((v, j) => v + 2.0 * fresh[j]).ToArray(),
            j => 2 * Expect.Eps * (Math.Abs(initial[j]) + 2 * Math.Abs(fresh[j])) + Expect.Tiny, "dWeight += twice");

        var dxOnly = new float[x.Length];
        RmsNorm.Backward(dy, x, weight, rstd, dxOnly, [], dim);
        Assert.Equal(dx, dxOnly);
        var inPlace = (float[])dy.Clone();
        RmsNorm.Backward(inPlace, x, weight, rstd, inPlace, [], dim);
        Assert.Equal(dx, inPlace);
    }

    [Fact]
    public void RejectsBadShapes()
    {
        var row = new float[8];
        var error = Assert.Throws<ArgumentException>(() => RmsNorm.Forward(row, new float[4], row, new float[3], 4, Eps));
        Assert.Equal("rstd", error.ParamName);
        Assert.Contains("2", error.Message);
        Assert.Throws<ArgumentException>(() => RmsNorm.Forward(row, new float[5], row, new float[2], 4, Eps));
        Assert.Throws<ArgumentException>(() => RmsNorm.Backward(row, row, new float[4], new float[2], row, new float[5], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => RmsNorm.Forward(row, new float[4], row, new float[2], 4, float.PositiveInfinity));
    }

    private static double[] ExactRstd(float[] x, int dim) =>
        Enumerable.Range(0, x.Length / dim)
            .Select(r => 1 / Math.Sqrt(TestData.Wide(x.AsSpan(r * dim, dim)).Select(v => v * v).Average() + Eps)).ToArray();
}
