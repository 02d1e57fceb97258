namespace Emend.Numerics.Tests.Ops;

public class CrossEntropyTests
{
    public static TheoryData<int> Vocabularies => new() { 1, 3, 17, 100, 257, 50257 };

    private const int Rows = 3;

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void ForwardMatchesFloat64Reference(int vocab)
    {
        var logits = TestData.Normal(200 + vocab, Rows * vocab, scale: 4);
        CheckForward(logits, TestData.Ids(201 + vocab, Rows, vocab), vocab);
    }

    [Fact]
    public void HugeLogitsGiveExactLossesForLikelyAndUnlikelyTargets()
    {
        // Spread 1e4: each row is one-hot in float64 too; the argmax target costs ~0, the others ~1e4 nats.
        const int vocab = 40;
        var logits = TestData.Normal(210, 2 * vocab, scale: 1e4, offset: 3e4);
        var first = logits.AsSpan(0, vocab).ToArray();
        var argmax = Array.IndexOf(first, first.Max());
        CheckForward(logits, [argmax, (argmax + 1) % vocab], vocab);
    }

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void BackwardMatchesFiniteDifferences(int vocab)
    {
        var logits = TestData.Normal(220 + vocab, Rows * vocab, scale: 4);
        var targets = TestData.Ids(221 + vocab, Rows, vocab);
        var dLoss = TestData.Normal(222 + vocab, Rows);
        var dLogits = new float[logits.Length];
        CrossEntropy.Backward(logits, targets, dLoss, dLogits, vocab);

        var x = TestData.Wide(logits);
        var bound = new double[x.Length];
        double lossScale = 0;
        for (var r = 0; r < Rows; r++)
        {
            var row = x.AsSpan(r * vocab, vocab).ToArray();
            var model = new RowErrorModel(row);
            var loss = ReferenceMath.CrossEntropy(row, [targets[r]], vocab)[0];
            lossScale += Math.Abs(dLoss[r]) * (row.Max(Math.Abs) + loss);
            for (var j = 0; j < vocab; j++)
                bound[r * vocab + j] = GradientBound(model, j, targets[r], dLoss[r]);
        }
        GradientCheck.Matches(dLogits, xs => FiniteDifference.Contract(TestData.Wide(dLoss), ReferenceMath.CrossEntropy(xs, targets, vocab)), x,
            i => bound[i] + Expect.Tiny, lossScale, seed: 223, "dLogits");
    }

    [Fact]
    public void ConfidentTargetKeepsItsSmallGradientAndLoss()
    {
        // p_target = 1 − 2e-8: p − 1 formed in float32 would be 0 or −6e-8; the gradient must be −Σ_{k≠t} p_k.
        const int vocab = 1000;
        const int target = 417;
        var logits = TestData.Normal(230, vocab);
        logits[target] = 25;
        var x = TestData.Wide(logits);
        var model = new RowErrorModel(x);
        var expectedGradient = -model.Probabilities.Where((_, j) => j != target).Sum();

        var dLogits = new float[vocab];
        CrossEntropy.Backward(logits, [target], [1f], dLogits, vocab);
        Expect.Close(dLogits[target], expectedGradient, GradientBound(model, target, target, 1), "target gradient");
        Assert.InRange(-expectedGradient, 1e-8, 1e-7);

        var loss = new float[1];
        CrossEntropy.Forward(logits, [target], loss, vocab);
        var expectedLoss = ReferenceMath.CrossEntropy(x, [target], vocab)[0];
        Expect.Close(loss[0], expectedLoss, LossBound(model, expectedLoss), "confident loss");
        Assert.InRange(expectedLoss, 1e-8, 1e-7);
    }

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void FusedLossMatchesFloat64ReferenceWithinItsExponentialError(int vocab)
    {
        var logits = TestData.Normal(250 + vocab, Rows * vocab, scale: 4);
        var targets = TestData.Ids(251 + vocab, Rows, vocab);
        var losses = new float[Rows];
        CrossEntropy.ForwardBackward(logits, targets, [1f, 1f, 1f], losses, new float[logits.Length], vocab);
        CheckFusedLosses(logits, targets, losses, vocab);
    }

    [Fact]
    public void FusedLossKeepsAConfidentTargetsTinyLoss()
    {
        const int vocab = 1000;
        const int target = 417;
        var logits = TestData.Normal(230, vocab);
        logits[target] = 25;
        var losses = new float[1];
        CrossEntropy.ForwardBackward(logits, [target], [1f], losses, new float[vocab], vocab);
        CheckFusedLosses(logits, [target], losses, vocab);
    }

    [Theory]
    [InlineData(33)]
    [InlineData(50257)]
    public void FusedGradientIsBackwardsGradientAndMayOverwriteTheLogits(int vocab)
    {
        var logits = TestData.Normal(260, 2 * vocab, scale: 3);
        int[] targets = [4, 31];
        float[] dLoss = [0.5f, -2f];
        var expected = new float[logits.Length];
        CrossEntropy.Backward(logits, targets, dLoss, expected, vocab);
        var fused = new float[logits.Length];
        CrossEntropy.ForwardBackward(logits, targets, dLoss, new float[2], fused, vocab);
        Assert.Equal(expected, fused);
        CrossEntropy.ForwardBackward(logits, targets, dLoss, new float[2], logits, vocab);
        Assert.Equal(expected, logits);
    }

