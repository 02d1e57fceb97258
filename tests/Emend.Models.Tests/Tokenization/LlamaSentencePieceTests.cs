using Emend.Models.Tokenization;
using static Emend.Models.Tests.Tokenization.TokenizerFixtures;

namespace Emend.Models.Tests.Tokenization;

/// <summary>
/// The Llama-2 <c>tokenizer.model</c> against the <c>sentencepiece</c> library (<c>sp_*</c>) and HF
/// <c>LlamaTokenizer</c> with <c>legacy=False</c> (<c>hf_*</c>) and <c>legacy=True</c> (<c>hf_legacy_*</c>) on 67 cases.
/// </summary>
public class LlamaSentencePieceTests
{
    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void SentencePieceIds(string name)
    {
        var item = Case(LlamaCases, name);
        Assert.Equal(Ids(item, "sp_ids"), LlamaSentencePiece().Encode(Text(item), addSpecialTokens: false));
    }

    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void SentencePiecePieces(string name)
    {
        var item = Case(LlamaCases, name);
        Assert.Equal(Strings(item, "sp_pieces"), LlamaSentencePiece().EncodeToTokens(Text(item), addSpecialTokens: false).Select(t => t.Value));
    }

    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void SentencePieceDecode(string name)
    {
        var item = Case(LlamaCases, name);
        Assert.Equal(TokenizerFixtures.String(item, "sp_decode"), LlamaSentencePiece().Decode(Ids(item, "sp_ids")));
    }

    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void HfIdsWithBos(string name) => AssertHfIds(name, legacy: false, "hf_ids_with_bos", addSpecialTokens: true);

    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void HfIdsWithoutBos(string name) => AssertHfIds(name, legacy: false, "hf_ids_no_bos", addSpecialTokens: false);

    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void HfDecodeWithoutBos(string name) => AssertHfDecode(name, legacy: false, "hf_ids_no_bos", "hf_decode_no_bos", skipSpecial: false);

    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void HfDecodeWithBos(string name) => AssertHfDecode(name, legacy: false, "hf_ids_with_bos", "hf_decode_with_bos", skipSpecial: false);

    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void HfDecodeWithBosSkippingSpecialTokens(string name) =>
        AssertHfDecode(name, legacy: false, "hf_ids_with_bos", "hf_decode_with_bos_skip_special", skipSpecial: true);

    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void HfLegacyIdsWithBos(string name) => AssertHfIds(name, legacy: true, "hf_legacy_ids_with_bos", addSpecialTokens: true);

    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void HfLegacyIdsWithoutBos(string name) => AssertHfIds(name, legacy: true, "hf_legacy_ids_no_bos", addSpecialTokens: false);

    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void HfLegacyDecodeWithoutBos(string name) => AssertHfDecode(name, legacy: true, "hf_legacy_ids_no_bos", "hf_legacy_decode_no_bos", skipSpecial: false);

    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void HfLegacyDecodeWithBos(string name) => AssertHfDecode(name, legacy: true, "hf_legacy_ids_with_bos", "hf_legacy_decode_with_bos", skipSpecial: false);

    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void HfLegacyDecodeWithBosSkippingSpecialTokens(string name) =>
        AssertHfDecode(name, legacy: true, "hf_legacy_ids_with_bos", "hf_legacy_decode_with_bos_skip_special", skipSpecial: true);

    [SkippableFact]
    public void ModelFactsMatchTheFixture()
    {
        var tokenizer = LlamaHf(legacy: false);
        var model = tokenizer.Model;
        Assert.Equal(32000, tokenizer.VocabularySize);
        Assert.Equal(SentencePieceModelType.Bpe, model.TrainerSpec.ModelType);
        Assert.True(model.TrainerSpec.ByteFallback);
        Assert.Equal("identity", model.NormalizerSpec.Name);
        Assert.True(model.NormalizerSpec.AddDummyPrefix);
        Assert.False(model.NormalizerSpec.RemoveExtraWhitespaces);
        Assert.Equal((0, 1, 2, -1), (model.TrainerSpec.UnknownId, model.TrainerSpec.BosId, model.TrainerSpec.EosId, model.TrainerSpec.PadId));
        Assert.Equal(new SpecialTokenIds(1, 2, 0, null), tokenizer.SpecialTokens);
        Assert.Equal(SentencePieceType.Byte, model.Pieces[3].Type);
        Assert.Equal("<0x00>", model.Pieces[3].Piece);
    }

    private static void AssertHfIds(string name, bool legacy, string field, bool addSpecialTokens)
    {
        var item = Case(LlamaCases, name);
        Assert.Equal(Ids(item, field), LlamaHf(legacy).Encode(Text(item), addSpecialTokens));
    }

    private static void AssertHfDecode(string name, bool legacy, string idsField, string textField, bool skipSpecial)
    {
        var item = Case(LlamaCases, name);
        Assert.Equal(TokenizerFixtures.String(item, textField), LlamaHf(legacy).Decode(Ids(item, idsField), skipSpecial));
    }
}
