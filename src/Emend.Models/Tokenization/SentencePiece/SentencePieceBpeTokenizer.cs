using System.Buffers;

namespace Emend.Models.Tokenization;

/// <summary>
/// A sentencepiece BPE model (<c>tokenizer.model</c>, e.g. Llama-2) encoded as sentencepiece does: the identity
/// normalizer with the dummy-prefix <c>▁</c> and spaces escaped to <c>▁</c>, then merges of adjacent symbols in
/// order of the merged piece's score (leftmost first on ties), characters without a piece falling back to their UTF-8
/// byte pieces. In <see cref="SentencePieceCompatibility.HuggingFaceLlama"/> mode it reproduces
/// <c>transformers.LlamaTokenizer</c> on top: special tokens matched in text, BOS added, and the
/// <see cref="TokenizerOptions.Legacy"/> handling of the word-start marker.
/// </summary>
public sealed partial class SentencePieceBpeTokenizer : Tokenizer
{
    private const int StackChars = 256;

    private readonly SentencePieceModel model;
    private readonly SentencePieceVocabulary vocabulary;
    private readonly BpeModel bpe;
    private readonly AddedTokenMatcher? userDefined;
    private readonly TokenizerSettings settings;
    private readonly HashSet<string> specialTokenTexts;
    private readonly string unknownTokenText;
    private readonly int unknownPrefixLength;
    private readonly int markerId;

    private SentencePieceBpeTokenizer(SentencePieceModel model, SentencePieceVocabulary vocabulary, ResolvedSpecialTokens specials, TokenizerSettings settings)
        : base(specials.VocabularySize, specials.Ids, specials.AddedTokens, settings.SplitSpecialTokens)
    {
        this.model = model;
        this.vocabulary = vocabulary;
        this.settings = settings;
        bpe = new BpeModel(vocabulary.Mergeable, vocabulary.BuildMergeTable(), new BpeModelSettings(
            vocabulary.UnknownId,
            FuseUnknown: true,
            model.TrainerSpec.ByteFallback ? vocabulary.ByteIds : null,
            IgnoreMerges: false,
            SplitAtWordMarker: true,
            settings.WordCacheCapacity));
        var userDefinedPieces = vocabulary.UserDefinedPieces();
        userDefined = userDefinedPieces.Count == 0 ? null : new AddedTokenMatcher(userDefinedPieces);
        specialTokenTexts = specials.AddedTokens.Where(t => t.Special).Select(t => t.Content).ToHashSet(StringComparer.Ordinal);
        unknownTokenText = specials.AddedTokens.FirstOrDefault(t => t.Id == specials.Ids.Unknown)?.Content ?? model.TrainerSpec.UnknownPiece;
        var probe = new List<int>();
        EncodeText(unknownTokenText, addDummyPrefix: false, probe);
        unknownPrefixLength = probe.Count;
        markerId = vocabulary.Mergeable.TryGetValue(BpeModel.WordMarker.ToString(), out var marker) ? marker : -1;
    }

    /// <summary>The reference library this instance reproduces.</summary>
    public SentencePieceCompatibility Compatibility => settings.Compatibility;

    /// <summary>HF <c>LlamaTokenizer</c>'s legacy mode (only meaningful with <see cref="SentencePieceCompatibility.HuggingFaceLlama"/>).</summary>
    public bool Legacy => settings.Legacy;

    public SentencePieceModel Model => model;

    /// <summary>Loads a <c>tokenizer.model</c>; by default it behaves as HF <c>LlamaTokenizer</c> with HF's defaults (legacy, BOS added).</summary>
    /// <exception cref="TokenizerFormatException">The file is malformed or uses a feature Emend does not implement.</exception>
    public static SentencePieceBpeTokenizer FromFile(string path, TokenizerOptions? options = null) =>
        Create(SentencePieceModel.Load(path), path, TokenizerConfig.Empty, options);

    /// <inheritdoc cref="FromFile"/>
    public static SentencePieceBpeTokenizer FromModel(SentencePieceModel model, TokenizerOptions? options = null) =>
        Create(model, "sentencepiece model", TokenizerConfig.Empty, options);

    internal static SentencePieceBpeTokenizer Create(SentencePieceModel model, string sourcePath, TokenizerConfig config, TokenizerOptions? options)
    {
        options ??= new TokenizerOptions();
        var vocabulary = new SentencePieceVocabulary(model, sourcePath);
        var compatibility = options.SentencePieceCompatibility ?? SentencePieceCompatibility.HuggingFaceLlama;
        var raw = compatibility == SentencePieceCompatibility.SentencePiece;
        SpecialTokenSpec? Named(string piece, SentencePieceType type) =>
            vocabulary.TryGetId(piece, out var id) && model.Pieces[id].Type == type ? new SpecialTokenSpec(piece) : null;
        var trainer = model.TrainerSpec;
        var specials = ResolvedSpecialTokens.Resolve(
            sourcePath,
            piece => vocabulary.TryGetId(piece, out var id) ? id : null,
            [],
            raw ? TokenizerConfig.Empty : config,
            new SpecialTokenDefaults(
                Named(trainer.BosPiece, SentencePieceType.Control),
                Named(trainer.EosPiece, SentencePieceType.Control),
                Named(model.Pieces[vocabulary.UnknownId].Piece, SentencePieceType.Unknown),
                raw ? Named(trainer.PadPiece, SentencePieceType.Control) : null),
            model.Pieces.Count - 1);
        if (raw) specials = specials with { AddedTokens = [] };
        var settings = TokenizerSettings.Resolve(options, raw ? TokenizerConfig.Empty : config, defaultCleanUp: false, defaultAddBos: !raw);
        if (settings.AddBosToken == true && specials.Ids.Bos is null) throw new TokenizerFormatException(sourcePath, "BOS is to be added but the model has no BOS piece");
        if (settings.AddEosToken == true && specials.Ids.Eos is null) throw new TokenizerFormatException(sourcePath, "EOS is to be added but the model has no EOS piece");
        return new SentencePieceBpeTokenizer(model, vocabulary, specials, settings);
    }

