namespace Emend.Numerics.Tests.Ops;

/// <summary>
/// Error model: see <see cref="RowErrorModel"/>. A probability carries its float32 exponential's error, that of their
/// sum, and the roundings of 1/Σ and the product; a log-probability (float64 log-sum-exp) carries the roundings of
/// x − max, of log Σ and of their difference.
/// </summary>
public class SoftmaxTests
{
    public static TheoryData<int> Dims => new() { 1, 3, 17, 64, 100, 257 };

    private const int Rows = 3;

    [Theory]
    [MemberData(nameof(Dims))]
    public void ForwardMatchesFloat64Reference(int dim) => CheckForward(TestData.Normal(100 + dim, Rows * dim, scale: 3), dim);

    [Theory]
    [MemberData(nameof(Dims))]
    public void LogForwardMatchesFloat64Reference(int dim) => CheckLogForward(TestData.Normal(110 + dim, Rows * dim, scale: 3), dim);

    [Fact]
    public void HugeAndExtremeLogitsStayFinite()
    {
        var hugeRow = TestData.Normal(120, 50, scale: 30, offset: 1e4);
        float[] extremeRow = [3e38f, 1e38f, 3e38f, 0, float.NegativeInfinity, 2.9e38f];
        float[] equalRow = [7, 7, 7, 7, 7, 7];
        foreach (var (row, dim) in new[] { (hugeRow, 50), (extremeRow, 6), (equalRow, 6) })
        {
            CheckForward(row, dim);
            CheckLogForward(row, dim);
        }
    }

    [Fact]
    public void VocabularyWideRowKeepsSmallProbabilities()
    {
        // 50257 entries spread over 60 nats: most probabilities are tiny and must keep their relative accuracy.
        var x = TestData.Normal(121, 50257, scale: 10);
        CheckForward(x, 50257);
        CheckLogForward(x, 50257);
    }

    [Theory]
    [MemberData(nameof(Dims))]
    public void BackwardMatchesFiniteDifferences(int dim)
    {
        var x = TestData.Normal(130 + dim, Rows * dim, scale: 3);
        var dy = TestData.Normal(131 + dim, x.Length);
        var y = new float[x.Length];
        Softmax.Forward(x, y, dim);
        var dx = new float[x.Length];
        Softmax.Backward(dy, y, dx, dim);

        var xd = TestData.Wide(x);
        var p = ReferenceMath.Softmax(xd, dim);
        var forwardError = ForwardBounds(xd, dim);
        var dyd = TestData.Wide(dy);
        var bound = new double[x.Length];
        for (var start = 0; start < x.Length; start += dim)
        {
            double projection = 0, projectionError = 0;
            for (var j = start; j < start + dim; j++)
            {
                projection += dyd[j] * p[j];
                projectionError += Math.Abs(dyd[j]) * forwardError[j];
            }
            for (var j = start; j < start + dim; j++)
                bound[j] = forwardError[j] * Math.Abs(dyd[j] - projection) + p[j] * (projectionError + 3 * Expect.Eps * (Math.Abs(dyd[j]) + Math.Abs(projection)));
        }
        GradientCheck.Matches(dx, xs => FiniteDifference.Contract(dyd, ReferenceMath.Softmax(xs, dim)), xd, i => bound[i] + Expect.Tiny,
            lossScale: dyd.Select(Math.Abs).Sum(), seed: 132, "softmax dx");
    }

    [Theory]
    [MemberData(nameof(Dims))]
    public void LogBackwardMatchesFiniteDifferences(int dim)
    {
        var x = TestData.Normal(140 + dim, Rows * dim, scale: 3);
        var dy = TestData.Normal(141 + dim, x.Length);
        var y = new float[x.Length];
        Softmax.LogForward(x, y, dim);
        var dx = new float[x.Length];
        Softmax.LogBackward(dy, y, dx, dim);

        var xd = TestData.Wide(x);
        var logP = ReferenceMath.LogSoftmax(xd, dim);
        var logError = LogForwardBounds(xd, dim);
        var dyd = TestData.Wide(dy);
        var bound = new double[x.Length];
        for (var start = 0; start < x.Length; start += dim)
        {
            var total = dyd.AsSpan(start, dim).ToArray().Sum();
            var totalMagnitude = dyd.AsSpan(start, dim).ToArray().Sum(Math.Abs);
            for (var j = start; j < start + dim; j++)
            {
                var p = Math.Exp(logP[j]);
                bound[j] = Expect.Eps * (Math.Abs(dyd[j]) + p * totalMagnitude * 6) + p * Math.Abs(total) * logError[j];
            }
        }
        var lossScale = dyd.Zip(logP, (a, b) => Math.Abs(a * b)).Sum();
        GradientCheck.Matches(dx, xs => FiniteDifference.Contract(dyd, ReferenceMath.LogSoftmax(xs, dim)), xd, i => bound[i] + Expect.Tiny,
            lossScale, seed: 142, "log-softmax dx");
    }

