namespace Emend.Numerics.Tests.Ops;

/// <summary>
/// Error model: mean and variance are float64; x̂ = ((x − mean_hi) − mean_lo)·rstd takes about four float32 roundings
/// (rstd's own included) and y = fma(x̂, w, b) one more. The backward pass works from the saved float32 mean and rstd,
/// whose rounding moves x̂ by ε·(|x̂| + |mean|·rstd).
/// </summary>
public class LayerNormTests
{
    private const float Eps = 1e-5f;

    public static TheoryData<int> Dims => new() { 1, 3, 17, 64, 100, 257 };

    [Theory]
    [MemberData(nameof(Dims))]
    public void ForwardMatchesFloat64Reference(int dim) => CheckForward(TestData.Normal(400 + dim, 3 * dim, scale: 2, offset: 0.5), dim, seed: 401 + dim);

    [Fact]
    public void RowsFarFromZeroKeepFullPrecision()
    {
        // mean 1000, std 1: a float32 mean alone would shift x̂ by up to 1000·ε ≈ 6e-5.
        CheckForward(TestData.Normal(410, 4 * 96, offset: 1000), 96, seed: 411);
    }

    [Theory]
    [MemberData(nameof(Dims))]
    public void BackwardMatchesFiniteDifferencesForInputWeightAndBias(int dim)
    {
        const int rows = 2;
        var x = TestData.Normal(420 + dim, rows * dim, scale: 2, offset: 0.5);
        var (weight, bias) = Parameters(421 + dim, dim);
        var dy = TestData.Normal(422 + dim, x.Length);
        var (mean, rstd) = Forward(x, weight, bias, dim);
        var dx = new float[x.Length];
        var dWeight = new float[dim];
        var dBias = new float[dim];
        LayerNorm.Backward(dy, x, weight, mean, rstd, dx, dWeight, dBias, dim);

        var xd = TestData.Wide(x);
        var wd = TestData.Wide(weight);
        var bd = TestData.Wide(bias);
        var dyd = TestData.Wide(dy);
        var stats = RowStats(x, mean, rstd, dim);
        var dxBound = new double[x.Length];
        var dWeightBound = new double[dim];
        var dBiasBound = new double[dim];
        double lossScale = 0;
        for (var r = 0; r < rows; r++)
        {
            var (meanG, meanGx) = (0.0, 0.0);
            for (var j = 0; j < dim; j++)
            {
                var i = r * dim + j;
                meanG += dyd[i] * wd[j] / dim;
                meanGx += dyd[i] * wd[j] * stats.XHat[i] / dim;
            }
            var meanShift = Math.Abs(stats.Mean[r]) * stats.Rstd[r];
            for (var j = 0; j < dim; j++)
            {
                var i = r * dim + j;
                var g = Math.Abs(dyd[i] * wd[j]);
                var xHat = Math.Abs(stats.XHat[i]);
                dxBound[i] = Expect.Eps * stats.Rstd[r] * (3 * g + 3 * Math.Abs(meanG) + (4 * xHat + meanShift) * Math.Abs(meanGx) + meanShift * Math.Abs(meanG));
                dWeightBound[j] += Expect.Eps * Math.Abs(dyd[i]) * (2 * xHat + meanShift);
                dBiasBound[j] += Expect.Eps * Math.Abs(dyd[i]);
                lossScale += Math.Abs(dyd[i]) * ((Math.Abs(xd[i]) * stats.Rstd[r] + xHat) * Math.Abs(wd[j]) + Math.Abs(bd[j]));
            }
        }

        double Loss(double[] xs, double[] ws, double[] bs) => FiniteDifference.Contract(dyd, ReferenceMath.LayerNorm(xs, ws, bs, dim, Eps));
        GradientCheck.Matches(dx, xs => Loss(xs, wd, bd), xd, i => dxBound[i] + Expect.Tiny, lossScale, seed: 423, "LayerNorm dx");
        GradientCheck.Matches(dWeight, ws => Loss(xd, ws, bd), wd, j => dWeightBound[j] + Expect.Eps * Math.Abs(dWeight[j]), lossScale, seed: 424, "LayerNorm dWeight");
        GradientCheck.Matches(dBias, bs => Loss(xd, wd, bs), bd, j => dBiasBound[j] + Expect.Eps * Math.Abs(dBias[j]), lossScale, seed: 425, "LayerNorm dBias");
    }

