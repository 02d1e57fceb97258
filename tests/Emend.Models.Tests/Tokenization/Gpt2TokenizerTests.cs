using Emend.Models.Tokenization;
using static Emend.Models.Tests.Tokenization.TokenizerFixtures;

namespace Emend.Models.Tests.Tokenization;

/// <summary>GPT-2 byte-level BPE from vocab.json + merges.txt against HF's slow <c>GPT2Tokenizer</c> on 67 cases.</summary>
public class Gpt2TokenizerTests
{
    [SkippableTheory]
    [MemberData(nameof(Gpt2CaseNames), MemberType = typeof(TokenizerFixtures))]
    public void Ids(string name)
    {
        var item = Case(Gpt2Cases, name);
        Assert.Equal(TokenizerFixtures.Ids(item, "ids"), Gpt2().Encode(Text(item)));
    }

    [SkippableTheory]
    [MemberData(nameof(Gpt2CaseNames), MemberType = typeof(TokenizerFixtures))]
    public void Tokens(string name)
    {
        var item = Case(Gpt2Cases, name);
        Assert.Equal(Strings(item, "tokens"), Gpt2().EncodeToTokens(Text(item)).Select(t => t.Value));
    }

    [SkippableTheory]
    [MemberData(nameof(Gpt2CaseNames), MemberType = typeof(TokenizerFixtures))]
    public void IdsWithSplitSpecialTokens(string name)
    {
        var item = Case(Gpt2Cases, name);
        Assert.Equal(TokenizerFixtures.Ids(item, "ids_split_special_tokens"), Gpt2(splitSpecial: true).Encode(Text(item)));
    }

    [SkippableTheory]
    [MemberData(nameof(Gpt2CaseNames), MemberType = typeof(TokenizerFixtures))]
    public void Decode(string name)
    {
        var item = Case(Gpt2Cases, name);
        Assert.Equal(TokenizerFixtures.String(item, "decode"), Gpt2().Decode(TokenizerFixtures.Ids(item, "ids")));
    }

    [SkippableTheory]
    [MemberData(nameof(Gpt2CaseNames), MemberType = typeof(TokenizerFixtures))]
    public void DecodeWithCleanUpOfSpaces(string name)
    {
        var item = Case(Gpt2Cases, name);
        Assert.Equal(TokenizerFixtures.String(item, "decode_clean_up_spaces"), Gpt2(cleanUp: true).Decode(TokenizerFixtures.Ids(item, "ids")));
    }

    [SkippableFact]
    public void SpecialTokensAreEndOfTextAsInGpt2Tokenizer()
    {
        var tokenizer = Gpt2();
        Assert.Equal(50257, tokenizer.VocabularySize);
        Assert.Equal(new SpecialTokenIds(50256, 50256, 50256, null), tokenizer.SpecialTokens);
        Assert.True(tokenizer.CleanUpTokenizationSpaces is false);
        Assert.Equal("Hello", tokenizer.Decode([15496, 50256], skipSpecialTokens: true));
    }

    /// <summary>
    /// Expected strings from Python: <c>b'\xe2\x82a'.decode('utf-8','replace') == '\ufffda'</c>,
    /// <c>b'\xf0\x9f\x98a\x80'...</c> gives <c>'\ufffda\ufffd'</c> and <c>b'\xed\xa0\x80'...</c> three U+FFFD
    /// (one per maximal invalid subsequence).
    /// </summary>
    [SkippableTheory]
    [InlineData(new byte[] { 0xE2, 0x82, (byte)'a' }, "\uFFFDa")]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98, (byte)'a', 0x80 }, "\uFFFDa\uFFFD")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "\uFFFD\uFFFD\uFFFD")]
    public void DecodeReplacesInvalidUtf8AsPythonDoes(byte[] bytes, string expected)
    {
        var tokenizer = Gpt2();
        var ids = bytes.Select(b => tokenizer.TokenToId(ByteLevelAlphabet.ByteToChar[b].ToString())!.Value).ToArray();
        Assert.Equal(expected, tokenizer.Decode(ids));
    }

    [SkippableFact]
    public void EncodingFromManyThreadsGivesTheSequentialResult()
    {
        var texts = AllNames(Gpt2Cases).Select(n => Text(Case(Gpt2Cases, n))).ToArray();
        var fresh = HfBpeTokenizer.FromVocabAndMerges(
            Path.Combine(Emend.Tests.SharedData.Require(Gpt2Directory), "vocab.json"),
            Path.Combine(Emend.Tests.SharedData.Require(Gpt2Directory), "merges.txt"));
        var expected = texts.Select(t => Gpt2().Encode(t)).ToArray();
        var results = new int[200][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = fresh.Encode(texts[i % texts.Length]));
        for (var i = 0; i < results.Length; i++) Assert.Equal(expected[i % texts.Length], results[i]);
    }
}
