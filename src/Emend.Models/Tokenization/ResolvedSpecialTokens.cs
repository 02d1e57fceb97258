namespace Emend.Models.Tokenization;

/// <summary>The special tokens a format implies when its config files name none.</summary>
internal sealed record SpecialTokenDefaults(SpecialTokenSpec? Bos, SpecialTokenSpec? Eos, SpecialTokenSpec? Unknown, SpecialTokenSpec? Padding);

/// <summary>
/// Special-token names resolved to ids. As in HF, every named special token (BOS, EOS, UNK, PAD, additional) is
/// also an added token, so its literal text is matched in the input; the format's own added tokens come first.
/// </summary>
internal sealed record ResolvedSpecialTokens(SpecialTokenIds Ids, IReadOnlyList<AddedToken> AddedTokens, int VocabularySize)
{
    /// <param name="sourcePath">Named in errors.</param>
    /// <param name="vocabularyLookup">The id of a vocabulary string, or null.</param>
    /// <param name="formatAddedTokens">Added tokens the tokenizer file itself declares.</param>
    /// <param name="config">Config-file names and added tokens, which take precedence over <paramref name="defaults"/>.</param>
    /// <param name="defaults">The format's own names.</param>
    /// <param name="largestVocabularyId">The largest id in the vocabulary.</param>
    public static ResolvedSpecialTokens Resolve(
        string sourcePath,
        Func<string, int?> vocabularyLookup,
        IReadOnlyList<AddedToken> formatAddedTokens,
        TokenizerConfig config,
        SpecialTokenDefaults defaults,
        int largestVocabularyId)
    {
        var added = new List<AddedToken>(formatAddedTokens);
        foreach (var token in config.AddedTokens)
            if (added.All(a => a.Content != token.Content)) added.Add(token);

        int? Resolve(SpecialTokenSpec? spec, string role)
        {
            if (spec is null) return null;
            var index = added.FindIndex(a => a.Content == spec.Content);
            if (index >= 0)
            {
                added[index] = added[index] with { Special = true };
                return added[index].Id;
            }
            var id = vocabularyLookup(spec.Content)
                     ?? throw new TokenizerFormatException(sourcePath, $"the {role} token '{spec.Content}' is neither in the vocabulary nor an added token");
            added.Add(new AddedToken(spec.Content, id, Special: true, spec.LStrip, spec.RStrip, spec.SingleWord));
            return id;
        }

        var ids = new SpecialTokenIds(
            Resolve(config.Bos ?? defaults.Bos, "BOS"),
            Resolve(config.Eos ?? defaults.Eos, "EOS"),
            Resolve(config.Unknown ?? defaults.Unknown, "unknown"),
            Resolve(config.Padding ?? defaults.Padding, "padding"));
        foreach (var extra in config.AdditionalSpecialTokens) Resolve(extra, "additional special");
        foreach (var token in added)
            if (token.Id < 0) throw new TokenizerFormatException(sourcePath, $"added token '{token.Content}' has a negative id");
        var size = Math.Max(largestVocabularyId, added.Count == 0 ? -1 : added.Max(a => a.Id)) + 1;
        return new ResolvedSpecialTokens(ids, added, size);
    }
}