    [Fact]
    public void OutputsMayOverwriteTheirInputs()
    {
        var x = TestData.Normal(150, 3 * 37, scale: 3);
        var dy = TestData.Normal(151, x.Length);
        foreach (var (forward, backward) in new (UnaryOp, UnaryBackwardOp)[]
                 {
                     ((a, b) => Softmax.Forward(a, b, 37), (g, a, b) => Softmax.Backward(g, a, b, 37)),
                     ((a, b) => Softmax.LogForward(a, b, 37), (g, a, b) => Softmax.LogBackward(g, a, b, 37)),
                 })
        {
            ElementwiseChecks.InPlaceMatches(forward, x);
            var y = new float[x.Length];
            forward(x, y);
            var dx = new float[x.Length];
            backward(dy, y, dx);
            var inPlace = (float[])dy.Clone();
            backward(inPlace, y, inPlace);
            Assert.Equal(dx, inPlace);
        }
    }

    [Fact]
    public void RejectsBadShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Softmax.Forward(new float[10], new float[10], 4));
        Assert.Equal("x", error.ParamName);
        Assert.Contains("10", error.Message);
        Assert.Contains("4", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Softmax.LogForward(new float[4], new float[4], 0));
        Assert.Throws<ArgumentException>(() => Softmax.Backward(new float[8], new float[8], new float[4], 4));
        Assert.Throws<ArgumentException>(() => Softmax.LogBackward(new float[4], new float[8], new float[8], 4));
    }

    private static void CheckForward(float[] x, int dim)
    {
        var y = new float[x.Length];
        Softmax.Forward(x, y, dim);
        var xd = TestData.Wide(x);
        var bound = ForwardBounds(xd, dim);
        Expect.Close(y, ReferenceMath.Softmax(xd, dim), i => bound[i] + Expect.Tiny, "softmax");
    }

    private static void CheckLogForward(float[] x, int dim)
    {
        var y = new float[x.Length];
        Softmax.LogForward(x, y, dim);
        var xd = TestData.Wide(x);
        var bound = LogForwardBounds(xd, dim);
        Expect.Close(y, ReferenceMath.LogSoftmax(xd, dim), i => bound[i], "log-softmax");
    }

    /// <summary>|Δp_j| ≤ ε·p_j·(e_j + Σ_k p_k·e_k + 2) with e_j the exponential's relative error (see RowErrorModel).</summary>
    private static double[] ForwardBounds(double[] x, int dim) => PerRow(x, dim, (model, j, _) =>
        Expect.Eps * model.Probabilities[j] * (model.ExpErrors[j] + model.MeanExpError + 2) + RowErrorModel.Float64Slack * model.Probabilities[j]);

    /// <summary>|Δy_j| ≤ ε·(|x_j − max| + log Σ + |y_j|): the roundings of x − max, of log Σ and of their difference.</summary>
    private static double[] LogForwardBounds(double[] x, int dim) => PerRow(x, dim, (model, j, xj) =>
        Expect.Eps * (Math.Abs(xj - model.Max) + model.LogSum + Math.Abs(xj - model.Max - model.LogSum)) + RowErrorModel.Float64Slack * (model.LogSum + 1));

    private static double[] PerRow(double[] x, int dim, Func<RowErrorModel, int, double, double> bound)
    {
        var bounds = new double[x.Length];
        for (var start = 0; start < x.Length; start += dim)
        {
            var model = new RowErrorModel(x.AsSpan(start, dim).ToArray());
            for (var j = 0; j < dim; j++)
                bounds[start + j] = bound(model, j, x[start + j]);
        }
        return bounds;
    }
}
