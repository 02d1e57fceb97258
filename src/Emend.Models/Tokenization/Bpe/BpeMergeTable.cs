using System.Runtime.CompilerServices;

namespace Emend.Models.Tokenization;

/// <summary>What merging one adjacent pair of symbols gives: lower <see cref="Rank"/> merges first.</summary>
internal readonly record struct MergeRule(int Rank, int Result);

/// <summary>
/// The merge rules of a BPE vocabulary keyed by the pair of symbol ids packed into one <see cref="long"/>. GPT-2 ranks
/// come from the order of <c>merges.txt</c>; sentencepiece and llama2.c rank a pair by the score of the piece it
/// forms, so all three formats share one merge loop. Lookups are the inner loop of BPE, so this is an
/// open-addressing table with a multiplicative hash rather than a <see cref="Dictionary{TKey,TValue}"/> (whose
/// <see cref="long.GetHashCode"/> would be left ^ right, colliding heavily for ids below 2¹⁶).
/// </summary>
internal sealed class BpeMergeTable
{
    private const long Empty = -1;

    private long[] keys = NewKeys(16);
    private MergeRule[] rules = new MergeRule[16];

    private int count;

    /// <summary>Sets the rule for (left, right); a later rule for the same pair replaces the earlier one, as in HF.</summary>
    public void Set(int left, int right, MergeRule rule)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(left);
        ArgumentOutOfRangeException.ThrowIfNegative(right);
        if (2 * (count + 1) > keys.Length) Grow();
        var key = Key(left, right);
        var slot = Find(keys, key);
        if (keys[slot] == Empty)
        {
            keys[slot] = key;
            count++;
        }
        rules[slot] = rule;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(int left, int right, out MergeRule rule)
    {
        var slot = Find(keys, Key(left, right));
        rule = rules[slot];
        return keys[slot] != Empty;
    }

    /// <summary>
    /// Ranks scores so that the highest score gets rank 0 and equal scores share a rank (the merge loop then takes
    /// the leftmost pair, as sentencepiece and llama2.c do).
    /// </summary>
    public static Dictionary<float, int> RanksByDescendingScore(IEnumerable<float> scores)
    {
        var ranks = new Dictionary<float, int>();
        foreach (var score in scores.Distinct().OrderByDescending(s => s)) ranks[score] = ranks.Count;
        return ranks;
    }

    /// <summary>
    /// Builds the table of an HF merge list, rank = position. Every merge must name two vocabulary tokens whose
    /// concatenation is also one (HF's <c>tokenizers</c> rejects such files too); <paramref name="describe"/> says
    /// where merge i sits in <paramref name="path"/>.
    /// </summary>
    public static BpeMergeTable FromRankedPairs(IReadOnlyList<(string Left, string Right)> pairs, Dictionary<string, int> vocabulary, string path, Func<int, string> describe)
    {
        var table = new BpeMergeTable();
        for (var rank = 0; rank < pairs.Count; rank++)
        {
            var (left, right) = pairs[rank];
            int Lookup(string token) => vocabulary.TryGetValue(token, out var id)
                ? id
                : throw new TokenizerFormatException(path, $"{describe(rank)}: merge '{left} {right}' needs '{token}', which is not in the vocabulary");
            table.Set(Lookup(left), Lookup(right), new MergeRule(rank, Lookup(left + right)));
        }
        return table;
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>The slot holding <paramref name="key"/>, or the empty slot where it would go (linear probing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Find(long[] keys, long key)
    {
        var mask = keys.Length - 1;
        var slot = (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32) & mask;
        while (keys[slot] != key && keys[slot] != Empty) slot = (slot + 1) & mask;
        return slot;
    }

    private void Grow()
    {
        var (oldKeys, oldRules) = (keys, rules);
        keys = NewKeys(oldKeys.Length * 2);
        rules = new MergeRule[oldKeys.Length * 2];
        for (var i = 0; i < oldKeys.Length; i++)
        {
            if (oldKeys[i] == Empty) continue;
            var slot = Find(keys, oldKeys[i]);
            keys[slot] = oldKeys[i];
            rules[slot] = oldRules[i];
        }
    }

    private static long[] NewKeys(int capacity)
    {
        var keys = new long[capacity];
        Array.Fill(keys, Empty);
        return keys;
    }
}
