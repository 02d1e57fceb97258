using Emend.Models.Tokenization;

namespace Emend.Models.Tests.Tokenization;

/// <summary>
/// sentencepiece behaviours the Llama-2 model does not exercise, on a hand-written model whose expected
/// segmentations follow from sentencepiece's rules by hand: removal of extra spaces, user-defined pieces matched
/// whole, unknown characters without byte fallback (fused into one unknown id), and equal scores resolved leftmost.
/// </summary>
public class SmallSentencePieceModelTests
{
    private const int Unknown = 0, Marker = 3, A = 4, B = 5, MarkerA = 6, AB = 7, MarkerAB = 8, Separator = 9;

    [Fact]
    public void RemovesExtraSpacesAndMergesHighestScoreFirst()
    {
        // "  ab   ab " → "▁ab▁ab": (▁,a) scores best and is taken leftmost first, then (▁a,b) twice.
        Assert.Equal([MarkerAB, MarkerAB], Tokenizer().Encode("  ab   ab ", addSpecialTokens: false));
        Assert.Equal("ab ab", Tokenizer().Decode([MarkerAB, MarkerAB]));
    }

    [Fact]
    public void FusesUnknownCharactersWithoutByteFallback()
    {
        Assert.Equal([Marker, Unknown, A], Tokenizer().Encode("xyza", addSpecialTokens: false));
        Assert.Equal(" \u2047 a", Tokenizer().Decode([Unknown, A]));
    }

    [Fact]
    public void MatchesUserDefinedPiecesWhole()
    {
        Assert.Equal([MarkerA, Separator, B], Tokenizer().Encode("a<sep>b", addSpecialTokens: false));
    }

    [Fact]
    public void AddsBosAndEosWhenAsked()
    {
        var tokenizer = SentencePieceBpeTokenizer.FromModel(Model(), new TokenizerOptions
        {
            SentencePieceCompatibility = SentencePieceCompatibility.SentencePiece,
            AddBosToken = true,
            AddEosToken = true,
        });
        Assert.Equal([1, MarkerA, 2], tokenizer.Encode("a"));
        Assert.Equal("a", tokenizer.Decode([1, MarkerA, 2]));
    }

    private static SentencePieceBpeTokenizer Tokenizer() =>
        SentencePieceBpeTokenizer.FromModel(Model(), new TokenizerOptions { SentencePieceCompatibility = SentencePieceCompatibility.SentencePiece });

    /// <summary>Pieces (id: text, score, type): 0 &lt;unk&gt;, 1 &lt;s&gt;, 2 &lt;/s&gt;, 3 ▁, 4 a, 5 b, 6 ▁a (-0.5), 7 ab (-0.6), 8 ▁ab (-0.7), 9 &lt;sep&gt; user-defined.</summary>
    internal static SentencePieceModel Model(int modelType = 2) => SentencePieceModel.Parse(ModelBytes(modelType), "small.model");

    internal static byte[] ModelBytes(int modelType)
    {
        var writer = new ProtobufWriter();
        foreach (var (piece, score, type) in new (string, float, int)[]
                 {
                     ("<unk>", 0, 2), ("<s>", 0, 3), ("</s>", 0, 3), ("\u2581", -1, 1), ("a", -2, 1), ("b", -3, 1),
                     ("\u2581a", -0.5f, 1), ("ab", -0.6f, 1), ("\u2581ab", -0.7f, 1), ("<sep>", 0, 4),
                 })
            writer.Message(1, new ProtobufWriter().String(1, piece).Float(2, score).Varint(3, type));
        writer.Message(2, new ProtobufWriter().Varint(3, modelType).Varint(4, 10).Varint(43, -1));
        writer.Message(3, new ProtobufWriter().String(1, "identity").Varint(3, 1).Varint(4, 1).Varint(5, 1));
        return writer.ToArray();
    }
}