    public override string? IdToToken(int id) => (uint)id < (uint)model.Pieces.Count ? model.Pieces[id].Piece : null;

    public override int? TokenToId(string token) => vocabulary.TryGetId(token, out var id) ? id : null;

    private protected override void EncodeCore(ReadOnlySpan<char> text, List<int> ids, bool addSpecialTokens)
    {
        if (addSpecialTokens && settings.AddBosToken == true) ids.Add(SpecialTokens.Bos!.Value);
        if (settings.Compatibility == SentencePieceCompatibility.SentencePiece) EncodeText(text, model.NormalizerSpec.AddDummyPrefix, ids);
        else if (settings.Legacy) EncodeLegacy(text, ids);
        else EncodeNonLegacy(text, ids);
        if (addSpecialTokens && settings.AddEosToken == true) ids.Add(SpecialTokens.Eos!.Value);
    }

    /// <summary>HF legacy mode: every piece of text between special tokens gets sentencepiece's own dummy prefix.</summary>
    private void EncodeLegacy(ReadOnlySpan<char> text, List<int> ids)
    {
        foreach (var segment in Segments(text))
        {
            if (segment.Token is { } token) ids.Add(token.Id);
            else EncodeText(segment.Text, model.NormalizerSpec.AddDummyPrefix, ids);
        }
    }

    /// <summary>
    /// HF <c>legacy=False</c>: literal <c>▁</c> become spaces, one <c>▁</c> is prepended to the whole text, the
    /// model runs without its dummy prefix, and text that starts with a space is encoded after the unknown token's
    /// text (then dropped) so that sentencepiece cannot strip that space. A lone leading <c>▁</c> before a special
    /// token is removed.
    /// </summary>
    private void EncodeNonLegacy(ReadOnlySpan<char> text, List<int> ids)
    {
        if (text.IsEmpty) return;
        var prepared = string.Create(text.Length + 1, text.ToString(), static (destination, source) =>
        {
            destination[0] = BpeModel.WordMarker;
            source.AsSpan().Replace(destination[1..], BpeModel.WordMarker, ' ');
        });
        var start = ids.Count;
        var specialSecond = false;
        foreach (var segment in Segments(prepared))
        {
            if (segment.Token is { } token)
            {
                if (ids.Count == start + 1 && token.Special) specialSecond = true;
                ids.Add(token.Id);
                continue;
            }
            if (segment.Text[0] is not (BpeModel.WordMarker or ' '))
            {
                EncodeText(segment.Text, addDummyPrefix: false, ids);
                continue;
            }
            var before = ids.Count;
            EncodeText(string.Concat(unknownTokenText, segment.Text), addDummyPrefix: false, ids);
            if (ids.Count - before >= unknownPrefixLength) ids.RemoveRange(before, unknownPrefixLength);
        }
        if (specialSecond && ids[start] == markerId) ids.RemoveAt(start);
    }

    /// <summary>sentencepiece's <c>Encode</c> of one text: normalize, split at user-defined pieces, BPE.</summary>
    private void EncodeText(ReadOnlySpan<char> text, bool addDummyPrefix, List<int> ids)
    {
        char[]? rented = null;
        var buffer = text.Length < StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(text.Length + 1));
        try
        {
            var normalized = buffer[..Normalize(text, addDummyPrefix, buffer)];
            if (userDefined is null)
            {
                bpe.Encode(normalized, ids);
                return;
            }
            foreach (var segment in new SegmentEnumerator(normalized, userDefined))
            {
                if (segment.Token is { } piece) ids.Add(piece.Id);
                else bpe.Encode(segment.Text, ids);
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// sentencepiece's normalizer without a character map: optional removal of leading, trailing and repeated spaces,
    /// the dummy prefix, and spaces escaped to <c>▁</c>. Writes at most <c>text.Length + 1</c> characters.
    /// </summary>
    private int Normalize(ReadOnlySpan<char> text, bool addDummyPrefix, Span<char> destination)
    {
        var spec = model.NormalizerSpec;
        var removeExtra = spec.RemoveExtraWhitespaces;
        var i = 0;
        if (removeExtra) while (i < text.Length && text[i] == ' ') i++;
        if (i == text.Length) return 0;

        var space = spec.EscapeWhitespaces ? BpeModel.WordMarker : ' ';
        var length = 0;
        if (addDummyPrefix) destination[length++] = space;
        var previousSpace = removeExtra;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c != ' ')
            {
                destination[length++] = c;
                previousSpace = false;
            }
            else if (!previousSpace)
            {
                destination[length++] = space;
                previousSpace = removeExtra;
            }
        }
        if (removeExtra) while (length > 0 && destination[length - 1] == space) length--;
        return length;
    }
}
