namespace Emend.Models.Scoring;

/// <summary>
/// How the model scores one continuation after its prompt, teacher-forced: the log-probability of each continuation
/// token and the arg-max token at each of those positions.
/// </summary>
public sealed record ContinuationScore(int[] Continuation, float[] TokenLogProbabilities, int[] ArgmaxTokens)
{
    public double SumLogProbability => TokenLogProbabilities.Sum(x => (double)x);

    /// <summary>Length-normalised log-probability (ROME's efficacy/neighbourhood comparisons use it).</summary>
    public double MeanLogProbability => SumLogProbability / TokenLogProbabilities.Length;

    /// <summary>Greedy decoding would reproduce the whole continuation (arg-max = token at every position).</summary>
    public bool IsGreedyMatch => ArgmaxTokens.AsSpan().SequenceEqual(Continuation);

    /// <summary>The first continuation token is the arg-max after the prompt.</summary>
    public bool FirstTokenCorrect => ArgmaxTokens[0] == Continuation[0];

    /// <summary>Fraction of positions whose arg-max is the continuation token (token-level accuracy).</summary>
    public double TokenAccuracy => ArgmaxTokens.Zip(Continuation).Count(p => p.First == p.Second) / (double)Continuation.Length;
}
