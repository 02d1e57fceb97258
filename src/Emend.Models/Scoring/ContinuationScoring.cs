using Emend.Models.Generation;
using Emend.Models.Runtime;
using Emend.Numerics;

namespace Emend.Models.Scoring;

/// <summary>
/// The scoring path every metric uses: log-probabilities of given continuations after prompts, and teacher-forced
/// arg-max tokens, for many (prompt, continuation) pairs. Pairs are sorted by length and packed into right-padded
/// batches, and logits are computed only at the rows that predict continuation tokens.
/// </summary>
public static class ContinuationScoring
{
    /// <summary>Tokens (batch × padded length) per forward pass: bounds the activation workspace.</summary>
    public const int DefaultTokensPerPass = 4096;

    /// <summary>Scores each pair; results are in the order of <paramref name="pairs"/>.</summary>
    /// <exception cref="ArgumentException">A prompt or continuation is empty.</exception>
    public static ContinuationScore[] ScoreContinuations(this Transformer model,
        IReadOnlyList<(IReadOnlyList<int> Prompt, IReadOnlyList<int> Continuation)> pairs,
        int tokensPerPass = DefaultTokensPerPass, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokensPerPass, 1);
        for (var i = 0; i < pairs.Count; i++)
            if (pairs[i].Prompt.Count == 0 || pairs[i].Continuation.Count == 0)
                throw new ArgumentException($"pair {i} has an empty {(pairs[i].Prompt.Count == 0 ? "prompt" : "continuation")}: both need at least one token", nameof(pairs));

        var results = new ContinuationScore[pairs.Count];
        var order = Enumerable.Range(0, pairs.Count).OrderByDescending(i => pairs[i].Prompt.Count + pairs[i].Continuation.Count).ToArray();
        var done = 0;
        while (done < order.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var longest = pairs[order[done]].Prompt.Count + pairs[order[done]].Continuation.Count;
            var count = Math.Clamp(tokensPerPass / longest, 1, order.Length - done);
            ScoreBatch(model, pairs, order.AsSpan(done, count), results);
            done += count;
            progress?.Report(done);
        }
        return results;
    }

    private static void ScoreBatch(Transformer model, IReadOnlyList<(IReadOnlyList<int> Prompt, IReadOnlyList<int> Continuation)> pairs,
        ReadOnlySpan<int> indices, ContinuationScore[] results)
    {
        var sequences = new IReadOnlyList<int>[indices.Length];
        var logitRows = new List<int>();
        var targets = new List<int>();
        for (var s = 0; s < indices.Length; s++)
        {
            var (prompt, continuation) = pairs[indices[s]];
            sequences[s] = prompt.Concat(continuation).ToArray();
        }
        var batch = TokenBatch.RightPadded(sequences);
        for (var s = 0; s < indices.Length; s++)
        {
            var (prompt, continuation) = pairs[indices[s]];
            for (var t = 0; t < continuation.Count; t++)
            {
                logitRows.Add(batch.Row(s, prompt.Count - 1 + t));
                targets.Add(continuation[t]);
            }
        }
        var vocab = model.Spec.VocabSize;
        var result = model.Forward(batch, new ForwardOptions { LogitRows = logitRows });
        var losses = new float[targets.Count];
        CrossEntropy.Forward(result.Logits, targets.ToArray(), losses, vocab);
        var row = 0;
        for (var s = 0; s < indices.Length; s++)
        {
            var continuation = pairs[indices[s]].Continuation.ToArray();
            var logProbs = new float[continuation.Length];
            var argmax = new int[continuation.Length];
            for (var t = 0; t < continuation.Length; t++, row++)
            {
                logProbs[t] = -losses[row];
                argmax[t] = TokenSampler.ArgMax(result.LogitsRow(row));
            }
            results[indices[s]] = new ContinuationScore(continuation, logProbs, argmax);
        }
    }
}
