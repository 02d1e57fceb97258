namespace Emend.Models.Generation;

/// <summary>
/// Picks the next token of one sequence from a row of logits. It owns its scratch buffers and its random stream, so
/// decoding allocates nothing per token and a sequence's samples do not depend on the other sequences in its batch.
/// </summary>
public sealed class TokenSampler
{
    private readonly SamplingOptions _options;
    private readonly SeededRandom? _random;
    private readonly int[] _candidates;
    private readonly float[] _scores;

    public TokenSampler(SamplingOptions options, int vocabularySize, int sequenceIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        options.Validate();
        _options = options;
        if (options.IsGreedy)
        {
            _candidates = [];
            _scores = [];
            return;
        }
        _random = new SeededRandom(options.Seed ^ (0x9E3779B97F4A7C15UL * (ulong)(sequenceIndex + 1)));
        _candidates = new int[vocabularySize];
        _scores = new float[vocabularySize];
    }

    /// <summary>The token chosen from <paramref name="logits"/> (one row, length = vocabulary size).</summary>
    public int Next(ReadOnlySpan<float> logits)
    {
        if (_options.IsGreedy) return ArgMax(logits);
        if (logits.Length != _scores.Length)
            throw new ArgumentException($"logits row has {logits.Length} entries but the sampler was built for a vocabulary of {_scores.Length}", nameof(logits));

        var count = _options.TopK > 0 && _options.TopK < logits.Length
            ? SelectTopK(logits, _options.TopK)
            : SortAll(logits);

        // Candidates are sorted by decreasing logit: softmax over them with temperature, then the nucleus cut.
        var invT = 1.0 / _options.Temperature;
        var max = _scores[0];
        double total = 0;
        for (var i = 0; i < count; i++)
        {
            var p = Math.Exp((_scores[i] - max) * invT);
            _scores[i] = (float)p;
            total += p;
        }
        if (_options.TopP < 1)
        {
            double cumulative = 0;
            var kept = 0;
            while (kept < count)
            {
                cumulative += _scores[kept++] / total;
                if (cumulative >= _options.TopP) break;
            }
            count = kept;
            total = 0;
            for (var i = 0; i < count; i++) total += _scores[i];
        }
        var u = _random!.NextDouble() * total;
        for (var i = 0; i < count; i++)
        {
            u -= _scores[i];
            if (u < 0) return _candidates[i];
        }
        return _candidates[count - 1];
    }

    /// <summary>Index of the largest value; the lowest index wins ties, as torch.argmax does.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) throw new ArgumentException("cannot take the arg-max of an empty row", nameof(values));
        var best = 0;
        var bestValue = values[0];
        for (var i = 1; i < values.Length; i++)
            if (values[i] > bestValue)
            {
                bestValue = values[i];
                best = i;
            }
        return best;
    }

    private int SortAll(ReadOnlySpan<float> logits)
    {
        for (var i = 0; i < logits.Length; i++)
        {
            _candidates[i] = i;
            _scores[i] = -logits[i];
        }
        _scores.AsSpan().Sort(_candidates.AsSpan());
        for (var i = 0; i < logits.Length; i++) _scores[i] = -_scores[i];
        return logits.Length;
    }

    /// <summary>Keeps the k largest logits in a min-heap (O(V log k)), then sorts them in decreasing order.</summary>
    private int SelectTopK(ReadOnlySpan<float> logits, int k)
    {
        var heapScores = _scores.AsSpan(0, k);
        var heapIds = _candidates.AsSpan(0, k);
        for (var i = 0; i < k; i++)
        {
            heapScores[i] = logits[i];
            heapIds[i] = i;
            SiftUp(heapScores, heapIds, i);
        }
        for (var i = k; i < logits.Length; i++)
        {
            if (logits[i] <= heapScores[0]) continue;
            heapScores[0] = logits[i];
            heapIds[0] = i;
            SiftDown(heapScores, heapIds, k);
        }
        for (var i = 0; i < k; i++) heapScores[i] = -heapScores[i];
        heapScores.Sort(heapIds);
        for (var i = 0; i < k; i++) heapScores[i] = -heapScores[i];
        return k;
    }

    private static void SiftUp(Span<float> scores, Span<int> ids, int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (scores[parent] <= scores[i]) return;
            Swap(scores, ids, i, parent);
            i = parent;
        }
    }

    private static void SiftDown(Span<float> scores, Span<int> ids, int size)
    {
        var i = 0;
        while (true)
        {
            var left = 2 * i + 1;
            if (left >= size) return;
            var smallest = left + 1 < size && scores[left + 1] < scores[left] ? left + 1 : left;
            if (scores[i] <= scores[smallest]) return;
            Swap(scores, ids, i, smallest);
            i = smallest;
        }
    }

    private static void Swap(Span<float> scores, Span<int> ids, int a, int b)
    {
        (scores[a], scores[b]) = (scores[b], scores[a]);
        (ids[a], ids[b]) = (ids[b], ids[a]);
    }
}
