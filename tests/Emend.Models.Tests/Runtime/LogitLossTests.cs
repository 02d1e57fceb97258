using Emend.Models.Generation;
using Emend.Models.Runtime;
using Emend.Numerics;

namespace Emend.Models.Tests.Runtime;

public class LogitLossTests
{
    private const int Vocab = 7;

    private static float[] RandomLogits(int rows, ulong seed)
    {
        var random = new SeededRandom(seed);
        return Enumerable.Range(0, rows * Vocab).Select(_ => (float)(3 * random.NextGaussian())).ToArray();
    }

    [Fact]
    public void NegativeLogLikelihoodMatchesTheFloat64Oracle()
    {
        var logits = RandomLogits(3, 1);
        int[] targets = [2, 0, 6];
        var dLogits = new float[logits.Length];
        var loss = LogitLoss.NegativeLogLikelihood(logits, targets, Vocab, dLogits, scale: 1f / 3);
        var (expectedLoss, expectedGradient) = ReferenceLoss.MeanNll(logits, targets, Vocab);
        Assert.Equal(expectedLoss, loss, 1e-6);
        Tolerance.AssertClose(expectedGradient, dLogits, "dNLL/dlogits", 1e-5, 1e-6);
    }

    [Fact]
    public void KlDivergenceIsZeroAgainstItselfAndItsGradientMatchesFiniteDifferences()
    {
        var logits = RandomLogits(2, 2);
        var dLogits = new float[logits.Length];
        Assert.Equal(0, LogitLoss.KlDivergence(logits, LogitLoss.LogProbabilities(logits, Vocab), Vocab, dLogits), 1e-6);

        var reference = LogitLoss.LogProbabilities(RandomLogits(2, 3), Vocab);
        LogitLoss.KlDivergence(logits, reference, Vocab, dLogits, scale: 0.5f);
        for (var i = 0; i < logits.Length; i++)
        {
            var original = logits[i];
            logits[i] = original + 1e-2f;
            var plus = LogitLoss.KlDivergence(logits, reference, Vocab, new float[logits.Length], 0.5f);
            logits[i] = original - 1e-2f;
            var minus = LogitLoss.KlDivergence(logits, reference, Vocab, new float[logits.Length], 0.5f);
            logits[i] = original;
            Assert.Equal((plus - minus) / 2e-2, dLogits[i], 1e-3);
        }
    }

    /// <summary>A batch large enough to be split over threads gives each row exactly what the op computes for it alone.</summary>
    [Fact]
    public void LargeBatchesSplitByRowsEqualRowByRowEvaluation()
    {
        const int rows = 67, vocab = 9001;
        var random = new SeededRandom(4);
        var logits = Enumerable.Range(0, rows * vocab).Select(_ => (float)(3 * random.NextGaussian())).ToArray();
        var targets = Enumerable.Range(0, rows).Select(r => r * 131 % vocab).ToArray();
        var reference = new float[logits.Length];
        Softmax.LogForward(logits.AsSpan(vocab), reference.AsSpan(0, logits.Length - vocab), vocab);
        Softmax.LogForward(logits.AsSpan(0, vocab), reference.AsSpan(logits.Length - vocab), vocab);

        var dNll = new float[logits.Length];
        var nll = LogitLoss.NegativeLogLikelihood(logits, targets, vocab, dNll, 0.5f);
        var dKl = new float[logits.Length];
        var kl = LogitLoss.KlDivergence(logits, reference, vocab, dKl, 0.5f);

        double expectedNll = 0, expectedKl = 0;
        var loss = new float[1];
        var dRow = new float[vocab];
        for (var r = 0; r < rows; r++)
        {
            var row = logits.AsSpan(r * vocab, vocab);
            CrossEntropy.ForwardBackward(row, targets.AsSpan(r, 1), [0.5f], loss, dRow, vocab);
            expectedNll += loss[0];
            Assert.True(dRow.AsSpan().SequenceEqual(dNll.AsSpan(r * vocab, vocab)), $"NLL gradient of row {r}");
            KlDivergence.Forward(row, reference.AsSpan(r * vocab, vocab), loss, vocab);
            expectedKl += loss[0];
            KlDivergence.Backward(row, reference.AsSpan(r * vocab, vocab), [0.5f], dRow, vocab);
            Assert.True(dRow.AsSpan().SequenceEqual(dKl.AsSpan(r * vocab, vocab)), $"KL gradient of row {r}");
        }
        Assert.Equal(0.5 * expectedNll, nll);
        Assert.Equal(0.5 * expectedKl, kl);
    }

    [Fact]
    public void TargetOutsideTheVocabularyIsRejectedBeforeAnythingIsWritten()
    {
        var logits = RandomLogits(2, 5);
        var dLogits = Enumerable.Repeat(7f, logits.Length).ToArray();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => LogitLoss.NegativeLogLikelihood(logits, [1, Vocab], Vocab, dLogits));
        Assert.Contains("row 1", error.Message);
        Assert.All(dLogits, g => Assert.Equal(7f, g));
    }
}