    [Fact]
    public void ParameterGradientsAccumulateAndEmptySpansAreSkipped()
    {
        const int dim = 45;
        var x = TestData.Normal(430, 5 * dim, scale: 2);
        var (weight, bias) = Parameters(431, dim);
        var dy = TestData.Normal(432, x.Length);
        var (mean, rstd) = Forward(x, weight, bias, dim);

        var dx = new float[x.Length];
        var fresh = (Weight: new float[dim], Bias: new float[dim]);
        LayerNorm.Backward(dy, x, weight, mean, rstd, dx, fresh.Weight, fresh.Bias, dim);

        var initialWeight = TestData.Normal(433, dim);
        var initialBias = TestData.Normal(434, dim);
        var dWeight = (float[])initialWeight.Clone();
        var dBias = (float[])initialBias.Clone();
        LayerNorm.Backward(dy, x, weight, mean, rstd, new float[x.Length], dWeight, dBias, dim);
        LayerNorm.Backward(dy, x, weight, mean, rstd, new float[x.Length], dWeight, dBias, dim);
        // Each call rounds initial + Σ once: two roundings of values up to |initial| + 2|Σ|.
        Expect.Close(dWeight, initialWeight.Select((v, j) => v + 2.0 * fresh.Weight[j]).ToArray(),
            j => 2 * Expect.Eps * (Math.Abs(initialWeight[j]) + 2 * Math.Abs(fresh.Weight[j])) + Expect.Tiny, "dWeight += twice");
        Expect.Close(dBias, initialBias.Select((v, j) => v + 2.0 * fresh.Bias[j]).ToArray(),
            j => 2 * Expect.Eps * (Math.Abs(initialBias[j]) + 2 * Math.Abs(fresh.Bias[j])) + Expect.Tiny, "dBias += twice");

        var dxOnly = new float[x.Length];
        LayerNorm.Backward(dy, x, weight, mean, rstd, dxOnly, [], [], dim);
        Assert.Equal(dx, dxOnly);
        var biasOnly = new float[dim];
        LayerNorm.Backward(dy, x, weight, mean, rstd, dxOnly, [], biasOnly, dim);
        Assert.Equal(fresh.Bias, biasOnly);
    }

    [Fact]
    public void OutputsMayOverwriteTheirInputs()
    {
        const int dim = 33;
        var x = TestData.Normal(440, 3 * dim);
        var (weight, bias) = Parameters(441, dim);
        var (mean, rstd) = Forward(x, weight, bias, dim);
        var y = new float[x.Length];
        LayerNorm.Forward(x, weight, bias, y, mean, rstd, dim, Eps);
        var inPlace = (float[])x.Clone();
        LayerNorm.Forward(inPlace, weight, bias, inPlace, new float[3], new float[3], dim, Eps);
        Assert.Equal(y, inPlace);

        var dy = TestData.Normal(442, x.Length);
        var dx = new float[x.Length];
        var dWeight = new float[dim];
        LayerNorm.Backward(dy, x, weight, mean, rstd, dx, dWeight, [], dim);
        var dyInPlace = (float[])dy.Clone();
        var dWeightInPlace = new float[dim];
        LayerNorm.Backward(dyInPlace, x, weight, mean, rstd, dyInPlace, dWeightInPlace, [], dim);
        Assert.Equal(dx, dyInPlace);
        Assert.Equal(dWeight, dWeightInPlace);
    }

