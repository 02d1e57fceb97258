using Emend.Models.Runtime;

namespace Emend.Models.Scoring;

/// <summary>Recall of facts by a model: exact greedy match, first-token accuracy and answer-vs-alternative ranking.</summary>
public static class FactRecall
{
    /// <summary>Scores every probe (answer and alternative in the same batched passes); results follow the probes' order.</summary>
    public static FactProbeResult[] Evaluate(Transformer model, IReadOnlyList<FactProbe> probes,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(probes);
        var pairs = new List<(IReadOnlyList<int>, IReadOnlyList<int>)>(2 * probes.Count);
        foreach (var probe in probes)
        {
            pairs.Add((probe.Prompt, probe.Answer));
            pairs.Add((probe.Prompt, probe.Alternative));
        }
        var scores = model.ScoreContinuations(pairs, progress: progress, cancellationToken: cancellationToken);
        var results = new FactProbeResult[probes.Count];
        for (var i = 0; i < probes.Count; i++)
        {
            var answer = scores[2 * i];
            var alternative = scores[2 * i + 1];
            results[i] = new FactProbeResult(answer.IsGreedyMatch, answer.FirstTokenCorrect, answer.MeanLogProbability > alternative.MeanLogProbability);
        }
        return results;
    }

    /// <summary>The fraction of results with each property: (exact greedy match, first-token accuracy, answer outscores alternative).</summary>
    public static (double ExactGreedyMatch, double FirstTokenAccuracy, double AnswerOutscoresAlternative) Rates(IReadOnlyCollection<FactProbeResult> results)
    {
        if (results.Count == 0) throw new ArgumentException("no results to summarise", nameof(results));
        double n = results.Count;
        return (results.Count(r => r.ExactGreedyMatch) / n, results.Count(r => r.FirstTokenCorrect) / n, results.Count(r => r.AnswerOutscoresAlternative) / n);
    }
}