    [Fact]
    public void FusedRejectsBadShapesAndTargetsBeforeWriting()
    {
        var losses = new float[] { -7, -7 };
        Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropy.ForwardBackward(new float[10], [0, 5], [1, 1], losses, new float[10], 5));
        Assert.Equal([-7f, -7f], losses);
        Assert.Throws<ArgumentException>(() => CrossEntropy.ForwardBackward(new float[10], [0, 0], [1], losses, new float[10], 5));
        Assert.Throws<ArgumentException>(() => CrossEntropy.ForwardBackward(new float[10], [0, 0], [1, 1], new float[1], new float[10], 5));
        Assert.Throws<ArgumentException>(() => CrossEntropy.ForwardBackward(new float[10], [0, 0], [1, 1], losses, new float[9], 5));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5)]
    [InlineData(int.MaxValue)]
    public void TargetOutsideVocabularyNamesRowAndIdAndWritesNothing(int badId)
    {
        var losses = new float[] { -7, -7 };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropy.Forward(new float[10], [2, badId], losses, 5));
        Assert.Equal("targets", error.ParamName);
        Assert.Contains("row 1", error.Message);
        Assert.Contains(badId.ToString(), error.Message);
        Assert.Equal([-7f, -7f], losses);
        Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropy.Backward(new float[10], [badId, 0], [1, 1], new float[10], 5));
    }

    [Fact]
    public void RejectsBadShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => CrossEntropy.Forward(new float[10], [0], new float[1], 5));
        Assert.Equal("targets", error.ParamName);
        Assert.Contains("2", error.Message);
        Assert.Throws<ArgumentException>(() => CrossEntropy.Forward(new float[11], [0, 0], new float[2], 5));
        Assert.Throws<ArgumentException>(() => CrossEntropy.Backward(new float[10], [0, 0], [1], new float[10], 5));
        Assert.Throws<ArgumentException>(() => CrossEntropy.Backward(new float[10], [0, 0], [1, 1], new float[9], 5));
    }

    [Fact]
    public void GradientMayOverwriteTheLogits()
    {
        var logits = TestData.Normal(240, 2 * 33, scale: 3);
        int[] targets = [4, 31];
        float[] dLoss = [0.5f, -2f];
        var dLogits = new float[logits.Length];
        CrossEntropy.Backward(logits, targets, dLoss, dLogits, 33);
        CrossEntropy.Backward(logits, targets, dLoss, logits, 33);
        Assert.Equal(dLogits, logits);
    }

    private static void CheckForward(float[] logits, int[] targets, int vocab)
    {
        var losses = new float[targets.Length];
        CrossEntropy.Forward(logits, targets, losses, vocab);
        var x = TestData.Wide(logits);
        var expected = ReferenceMath.CrossEntropy(x, targets, vocab);
        var bounds = expected.Select((loss, r) => LossBound(new RowErrorModel(x.AsSpan(r * vocab, vocab).ToArray()), loss)).ToArray();
        Expect.Close(losses, expected, r => bounds[r] + Expect.Tiny, "cross-entropy");
    }

    /// <summary>
    /// The fused loss is log Σe − (x_t − max) with Σe the float64 sum of the float32 exponentials, so it carries their
    /// p-weighted relative error (in nats), then the final float32 rounding.
    /// </summary>
    private static void CheckFusedLosses(float[] logits, int[] targets, float[] losses, int vocab)
    {
        var x = TestData.Wide(logits);
        var expected = ReferenceMath.CrossEntropy(x, targets, vocab);
        var bounds = expected.Select((loss, r) =>
        {
            var model = new RowErrorModel(x.AsSpan(r * vocab, vocab).ToArray());
            return Expect.Eps * (Math.Abs(loss) + model.MeanExpError) + RowErrorModel.Float64Slack * (model.LogSum + Math.Abs(loss) + 1);
        }).ToArray();
        Expect.Close(losses, expected, r => bounds[r] + Expect.Tiny, "fused cross-entropy");
    }

    /// <summary>The final rounding to float32; everything before it is float64.</summary>
    private static double LossBound(RowErrorModel model, double loss) =>
        Expect.Eps * Math.Abs(loss) + RowErrorModel.Float64Slack * (model.LogSum + Math.Abs(loss) + 1);

    /// <summary>
    /// Non-target: e_j·fl(dL/Σe) from float32 exponentials, so e_j's and Σe's errors and two roundings. Target:
    /// −dL·(Σe − e_t)/Σe in float64 from the same exponentials, then one rounding.
    /// </summary>
    private static double GradientBound(RowErrorModel model, int j, int target, double dLoss)
    {
        var p = model.Probabilities;
        var magnitude = j == target
            ? model.ExpErrorWithout(target) + (1 - p[target]) * (model.MeanExpError + 2)
            : p[j] * (model.ExpErrors[j] + model.MeanExpError + 2);
        return Math.Abs(dLoss) * (Expect.Eps * magnitude + RowErrorModel.Float64Slack * p[j]);
    }
}
