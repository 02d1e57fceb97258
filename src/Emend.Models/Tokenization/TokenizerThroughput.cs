using System.Diagnostics;

namespace Emend.Models.Tokenization;

/// <summary>One timed configuration: the best wall time over the repetitions and the rate it gives.</summary>
/// <param name="Label">What was timed.</param>
/// <param name="Threads">Threads encoding at once.</param>
/// <param name="Tokens">Tokens produced by one pass.</param>
/// <param name="BestSeconds">Fastest pass.</param>
public sealed record ThroughputMeasurement(string Label, int Threads, long Tokens, double BestSeconds)
{
    public double TokensPerSecond => Tokens / BestSeconds;
}

/// <summary>
/// Encoding throughput of one tokenizer on a corpus. <see cref="Uncached"/> (BPE on every word, one thread) is the
/// same-run reference the others are compared with, since absolute rates on a shared machine drift.
/// </summary>
public sealed record TokenizerThroughputReport(
    string Tokenizer,
    int Lines,
    long Characters,
    ThroughputMeasurement Uncached,
    ThroughputMeasurement ColdCache,
    ThroughputMeasurement WarmSingleThread,
    ThroughputMeasurement WarmMultiThread)
{
    /// <summary>How many times faster than <see cref="Uncached"/> a measurement is.</summary>
    public double Speedup(ThroughputMeasurement measurement) => Uncached.BestSeconds / measurement.BestSeconds;
}

/// <summary>Measures how fast a tokenizer encodes a corpus, line by line as a data loader would.</summary>
public static class TokenizerThroughput
{
    /// <summary>
    /// Times four configurations, interleaved within each repetition so that machine load affects all alike, and keeps
    /// the best of each: no word cache; a fresh tokenizer (cache filled during the pass); a warm cache on one thread;
    /// a warm cache with <paramref name="threads"/> threads each taking every n-th line.
    /// </summary>
    /// <param name="name">Reported name.</param>
    /// <param name="create">Builds the tokenizer with the given options (called once per cold pass, outside the timing).</param>
    /// <param name="lines">The corpus, one text per line (empty lines are skipped).</param>
    /// <param name="repetitions">Passes per configuration.</param>
    /// <param name="threads">Threads of the multi-threaded configuration.</param>
    /// <param name="progress">Receives a line per finished repetition.</param>
    /// <param name="cancellationToken">Checked between lines.</param>
    public static TokenizerThroughputReport Measure(
        string name,
        Func<TokenizerOptions, Tokenizer> create,
        IReadOnlyList<string> lines,
        int repetitions,
        int threads,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var texts = lines.Where(l => l.Length > 0).ToArray();
        var uncached = create(new TokenizerOptions { WordCacheCapacity = 0 });
        var warm = create(new TokenizerOptions());
        var best = new double[4];
        Array.Fill(best, double.MaxValue);
        var tokens = new long[4];

        for (var repetition = 0; repetition < repetitions; repetition++)
        {
            var cold = create(new TokenizerOptions());
            (tokens[0], var seconds0) = Time(() => EncodeAll(uncached, texts, 0, 1, cancellationToken));
            (tokens[1], var seconds1) = Time(() => EncodeAll(cold, texts, 0, 1, cancellationToken));
            (tokens[2], var seconds2) = Time(() => EncodeAll(warm, texts, 0, 1, cancellationToken));
            (tokens[3], var seconds3) = Time(() => EncodeInParallel(warm, texts, threads, cancellationToken));
            best[0] = Math.Min(best[0], seconds0);
            best[1] = Math.Min(best[1], seconds1);
            best[2] = Math.Min(best[2], seconds2);
            best[3] = Math.Min(best[3], seconds3);
            progress?.Report($"{name}: repetition {repetition + 1}/{repetitions}");
        }
        if (tokens.Distinct().Count() != 1) throw new InvalidOperationException($"{name}: configurations produced different token counts ({string.Join(", ", tokens)})");

        return new TokenizerThroughputReport(
            name,
            texts.Length,
            texts.Sum(t => (long)t.Length),
            new ThroughputMeasurement("no word cache", 1, tokens[0], best[0]),
            new ThroughputMeasurement("cold cache", 1, tokens[1], best[1]),
            new ThroughputMeasurement("warm cache", 1, tokens[2], best[2]),
            new ThroughputMeasurement("warm cache", threads, tokens[3], best[3]));
    }

    /// <summary>Encodes lines start, start + stride, ... and returns the number of tokens.</summary>
    private static long EncodeAll(Tokenizer tokenizer, string[] texts, int start, int stride, CancellationToken cancellationToken)
    {
        var ids = new List<int>(4096);
        long count = 0;
        for (var i = start; i < texts.Length; i += stride)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ids.Clear();
            tokenizer.EncodeTo(texts[i], ids, addSpecialTokens: false);
            count += ids.Count;
        }
        return count;
    }

    private static long EncodeInParallel(Tokenizer tokenizer, string[] texts, int threads, CancellationToken cancellationToken)
    {
        var counts = new long[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken },
            t => counts[t] = EncodeAll(tokenizer, texts, t, threads, cancellationToken));
        return counts.Sum();
    }

    private static (long Tokens, double Seconds) Time(Func<long> pass)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var watch = Stopwatch.StartNew();
        var tokens = pass();
        return (tokens, watch.Elapsed.TotalSeconds);
    }
}
