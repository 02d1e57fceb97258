using Emend.Models.Tokenization;
using Emend.Tests;
using static Emend.Models.Tests.Tokenization.TokenizerFixtures;

namespace Emend.Models.Tests.Tokenization;

/// <summary>Finding the tokenizer of a directory by its files, and applying HF's config files.</summary>
public class TokenizerLoaderTests
{
    [Fact]
    public void MissingOrEmptyDirectoriesAreReported()
    {
        using var directory = new TemporaryDirectory();
        Assert.Throws<FileNotFoundException>(() => TokenizerLoader.FromDirectory(directory.Path));
        Assert.Throws<DirectoryNotFoundException>(() => TokenizerLoader.FromDirectory(Path.Combine(directory.Path, "absent")));
    }

    [SkippableFact]
    public void LoadsEachFormatFromItsDirectory()
    {
        Assert.IsType<HfBpeTokenizer>(TokenizerLoader.FromDirectory(SharedData.Require(Gpt2Directory)));
        Assert.IsType<Llama2cTokenizer>(TokenizerLoader.FromDirectory(SharedData.Require("models/stories260K/hf")));
        var llama = Assert.IsType<SentencePieceBpeTokenizer>(TokenizerLoader.FromDirectory(Path.GetDirectoryName(SharedData.Require(LlamaModel))!));
        Assert.True(llama.Legacy, "without tokenizer_config.json, HF's LlamaTokenizer default (legacy) applies");
        var item = Case(LlamaCases, "llama_specials_literal");
        Assert.Equal(Ids(item, "hf_legacy_ids_with_bos"), llama.Encode(Text(item)));
    }

    [SkippableFact]
    public void PrefersTokenizerJsonThenSentencePieceThenVocabAndMerges()
    {
        using var directory = new TemporaryDirectory();
        var gpt2 = SharedData.Require(Gpt2Directory);
        File.Copy(Path.Combine(gpt2, "vocab.json"), Path.Combine(directory.Path, "vocab.json"));
        File.Copy(Path.Combine(gpt2, "merges.txt"), Path.Combine(directory.Path, "merges.txt"));
        File.Copy(SharedData.Require(LlamaModel), Path.Combine(directory.Path, "tokenizer.model"));
        Assert.IsType<SentencePieceBpeTokenizer>(TokenizerLoader.FromDirectory(directory.Path));
        HfTokenizerJsonWriter.WriteGpt2(Path.Combine(gpt2, "vocab.json"), Path.Combine(gpt2, "merges.txt"), Path.Combine(directory.Path, "tokenizer.json"));
        Assert.Equal(50257, Assert.IsType<HfBpeTokenizer>(TokenizerLoader.FromDirectory(directory.Path)).VocabularySize);
    }

    [SkippableFact]
    public void AppliesTokenizerConfigAndLetsOptionsOverrideIt()
    {
        using var directory = new TemporaryDirectory();
        File.Copy(SharedData.Require(LlamaModel), Path.Combine(directory.Path, "tokenizer.model"));
        directory.File("tokenizer_config.json", "{\"legacy\": false, \"add_bos_token\": false, \"add_eos_token\": true, \"tokenizer_class\": \"LlamaTokenizer\"}");
        var item = Case(LlamaCases, "llama_specials_literal");
        var configured = Assert.IsType<SentencePieceBpeTokenizer>(TokenizerLoader.FromDirectory(directory.Path));
        Assert.False(configured.Legacy);
        Assert.Equal([.. Ids(item, "hf_ids_no_bos"), 2], configured.Encode(Text(item)));
        var overridden = TokenizerLoader.FromDirectory(directory.Path, new TokenizerOptions { AddBosToken = true, AddEosToken = false });
        Assert.Equal(Ids(item, "hf_ids_with_bos"), overridden.Encode(Text(item)));
    }
}