    [Fact]
    public void RejectsBadShapesAndEpsilon()
    {
        var row = new float[8];
        var error = Assert.Throws<ArgumentException>(() => LayerNorm.Forward(row, new float[4], new float[3], row, new float[2], new float[2], 4, Eps));
        Assert.Equal("bias", error.ParamName);
        Assert.Contains("3", error.Message);
        Assert.Contains("4", error.Message);
        Assert.Throws<ArgumentException>(() => LayerNorm.Forward(row, new float[3], new float[3], row, new float[2], new float[2], 3, Eps));
        Assert.Throws<ArgumentException>(() => LayerNorm.Forward(row, new float[4], new float[4], row, new float[1], new float[2], 4, Eps));
        Assert.Throws<ArgumentOutOfRangeException>(() => LayerNorm.Forward(row, new float[4], new float[4], row, new float[2], new float[2], 4, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LayerNorm.Forward(row, new float[4], new float[4], row, new float[2], new float[2], 4, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => LayerNorm.Forward(row, new float[4], new float[4], row, new float[2], new float[2], 0, Eps));
        var dWeightError = Assert.Throws<ArgumentException>(() => LayerNorm.Backward(row, row, new float[4], new float[2], new float[2], row, new float[3], [], 4));
        Assert.Equal("dWeight", dWeightError.ParamName);
        Assert.Throws<ArgumentException>(() => LayerNorm.Backward(row, new float[8], new float[4], new float[2], new float[2], new float[7], [], [], 4));
    }

    /// <summary>Norm parameters like the hf-tiny fixtures': weights 1 + 0.1·N(0,1), biases 0.1·N(0,1).</summary>
    internal static (float[] Weight, float[] Bias) Parameters(int seed, int dim) =>
        (TestData.Normal(seed, dim, scale: 0.1, offset: 1), TestData.Normal(seed + 1000, dim, scale: 0.1));

    private static (float[] Mean, float[] Rstd) Forward(float[] x, float[] weight, float[] bias, int dim)
    {
        var mean = new float[x.Length / dim];
        var rstd = new float[x.Length / dim];
        LayerNorm.Forward(x, weight, bias, new float[x.Length], mean, rstd, dim, Eps);
        return (mean, rstd);
    }

    private static void CheckForward(float[] x, int dim, int seed)
    {
        var (weight, bias) = Parameters(seed, dim);
        var rows = x.Length / dim;
        var y = new float[x.Length];
        var mean = new float[rows];
        var rstd = new float[rows];
        LayerNorm.Forward(x, weight, bias, y, mean, rstd, dim, Eps);

        var expected = ReferenceMath.LayerNorm(TestData.Wide(x), TestData.Wide(weight), TestData.Wide(bias), dim, Eps);
        var exact = RowStats(x, null, null, dim);
        Expect.Close(y, expected, i => Expect.Eps * (4 * Math.Abs(exact.XHat[i] * weight[i % dim]) + Math.Abs(expected[i])) + Expect.Tiny, "LayerNorm y");
        Expect.Close(mean, exact.Mean, r => Expect.Eps * Math.Abs(exact.Mean[r]) + Expect.Tiny, "LayerNorm mean");
        Expect.Close(rstd, exact.Rstd, r => Expect.Eps * exact.Rstd[r], "LayerNorm rstd");
    }

    /// <summary>Per-row mean, rstd and x̂ in float64: exact ones, or the ones implied by a saved float32 mean and rstd.</summary>
    private static (double[] Mean, double[] Rstd, double[] XHat) RowStats(float[] x, float[]? savedMean, float[]? savedRstd, int dim)
    {
        var rows = x.Length / dim;
        var (mean, rstd, xHat) = (new double[rows], new double[rows], new double[x.Length]);
        for (var r = 0; r < rows; r++)
        {
            var row = TestData.Wide(x.AsSpan(r * dim, dim));
            var exactMean = row.Average();
            mean[r] = savedMean?[r] ?? exactMean;
            rstd[r] = savedRstd?[r] ?? 1 / Math.Sqrt(row.Select(v => (v - exactMean) * (v - exactMean)).Average() + Eps);
            for (var j = 0; j < dim; j++)
                xHat[r * dim + j] = (row[j] - mean[r]) * rstd[r];
        }
        return (mean, rstd, xHat);
    }
}
