namespace Emend.Models.Tokenization;

/// <summary>
/// The effective switches of one tokenizer: an explicit <see cref="TokenizerOptions"/> value wins, then the config
/// file, then the format's HF default. A null BOS/EOS choice leaves it to the format (a tokenizer.json template).
/// </summary>
internal sealed record TokenizerSettings(
    bool? AddBosToken,
    bool? AddEosToken,
    bool SplitSpecialTokens,
    bool CleanUpTokenizationSpaces,
    bool Legacy,
    SentencePieceCompatibility Compatibility,
    int WordCacheCapacity)
{
    public static TokenizerSettings Resolve(TokenizerOptions options, TokenizerConfig config, bool defaultCleanUp, bool? defaultAddBos) => new(
        options.AddBosToken ?? config.AddBosToken ?? defaultAddBos,
        options.AddEosToken ?? config.AddEosToken,
        options.SplitSpecialTokens ?? config.SplitSpecialTokens ?? false,
        options.CleanUpTokenizationSpaces ?? config.CleanUpTokenizationSpaces ?? defaultCleanUp,
        options.Legacy ?? config.Legacy ?? true,
        options.SentencePieceCompatibility ?? SentencePieceCompatibility.HuggingFaceLlama,
        options.WordCacheCapacity ?? TokenizerOptions.DefaultWordCacheCapacity);
}
