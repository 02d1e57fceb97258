using Emend.Numerics;

namespace Emend.Models.Runtime;

/// <summary>
/// The losses that editing and training put on logits rows, returning the loss and writing dLoss/dLogits for
/// <see cref="Transformer.Backward(ForwardResult, ReadOnlySpan{float}, IEnumerable{ModelParameter})"/>. Each call covers its own
/// rows and overwrites their gradient, scaled by <c>scale</c> (pass 1/rows for a mean); a loss made of several terms
/// calls each on its slice of the rows.
/// Large calls (a training batch over a 50k vocabulary: a hundred million exponentials) are split by rows over the
/// compute threads; each row is computed alone, so the result does not depend on the thread count.
/// </summary>
public static unsafe class LogitLoss
{
    /// <summary>scale·Σ_r −log softmax(logits[r])[targets[r]]; dLogits (same shape as logits) is overwritten.</summary>
    /// <exception cref="ArgumentException">The lengths disagree with one target per row of <paramref name="vocab"/> logits.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target lies outside the vocabulary (nothing is written).</exception>
    public static double NegativeLogLikelihood(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int vocab, Span<float> dLogits, float scale = 1)
    {
        CheckShapes(logits.Length, targets.Length, dLogits.Length, vocab);
        for (var r = 0; r < targets.Length; r++)
            if ((uint)targets[r] >= (uint)vocab)
                throw new ArgumentOutOfRangeException(nameof(targets), targets[r], $"target id {targets[r]} of row {r} is outside the vocabulary [0, {vocab})");
        var losses = new float[targets.Length];
        fixed (float* pLogits = logits, pLosses = losses, pdLogits = dLogits)
        fixed (int* pTargets = targets)
        {
            RowSplit.Run(targets.Length, logits.Length, new NllRows(pLogits, pTargets, pLosses, pdLogits, vocab, scale));
        }
        return scale * Sum(losses);
    }

    /// <summary>scale·Σ_r KL(P_ref[r] ‖ softmax(logits[r])) against fixed reference log-probabilities; dLogits is overwritten.</summary>
    /// <exception cref="ArgumentException">The lengths disagree.</exception>
    public static double KlDivergence(ReadOnlySpan<float> logits, ReadOnlySpan<float> referenceLogProbs, int vocab, Span<float> dLogits, float scale = 1)
    {
        if (vocab < 1) throw new ArgumentOutOfRangeException(nameof(vocab), vocab, "the vocabulary must have at least one token");
        var rows = logits.Length / vocab;
        CheckShapes(logits.Length, rows, dLogits.Length, vocab);
        if (referenceLogProbs.Length != logits.Length)
            throw new ArgumentException($"referenceLogProbs has {referenceLogProbs.Length} elements but logits has {logits.Length}", nameof(referenceLogProbs));
        var losses = new float[rows];
        fixed (float* pLogits = logits, pReference = referenceLogProbs, pLosses = losses, pdLogits = dLogits)
        {
            RowSplit.Run(rows, logits.Length, new KlRows(pLogits, pReference, pLosses, pdLogits, vocab, scale));
        }
        return scale * Sum(losses);
    }

    /// <summary>log softmax of each row (the fixed reference distribution a KL term compares against).</summary>
    public static float[] LogProbabilities(ReadOnlySpan<float> logits, int vocab)
    {
        var result = new float[logits.Length];
        Softmax.LogForward(logits, result, vocab);
        return result;
    }

    private static void CheckShapes(int logitsLength, int rows, int dLogitsLength, int vocab)
    {
        if (vocab < 1) throw new ArgumentOutOfRangeException(nameof(vocab), vocab, "the vocabulary must have at least one token");
        if (logitsLength != (long)rows * vocab)
            throw new ArgumentException($"logits has {logitsLength} elements, not {rows} rows of {vocab}", "logits");
        if (dLogitsLength != logitsLength)
            throw new ArgumentException($"dLogits has {dLogitsLength} elements but logits has {logitsLength}", "dLogits");
    }

    private static double Sum(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (var v in values) sum += v;
        return sum;
    }

    private readonly struct NllRows(float* logits, int* targets, float* losses, float* dLogits, int vocab, float scale) : IRowWork
    {
        public void Run(int start, int end)
        {
            var count = end - start;
            var rowLogits = new ReadOnlySpan<float>(logits + (long)start * vocab, count * vocab);
            var rowTargets = new ReadOnlySpan<int>(targets + start, count);
            Span<float> dLoss = count <= 256 ? stackalloc float[count] : new float[count];
            dLoss.Fill(scale);
            CrossEntropy.ForwardBackward(rowLogits, rowTargets, dLoss, new Span<float>(losses + start, count),
                new Span<float>(dLogits + (long)start * vocab, count * vocab), vocab);
        }
    }

    private readonly struct KlRows(float* logits, float* reference, float* losses, float* dLogits, int vocab, float scale) : IRowWork
    {
        public void Run(int start, int end)
        {
            var count = end - start;
            var offset = (long)start * vocab;
            var rowLogits = new ReadOnlySpan<float>(logits + offset, count * vocab);
            var rowReference = new ReadOnlySpan<float>(reference + offset, count * vocab);
            Numerics.KlDivergence.Forward(rowLogits, rowReference, new Span<float>(losses + start, count), vocab);
            Span<float> dLoss = count <= 256 ? stackalloc float[count] : new float[count];
            dLoss.Fill(scale);
            Numerics.KlDivergence.Backward(rowLogits, rowReference, dLoss, new Span<float>(dLogits + offset, count * vocab), vocab);
        }
    }
}
