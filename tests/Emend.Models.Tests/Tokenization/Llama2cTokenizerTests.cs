using System.Text;
using System.Text.Json;
using Emend.Models.Tokenization;
using Emend.Tests;
using static Emend.Models.Tests.Tokenization.TokenizerFixtures;

namespace Emend.Models.Tests.Tokenization;

/// <summary>
/// llama2.c's tok512.bin (stories260K) against its readable twin <c>tok512_vocab.json</c> and against a direct
/// transcription of llama2.c's <c>encode</c> loop (rescan all pairs, merge the best, repeat) written here.
/// </summary>
public class Llama2cTokenizerTests
{
    private const string BinaryPath = "models/stories260K/llama2c/tok512.bin";
    private const string VocabularyJson = "models/stories260K/hf/tok512_vocab.json";

    [SkippableFact]
    public void BinaryAndJsonVocabulariesAgree()
    {
        var tokenizer = Tokenizer();
        var pieces = JsonPieces();
        Assert.Equal(pieces.Length, tokenizer.VocabularySize);
        for (var id = 0; id < pieces.Length; id++)
        {
            Assert.Equal(pieces[id].Piece, tokenizer.IdToToken(id));
            Assert.Equal(pieces[id].Score, tokenizer.Scores[id]);
        }
    }

    [SkippableFact]
    public void OnceUponATimeSpellsThePromptWithJsonPieces()
    {
        var ids = Tokenizer().Encode("Once upon a time");
        Assert.Equal(Tokenizer().SpecialTokens.Bos, ids[0]);
        var pieces = JsonPieces();
        Assert.Equal(" Once upon a time", string.Concat(ids.Skip(1).Select(id => pieces[id].Piece)));
        Assert.Equal(ReferenceEncode("Once upon a time"), ids);
    }

    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void EncodesAsLlama2cLoop(string name)
    {
        var text = Text(Case(LlamaCases, name));
        Assert.Equal(ReferenceEncode(text), Tokenizer().Encode(text));
    }

    /// <summary>Every byte has a token (id = byte + 3), so every case round-trips; the space after BOS is dropped by decode as in llama2.c.</summary>
    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void RoundTrips(string name)
    {
        var text = Text(Case(LlamaCases, name));
        Assert.Equal(text, Tokenizer().Decode(Tokenizer().Encode(text), skipSpecialTokens: true));
    }

    private static Llama2cTokenizer Tokenizer() => Shared("llama2c", () => Llama2cTokenizer.FromFile(SharedData.Require(BinaryPath)));

    private static (string Piece, float Score)[] JsonPieces() => Pieces.Value;

    private static readonly Lazy<(string Piece, float Score)[]> Pieces = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(SharedData.Require(VocabularyJson)));
        return document.RootElement.EnumerateArray()
            .OrderBy(e => e.GetProperty("id").GetInt32())
            .Select(e => (e.GetProperty("piece").GetString()!, e.GetProperty("score").GetSingle()))
            .ToArray();
    });

    /// <summary>llama2.c's encode with BOS, transcribed over the JSON pieces: O(n²) per merge, obviously faithful.</summary>
    private static int[] ReferenceEncode(string text)
    {
        var pieces = JsonPieces();
        var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < pieces.Length; id++) lookup.TryAdd(pieces[id].Piece, id);
        var tokens = new List<int> { 1 };
        if (text.Length > 0) tokens.Add(lookup[" "]);
        foreach (var rune in text.EnumerateRunes())
        {
            if (lookup.TryGetValue(rune.ToString(), out var id)) tokens.Add(id);
            else tokens.AddRange(Encoding.UTF8.GetBytes(rune.ToString()).Select(b => b + 3));
        }
        while (true)
        {
            var (bestScore, bestId, bestIndex) = (-1e10f, -1, -1);
            for (var i = 0; i + 1 < tokens.Count; i++)
            {
                if (lookup.TryGetValue(pieces[tokens[i]].Piece + pieces[tokens[i + 1]].Piece, out var id) && pieces[id].Score > bestScore)
                    (bestScore, bestId, bestIndex) = (pieces[id].Score, id, i);
            }
            if (bestIndex < 0) return tokens.ToArray();
            tokens[bestIndex] = bestId;
            tokens.RemoveAt(bestIndex + 1);
        }
    }
}
