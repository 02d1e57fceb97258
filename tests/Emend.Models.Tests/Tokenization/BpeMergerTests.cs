using Emend.Models.Tokenization;

namespace Emend.Models.Tests.Tokenization;

/// <summary>The heap-based merge loop against the textbook loop (rescan, merge the lowest-rank leftmost pair, repeat).</summary>
public class BpeMergerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void MatchesTheRescanningLoopOnRandomTables(int seed)
    {
        var random = new Random(seed);
        var table = new BpeMergeTable();
        var nextId = 6;
        var rules = new Dictionary<(int, int), MergeRule>();
        for (var i = 0; i < 40; i++)
        {
            var pair = (random.Next(nextId), random.Next(nextId));
            var rule = new MergeRule(random.Next(12), nextId++);
            rules[pair] = rule;
            table.Set(pair.Item1, pair.Item2, rule);
        }
        for (var trial = 0; trial < 300; trial++)
        {
            var symbols = Enumerable.Range(0, random.Next(0, 90)).Select(_ => random.Next(6)).ToArray();
            var expected = Rescanning(symbols, rules);
            var count = BpeMerger.Merge(symbols, table);
            Assert.Equal(expected, symbols[..count]);
        }
    }

    private static int[] Rescanning(int[] input, Dictionary<(int, int), MergeRule> rules)
    {
        var symbols = input.ToList();
        while (true)
        {
            var best = -1;
            var bestRule = default(MergeRule);
            for (var i = 0; i + 1 < symbols.Count; i++)
                if (rules.TryGetValue((symbols[i], symbols[i + 1]), out var rule) && (best < 0 || rule.Rank < bestRule.Rank))
                    (best, bestRule) = (i, rule);
            if (best < 0) return symbols.ToArray();
            symbols[best] = bestRule.Result;
            symbols.RemoveAt(best + 1);
        }
    }
}
