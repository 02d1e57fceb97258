using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Emend.Models.Tokenization;

/// <summary>
/// Word → ids memo shared by all threads. Lookups take a span (no string is built on a hit); once full it stops
/// adding rather than evicting, like HF's BPE cache, which keeps the hot path free of bookkeeping.
/// </summary>
internal sealed class WordCache
{
    /// <summary>Longer words are rare and unlikely to repeat, so they are not worth the memory.</summary>
    private const int MaxWordLength = 256;

    private readonly ConcurrentDictionary<string, int[]> entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> bySpan;
    private readonly int capacity;
    private int count;

    public WordCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        this.capacity = capacity;
        bySpan = entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool TryGet(ReadOnlySpan<char> word, [NotNullWhen(true)] out int[]? ids)
    {
        if (capacity == 0)
        {
            ids = null;
            return false;
        }
        return bySpan.TryGetValue(word, out ids);
    }

    public void Add(ReadOnlySpan<char> word, int[] ids)
    {
        if (word.Length > MaxWordLength || Volatile.Read(ref count) >= capacity) return;
        if (bySpan.TryAdd(word, ids)) Interlocked.Increment(ref count);
    }
}
