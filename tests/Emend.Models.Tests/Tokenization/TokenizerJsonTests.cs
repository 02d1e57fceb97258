using Emend.Models.Tokenization;
using Emend.Tests;
using static Emend.Models.Tests.Tokenization.TokenizerFixtures;

namespace Emend.Models.Tests.Tokenization;

/// <summary>
/// The tokenizer.json path: files written in HF's schema from the original GPT-2 and Llama-2 files must tokenize as
/// the originals (and as HF's fast tokenizers would) on all 67 cases.
/// </summary>
public class TokenizerJsonTests
{
    private static readonly Lazy<string> Directory = new(() =>
    {
        var directory = Path.Combine(Path.GetTempPath(), $"emend-tokenizer-json-{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.Directory.Delete(directory, recursive: true);
        return directory;
    });

    [SkippableTheory]
    [MemberData(nameof(Gpt2CaseNames), MemberType = typeof(TokenizerFixtures))]
    public void Gpt2JsonEncodesAsVocabAndMerges(string name)
    {
        var item = Case(Gpt2Cases, name);
        Assert.Equal(Ids(item, "ids"), Gpt2Json(splitSpecial: false).Encode(Text(item)));
        Assert.Equal(Ids(item, "ids_split_special_tokens"), Gpt2Json(splitSpecial: true).Encode(Text(item)));
        Assert.Equal(Strings(item, "tokens"), Gpt2Json(splitSpecial: false).EncodeToTokens(Text(item)).Select(t => t.Value));
    }

    [SkippableTheory]
    [MemberData(nameof(Gpt2CaseNames), MemberType = typeof(TokenizerFixtures))]
    public void Gpt2JsonDecodes(string name)
    {
        var item = Case(Gpt2Cases, name);
        Assert.Equal(TokenizerFixtures.String(item, "decode"), Gpt2Json(splitSpecial: false).Decode(Ids(item, "ids")));
    }

    /// <summary>With special tokens split, the Llama-2 tokenizer.json must give sentencepiece's own ids.</summary>
    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void LlamaJsonEncodesAsSentencePiece(string name)
    {
        var item = Case(LlamaCases, name);
        Assert.Equal(Ids(item, "sp_ids"), LlamaJson(metaspace: false, splitSpecial: true).Encode(Text(item), addSpecialTokens: false));
    }

    /// <summary>
    /// Matching special tokens, Llama-2's tokenizer.json prepends <c>▁</c> to every piece of text between them
    /// (its Prepend normalizer), which is what LlamaTokenizer's legacy mode does.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void LlamaJsonWithSpecialTokensEncodesAsLegacyLlamaTokenizer(string name)
    {
        var item = Case(LlamaCases, name);
        Assert.Equal(Ids(item, "hf_legacy_ids_with_bos"), LlamaJson(metaspace: false, splitSpecial: false).Encode(Text(item)));
    }

    /// <summary>HF's decoder chain (Replace ▁, ByteFallback, Fuse, Strip one leading space) agrees with LlamaTokenizer(legacy=False).decode.</summary>
    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void LlamaJsonDecodes(string name)
    {
        var item = Case(LlamaCases, name);
        var tokenizer = LlamaJson(metaspace: false, splitSpecial: false);
        Assert.Equal(TokenizerFixtures.String(item, "hf_decode_no_bos"), tokenizer.Decode(Ids(item, "hf_ids_no_bos")));
        Assert.Equal(TokenizerFixtures.String(item, "hf_decode_with_bos"), tokenizer.Decode(Ids(item, "hf_ids_with_bos")));
        Assert.Equal(TokenizerFixtures.String(item, "hf_decode_with_bos_skip_special"), tokenizer.Decode(Ids(item, "hf_ids_with_bos"), skipSpecialTokens: true));
    }

    /// <summary>
    /// The newer Llama tokenizer.json form (Metaspace, prepend_scheme "first") behaves as LlamaTokenizer(legacy=False)
    /// except on text that already starts with a space or <c>▁</c>: HF's Metaspace then adds no second marker while
    /// sentencepiece's dummy prefix does, so those cases are excluded.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(LlamaCaseNames), MemberType = typeof(TokenizerFixtures))]
    public void LlamaMetaspaceJsonEncodesAsNonLegacyLlamaTokenizer(string name)
    {
        var item = Case(LlamaCases, name);
        var text = Text(item);
        Skip.If(text.StartsWith(' ') || text.StartsWith('\u2581'), "HF Metaspace does not double a leading marker (see summary)");
        Assert.Equal(Ids(item, "hf_ids_with_bos"), LlamaJson(metaspace: true, splitSpecial: false).Encode(text));
    }

    private static HfBpeTokenizer Gpt2Json(bool splitSpecial) => Shared($"gpt2 json {splitSpecial}", () =>
    {
        var path = Path.Combine(Directory.Value, "gpt2.json");
        lock (Directory)
        {
            if (!File.Exists(path))
            {
                var source = SharedData.Require(Gpt2Directory);
                HfTokenizerJsonWriter.WriteGpt2(Path.Combine(source, "vocab.json"), Path.Combine(source, "merges.txt"), path);
            }
        }
        return HfBpeTokenizer.FromTokenizerJson(path, new TokenizerOptions { SplitSpecialTokens = splitSpecial, CleanUpTokenizationSpaces = false });
    });

    private static HfBpeTokenizer LlamaJson(bool metaspace, bool splitSpecial) => Shared($"llama json {metaspace} {splitSpecial}", () =>
    {
        var path = Path.Combine(Directory.Value, metaspace ? "llama-metaspace.json" : "llama.json");
        lock (Directory)
        {
            if (!File.Exists(path)) HfTokenizerJsonWriter.WriteLlama(SentencePieceModel.Load(SharedData.Require(LlamaModel)), path, metaspace);
        }
        return HfBpeTokenizer.FromTokenizerJson(path, new TokenizerOptions { SplitSpecialTokens = splitSpecial, CleanUpTokenizationSpaces = false });
    });
}
