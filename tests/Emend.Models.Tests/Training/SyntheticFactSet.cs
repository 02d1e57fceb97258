using Emend.Models.Generation;

namespace Emend.Models.Tests.Training;

/// <summary>
/// A seeded set of "subject relation → object" facts over a small vocabulary, the shape of what factsworld memorised:
/// the prompt is [subject, relation] and the answer is a two-token object followed by an end token. Every
/// (subject, relation) pair occurs once, and objects repeat across facts, so the model has to use both prompt tokens.
/// </summary>
/// <remarks>Token ids: subjects 0 … S−1, relations S … S+R−1, object pieces after them, the end token last.</remarks>
internal sealed class SyntheticFactSet
{
    private SyntheticFactSet(int vocabSize, IReadOnlyList<(int[] Prompt, int[] Answer)> facts)
    {
        VocabSize = vocabSize;
        Facts = facts;
    }

    public int VocabSize { get; }

    public IReadOnlyList<(int[] Prompt, int[] Answer)> Facts { get; }

    public static SyntheticFactSet Create(int factCount, int subjects, int relations, int objectPieces, ulong seed)
    {
        if (factCount > subjects * relations)
            throw new ArgumentOutOfRangeException(nameof(factCount), factCount, $"only {subjects * relations} distinct (subject, relation) pairs exist");
        var random = new SeededRandom(seed);
        var pairs = Enumerable.Range(0, subjects * relations).ToArray();
        for (var i = pairs.Length - 1; i > 0; i--)
        {
            var j = (int)(random.NextUInt64() % (ulong)(i + 1));
            (pairs[i], pairs[j]) = (pairs[j], pairs[i]);
        }
        var firstPiece = subjects + relations;
        var end = firstPiece + objectPieces;
        var facts = new List<(int[], int[])>(factCount);
        foreach (var pair in pairs.Take(factCount))
        {
            var subject = pair / relations;
            var relation = subjects + pair % relations;
            var first = firstPiece + (int)(random.NextUInt64() % (ulong)objectPieces);
            var second = firstPiece + (int)(random.NextUInt64() % (ulong)objectPieces);
            facts.Add(([subject, relation], [first, second, end]));
        }
        return new SyntheticFactSet(end + 1, facts);
    }
}
