using Emend.Models.Generation;
using Emend.Models.Runtime;

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
}
