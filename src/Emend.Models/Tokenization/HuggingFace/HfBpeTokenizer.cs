namespace Emend.Models.Tokenization;

/// <summary>
/// Hugging Face's BPE tokenizers: GPT-2-style byte-level BPE from <c>vocab.json</c> + <c>merges.txt</c> (as the slow
/// <c>GPT2Tokenizer</c>) or from a <c>tokenizer.json</c> (byte-level, or Llama-style with <c>▁</c> and byte
/// fallback, as the <c>tokenizers</c> library). Added tokens are matched first, each remaining piece of text is
/// normalized, pre-tokenized into words and BPE-encoded with a per-word cache.
/// </summary>
public sealed class HfBpeTokenizer : Tokenizer
{
    private readonly BpeModel model;
    private readonly string?[] idToToken;
    private readonly Dictionary<string, int> tokenToId;
    private readonly IReadOnlyList<NormalizerStep> normalizers;
    private readonly PreTokenizer preTokenizer;
    private readonly IReadOnlyList<DecoderStep>? decoders;
    private readonly int[] prefixIds;
    private readonly int[] suffixIds;

    private HfBpeTokenizer(HfBpeDefinition definition, ResolvedSpecialTokens specials, TokenizerSettings settings)
        : base(specials.VocabularySize, specials.Ids, specials.AddedTokens, settings.SplitSpecialTokens)
    {
        tokenToId = new Dictionary<string, int>(definition.Vocabulary, StringComparer.Ordinal);
        idToToken = new string?[specials.VocabularySize];
        foreach (var (token, id) in definition.Vocabulary) idToToken[id] = token;
        foreach (var added in specials.AddedTokens)
        {
            idToToken[added.Id] ??= added.Content;
            tokenToId[added.Content] = added.Id;
        }

        var unknownId = definition.UnknownToken is null ? specials.Ids.Unknown : ResolveModelToken(definition, definition.UnknownToken);
        model = new BpeModel(definition.Vocabulary, definition.Merges, new BpeModelSettings(
            unknownId,
            definition.FuseUnknown,
            definition.ByteFallback ? BytePieceIds(definition.Vocabulary) : null,
            definition.IgnoreMerges,
            SplitAtWordMarker: definition.PreTokenizer is not ByteLevelPreTokenizer,
            settings.WordCacheCapacity));
        normalizers = definition.Normalizers;
        preTokenizer = definition.PreTokenizer;
        decoders = definition.Decoders;
        prefixIds = settings.AddBosToken is bool addBos ? Optional(addBos, specials.Ids.Bos, "BOS", definition) : [.. definition.TemplatePrefix];
        suffixIds = settings.AddEosToken is bool addEos ? Optional(addEos, specials.Ids.Eos, "EOS", definition) : [.. definition.TemplateSuffix];
        CleanUpTokenizationSpaces = settings.CleanUpTokenizationSpaces;
    }

    /// <summary>Whether <see cref="Tokenizer.Decode"/> applies HF's <c>clean_up_tokenization_spaces</c>.</summary>
    public bool CleanUpTokenizationSpaces { get; }

    /// <summary>Loads GPT-2-style <c>vocab.json</c> + <c>merges.txt</c> with <c>GPT2Tokenizer</c>'s defaults
    /// (<c>&lt;|endoftext|&gt;</c> as BOS/EOS/UNK when present, nothing added, clean-up of spaces on).</summary>
    /// <exception cref="TokenizerFormatException">A file is malformed.</exception>
    public static HfBpeTokenizer FromVocabAndMerges(string vocabPath, string mergesPath, TokenizerOptions? options = null) =>
        Create(Gpt2VocabularyFiles.Read(vocabPath, mergesPath, TokenizerConfig.Empty), TokenizerConfig.Empty, options);

    /// <summary>Loads an HF <c>tokenizer.json</c> whose model is BPE.</summary>
    /// <exception cref="TokenizerFormatException">The file is malformed or uses a component Emend does not implement.</exception>
    public static HfBpeTokenizer FromTokenizerJson(string path, TokenizerOptions? options = null) =>
        Create(TokenizerJsonReader.Read(path), TokenizerConfig.Empty, options);

    internal static HfBpeTokenizer Create(HfBpeDefinition definition, TokenizerConfig config, TokenizerOptions? options)
    {
        options ??= new TokenizerOptions();
        var specials = ResolvedSpecialTokens.Resolve(
            definition.SourcePath,
            token => definition.Vocabulary.TryGetValue(token, out var id) ? id : null,
            definition.AddedTokens,
            config,
            new SpecialTokenDefaults(definition.DefaultBos, definition.DefaultEos, definition.DefaultUnknown, null),
            definition.Vocabulary.Values.Max());
        var settings = TokenizerSettings.Resolve(options, config, defaultCleanUp: !config.IsLlamaClass, defaultAddBos: null);
        return new HfBpeTokenizer(definition, specials, settings);
    }

    public override string? IdToToken(int id) => (uint)id < (uint)idToToken.Length ? idToToken[id] : null;

    public override int? TokenToId(string token) => tokenToId.TryGetValue(token, out var id) ? id : null;

    private protected override void EncodeCore(ReadOnlySpan<char> text, List<int> ids, bool addSpecialTokens)
    {
        if (addSpecialTokens) ids.AddRange(prefixIds);
        foreach (var segment in Segments(text))
        {
            if (segment.Token is { } token)
            {
                ids.Add(token.Id);
                continue;
            }
            if (normalizers.Count == 0)
            {
                preTokenizer.EncodeWords(segment.Text, segment.Offset, model, ids);
                continue;
            }
            var normalized = segment.Text.ToString();
            foreach (var step in normalizers) normalized = step.Apply(normalized);
            preTokenizer.EncodeWords(normalized, segment.Offset, model, ids);
        }
        if (addSpecialTokens) ids.AddRange(suffixIds);
    }

    private protected override string DecodeCore(ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        var tokens = new List<string>(ids.Length);
        foreach (var id in ids)
            if (!(skipSpecialTokens && IsSpecialToken(id))) tokens.Add(idToToken[id]!);
        string text;
        if (decoders is null)
        {
            text = string.Join(' ', tokens);
        }
        else
        {
            foreach (var step in decoders) step.Apply(tokens);
            text = string.Concat(tokens);
        }
        return CleanUpTokenizationSpaces ? TokenizationSpaces.CleanUp(text) : text;
    }

    private static int ResolveModelToken(HfBpeDefinition definition, string token) =>
        definition.Vocabulary.TryGetValue(token, out var id)
            ? id
            : throw new TokenizerFormatException(definition.SourcePath, $"the model's unk_token '{token}' is not in its vocabulary");

    private static int[] Optional(bool add, int? id, string role, HfBpeDefinition definition) =>
        !add ? [] : id is int known ? [known] : throw new TokenizerFormatException(definition.SourcePath, $"adding the {role} token was requested but the tokenizer has none");

    /// <summary>The ids of the 256 byte pieces <c>&lt;0x00&gt;</c>..<c>&lt;0xFF&gt;</c>, -1 where absent.</summary>
    private static int[] BytePieceIds(Dictionary<string, int> vocabulary)
    {
        var ids = new int[256];
        for (var b = 0; b < 256; b++) ids[b] = vocabulary.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1;
        return ids;
    }
}
