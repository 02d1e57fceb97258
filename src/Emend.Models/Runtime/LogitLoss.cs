using Emend.Numerics;

namespace Emend.Models.Runtime;

/// <summary>
/// The losses that editing and training put on logits rows, returning the loss and writing dLoss/dLogits for
/// <see cref="Transformer.Backward(ForwardResult, ReadOnlySpan{float}, IEnumerable{ModelParameter})"/>. Each call covers its own rows and overwrites their gradient, scaled by
/// <c>scale</c> (pass 1/rows for a mean); a loss made of several terms calls each on its slice of the rows.
/// </summary>
public static class LogitLoss
{
    /// <summary>scale·Σ_r −log softmax(logits[r])[targets[r]]; dLogits (same shape as logits) is overwritten.</summary>
    public static double NegativeLogLikelihood(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int vocab, Span<float> dLogits, float scale = 1)
    {
        var losses = new float[targets.Length];
        CrossEntropy.Forward(logits, targets, losses, vocab);
        var dLoss = new float[targets.Length];
        Array.Fill(dLoss, scale);
        CrossEntropy.Backward(logits, targets, dLoss, dLogits, vocab);
        return scale * Sum(losses);
    }

    /// <summary>scale·Σ_r KL(P_ref[r] ‖ softmax(logits[r])) against fixed reference log-probabilities; dLogits is overwritten.</summary>
    public static double KlDivergence(ReadOnlySpan<float> logits, ReadOnlySpan<float> referenceLogProbs, int vocab, Span<float> dLogits, float scale = 1)
    {
        var rows = logits.Length / vocab;
        var losses = new float[rows];
        Numerics.KlDivergence.Forward(logits, referenceLogProbs, losses, vocab);
        var dLoss = new float[rows];
        Array.Fill(dLoss, scale);
        Numerics.KlDivergence.Backward(logits, referenceLogProbs, dLoss, dLogits, vocab);
        return scale * Sum(losses);
    }

    /// <summary>log softmax of each row (the fixed reference distribution a KL term compares against).</summary>
    public static float[] LogProbabilities(ReadOnlySpan<float> logits, int vocab)
    {
        var result = new float[logits.Length];
        Softmax.LogForward(logits, result, vocab);
        return result;
    }

    private static double Sum(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (var v in values) sum += v;
        return sum;
    }
}
