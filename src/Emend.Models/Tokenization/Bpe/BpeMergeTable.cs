namespace Emend.Models.Tokenization;

/// <summary>What merging one adjacent pair of symbols gives: lower <see cref="Rank"/> merges first.</summary>
internal readonly record struct MergeRule(int Rank, int Result);

/// <summary>
/// The merge rules of a BPE vocabulary keyed by the pair of symbol ids packed into one <see cref="long"/>. GPT-2 ranks
/// come from the order of <c>merges.txt</c>; sentencepiece and llama2.c rank a pair by the score of the piece it
/// forms, so all three formats share one merge loop.
/// </summary>
internal sealed class BpeMergeTable
{
    private readonly Dictionary<long, MergeRule> rules = [];

    public int Count => rules.Count;

    /// <summary>Sets the rule for (left, right); a later rule for the same pair replaces the earlier one, as in HF.</summary>
    public void Set(int left, int right, MergeRule rule) => rules[Key(left, right)] = rule;

    public bool TryGet(int left, int right, out MergeRule rule) => rules.TryGetValue(Key(left, right), out rule);

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
}
