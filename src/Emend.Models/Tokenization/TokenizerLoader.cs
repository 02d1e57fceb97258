namespace Emend.Models.Tokenization;

/// <summary>Finds and loads the tokenizer of a model directory.</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// Loads the tokenizer in <paramref name="directory"/> by the files it holds, in HF's order of preference:
    /// <c>tokenizer.json</c>, then <c>tokenizer.model</c> (sentencepiece), then <c>vocab.json</c> + <c>merges.txt</c>
    /// (GPT-2 BPE), then a llama2.c <c>tok*.bin</c>. <c>tokenizer_config.json</c> and
    /// <c>special_tokens_map.json</c> are applied where present (special tokens, <c>add_bos_token</c>,
    /// <c>legacy</c>, ...); <paramref name="options"/> override them.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">No tokenizer files are in it.</exception>
    /// <exception cref="TokenizerFormatException">A tokenizer or config file is malformed.</exception>
    public static Tokenizer FromDirectory(string directory, TokenizerOptions? options = null)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"tokenizer directory not found: {directory}");
        var config = TokenizerConfig.Read(directory);
        string In(string name) => Path.Combine(directory, name);

        if (File.Exists(In("tokenizer.json")))
            return HfBpeTokenizer.Create(TokenizerJsonReader.Read(In("tokenizer.json")), config, options);
        if (File.Exists(In("tokenizer.model")))
            return SentencePieceBpeTokenizer.Create(SentencePieceModel.Load(In("tokenizer.model")), In("tokenizer.model"), config, options);
        if (File.Exists(In("vocab.json")) && File.Exists(In("merges.txt")))
            return HfBpeTokenizer.Create(Gpt2VocabularyFiles.Read(In("vocab.json"), In("merges.txt"), config), config, options);
        var llama2c = Directory.GetFiles(directory, "tok*.bin").Order(StringComparer.Ordinal).FirstOrDefault();
        if (llama2c is not null) return Llama2cTokenizer.FromFile(llama2c, options);
        throw new FileNotFoundException(
            $"no tokenizer in {directory}: expected tokenizer.json, tokenizer.model, vocab.json with merges.txt, or a llama2.c tok*.bin");
    }
}
