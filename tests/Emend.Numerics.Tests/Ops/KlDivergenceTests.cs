namespace Emend.Numerics.Tests.Ops;

/// <summary>Error model: see <see cref="RowErrorModel"/>; the loss is float64 until its final rounding.</summary>
public class KlDivergenceTests
{
    public static TheoryData<int> Vocabularies => new() { 1, 3, 17, 100, 257, 50257 };

    private const int Rows = 2;

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void ForwardMatchesFloat64Reference(int vocab)
    {
        var logits = TestData.Normal(300 + vocab, Rows * vocab, scale: 3);
        CheckForward(logits, ReferenceLogProbs(301 + vocab, vocab), vocab);
    }

    [Fact]
    public void NearlyIdenticalDistributionsCancelToTheReferenceRounding()
    {
        // Reference = the logits' own log-softmax rounded to float32, as at the first step of an edit: every term
        // cancels to its rounding, so KL ≈ Σ p·δ ~ 1e-8 must come out of terms of size ~10 with float64 accuracy.
        const int vocab = 500;
        var logits = TestData.Normal(310, Rows * vocab, scale: 3, offset: 50);
        var reference = ReferenceMath.LogSoftmax(TestData.Wide(logits), vocab).Select(v => (float)v).ToArray();
        CheckForward(logits, reference, vocab);
        var losses = new float[Rows];
        KlDivergence.Forward(logits, reference, losses, vocab);
        Assert.All(losses, loss => Assert.InRange(Math.Abs(loss), 1e-10, 1e-6));
        CheckBackward(logits, reference, vocab, seed: 311);
    }

    [Fact]
    public void ZeroReferenceProbabilitiesContributeNothing()
    {
        float[] logits = [1, 2, 3, float.NegativeInfinity];
        float[] reference = [MathF.Log(0.25f), float.NegativeInfinity, MathF.Log(0.75f), float.NegativeInfinity];
        var losses = new float[1];
        KlDivergence.Forward(logits, reference, losses, 4);
        var expected = ReferenceMath.KlDivergence(TestData.Wide(logits), TestData.Wide(reference), 4)[0];
        Assert.True(double.IsFinite(expected));
        Expect.Close(losses[0], expected, 4 * Expect.Eps * Math.Abs(expected), "KL with zeros");
        var dLogits = new float[4];
        KlDivergence.Backward(logits, reference, [1f], dLogits, 4);
        Assert.All(dLogits, g => Assert.True(float.IsFinite(g)));
        Assert.Equal(0f, dLogits[3]);
    }

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void BackwardMatchesFiniteDifferences(int vocab) =>
        CheckBackward(TestData.Normal(320 + vocab, Rows * vocab, scale: 3), ReferenceLogProbs(321 + vocab, vocab), vocab, seed: 322 + vocab);

    [Fact]
    public void RejectsBadShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => KlDivergence.Forward(new float[10], new float[9], new float[2], 5));
        Assert.Equal("referenceLogProbs", error.ParamName);
        Assert.Contains("9", error.Message);
        Assert.Throws<ArgumentException>(() => KlDivergence.Forward(new float[10], new float[10], new float[3], 5));
        Assert.Throws<ArgumentException>(() => KlDivergence.Backward(new float[10], new float[10], new float[2], new float[8], 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => KlDivergence.Backward(new float[10], new float[10], new float[2], new float[10], -5));
    }

    /// <summary>Log-probabilities of a different random distribution, rounded to float32, with a few zero-probability entries.</summary>
    private static float[] ReferenceLogProbs(int seed, int vocab)
    {
        var logProbs = ReferenceMath.LogSoftmax(TestData.Wide(TestData.Normal(seed, Rows * vocab, scale: 3)), vocab)
            .Select(v => (float)v).ToArray();
        for (var r = 0; r < Rows && vocab > 2; r++)
            logProbs[r * vocab + vocab / 2] = float.NegativeInfinity;
        return logProbs;
    }

    private static void CheckForward(float[] logits, float[] reference, int vocab)
    {
        var losses = new float[logits.Length / vocab];
        KlDivergence.Forward(logits, reference, losses, vocab);
        var x = TestData.Wide(logits);
        var r = TestData.Wide(reference);
        var expected = ReferenceMath.KlDivergence(x, r, vocab);
        var bounds = expected.Select((kl, row) =>
        {
            var model = new RowErrorModel(x.AsSpan(row * vocab, vocab).ToArray());
            var magnitude = 0.0;
            for (var j = 0; j < vocab; j++)
                if (Math.Exp(r[row * vocab + j]) > 0)
                    magnitude += Math.Exp(r[row * vocab + j]) * (Math.Abs(r[row * vocab + j]) + Math.Abs(x[row * vocab + j] - model.Max) + model.LogSum);
            return Expect.Eps * Math.Abs(kl) + RowErrorModel.Float64Slack * magnitude;
        }).ToArray();
        Expect.Close(losses, expected, i => bounds[i] + Expect.Tiny, "KL");
    }

    /// <summary>dx_j = dL·(q_j·Σp_ref − p_j): float32 q_j (model error, normalised by their sum) and p_j = exp(r_j) (2ε), three roundings.</summary>
    private static void CheckBackward(float[] logits, float[] reference, int vocab, int seed)
    {
        var rows = logits.Length / vocab;
        var dLoss = TestData.Normal(seed, rows);
        var dLogits = new float[logits.Length];
        KlDivergence.Backward(logits, reference, dLoss, dLogits, vocab);

        var x = TestData.Wide(logits);
        var r = TestData.Wide(reference);
        var bound = new double[x.Length];
        double lossScale = 0;
        for (var row = 0; row < rows; row++)
        {
            var model = new RowErrorModel(x.AsSpan(row * vocab, vocab).ToArray());
            var mass = r.AsSpan(row * vocab, vocab).ToArray().Sum(Math.Exp);
            for (var j = 0; j < vocab; j++)
            {
                var p = Math.Exp(r[row * vocab + j]);
                var q = model.Probabilities[j];
                bound[row * vocab + j] = Math.Abs(dLoss[row]) * Expect.Eps * (q * mass * (model.ExpErrors[j] + model.MeanExpError + 3) + p * 4);
                if (p > 0)
                    lossScale += Math.Abs(dLoss[row]) * p * (Math.Abs(r[row * vocab + j]) + Math.Abs(x[row * vocab + j]) + Math.Abs(model.Max) + model.LogSum);
            }
        }
        GradientCheck.Matches(dLogits, xs => FiniteDifference.Contract(TestData.Wide(dLoss), ReferenceMath.KlDivergence(xs, r, vocab)), x,
            i => bound[i] + Expect.Tiny, lossScale, seed + 1, "KL dLogits");
    }
}
