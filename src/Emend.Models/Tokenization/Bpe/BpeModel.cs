using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Emend.Models.Tokenization;

/// <summary>How a <see cref="BpeModel"/> treats characters and words beyond the merge rules.</summary>
/// <param name="UnknownId">Id for a character with no token (and no byte fallback); null makes such text an error.</param>
/// <param name="FuseUnknown">Consecutive unknown characters give one unknown id (sentencepiece always does this).</param>
/// <param name="ByteFallbackIds">The ids of <c>&lt;0x00&gt;</c>..<c>&lt;0xFF&gt;</c> (-1 where absent), used for the UTF-8
/// bytes of a character with no token; null disables byte fallback. A character with any byte missing is unknown.</param>
/// <param name="IgnoreMerges">A word that is itself a token is emitted whole (HF <c>ignore_merges</c>).</param>
/// <param name="SplitAtWordMarker">Allow splitting input before each run of <c>▁</c> when <c>▁</c> is a token and no
/// token could span such a point (no merge can then cross it, so the result is the same) and the pieces hit the
/// cache; sentencepiece models run BPE over the whole text otherwise.</param>
/// <param name="CacheCapacity">Words remembered by the cache; 0 disables it.</param>
/// <param name="ByteLevel">Words are text whose UTF-8 bytes are the initial symbols, each the token spelling that byte
/// in <see cref="ByteLevelAlphabet"/> (GPT-2); otherwise each character is a symbol.</param>
internal sealed record BpeModelSettings(
    int? UnknownId,
    bool FuseUnknown,
    int[]? ByteFallbackIds,
    bool IgnoreMerges,
    bool SplitAtWordMarker,
    int CacheCapacity,
    bool ByteLevel = false);

/// <summary>
/// A BPE vocabulary and its merges applied to one pre-tokenized word: characters (or, byte-level, UTF-8 bytes) become
/// their one-symbol tokens (or byte pieces, or the unknown id), then <see cref="BpeMerger"/> merges them. Results are
/// cached per word, keyed by the word as given, so a byte-level cache hit costs no UTF-8 conversion.
/// </summary>
[SkipLocalsInit]
internal sealed class BpeModel
{
    /// <summary>sentencepiece's word-start marker (U+2581), which HF's Metaspace also uses.</summary>
    public const char WordMarker = '\u2581';

    private const int StackChars = 128;

    /// <summary>Words this short are merged directly: one merge-table probe is cheaper than a cache lookup.</summary>
    private const int UncachedWordLength = 2;

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> vocabulary;
    private readonly int[] bmpIds;
    private readonly int[] byteLevelIds;
    private readonly BpeMergeTable merges;
    private readonly BpeModelSettings settings;
    private readonly WordCache cache;
    private readonly bool splitAtWordMarker;

    public BpeModel(Dictionary<string, int> vocabulary, BpeMergeTable merges, BpeModelSettings settings)
    {
        if (!ReferenceEquals(vocabulary.Comparer, StringComparer.Ordinal))
            vocabulary = new Dictionary<string, int>(vocabulary, StringComparer.Ordinal);
        this.vocabulary = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        this.merges = merges;
        this.settings = settings;
        cache = new WordCache(settings.CacheCapacity);
        bmpIds = new int[char.MaxValue + 1];
        Array.Fill(bmpIds, -1);
        foreach (var (token, id) in vocabulary)
            if (token.Length == 1 && !char.IsSurrogate(token[0])) bmpIds[token[0]] = id;
        byteLevelIds = new int[256];
        for (var b = 0; b < 256; b++) byteLevelIds[b] = bmpIds[ByteLevelAlphabet.ByteToChar[b]];
        splitAtWordMarker = settings.SplitAtWordMarker && bmpIds[WordMarker] >= 0 && !vocabulary.Keys.Any(SpansWordStart);
    }

    /// <summary>Appends the ids of <paramref name="word"/>.</summary>
    public void Encode(ReadOnlySpan<char> word, List<int> ids)
    {
        if (!splitAtWordMarker)
        {
            EncodeWord(word, ids);
            return;
        }
        var start = 0;
        for (var i = 1; i < word.Length; i++)
        {
            if (word[i] != WordMarker || word[i - 1] == WordMarker) continue;
            EncodeWord(word[start..i], ids);
            start = i;
        }
        if (start < word.Length) EncodeWord(word[start..], ids);
    }

    private void EncodeWord(ReadOnlySpan<char> word, List<int> ids)
    {
        if (word.IsEmpty) return;
        var cacheable = word.Length > UncachedWordLength;
        if (cacheable && cache.TryGet(word, out var cached))
        {
            CollectionExtensions.AddRange(ids, cached);
            return;
        }
        if (settings.IgnoreMerges && vocabulary.TryGetValue(settings.ByteLevel ? ByteLevelSpelling(word) : word, out var whole))
        {
            ids.Add(whole);
            return;
        }

        int[]? rented = null;
        var symbols = word.Length <= StackChars ? stackalloc int[3 * StackChars] : (rented = ArrayPool<int>.Shared.Rent(3 * word.Length));
        try
        {
            var count = settings.ByteLevel ? SplitIntoBytes(word, symbols) : SplitIntoSymbols(word, symbols);
            count = BpeMerger.Merge(symbols[..count], merges);
            var result = symbols[..count];
            CollectionExtensions.AddRange(ids, result);
            if (cacheable) cache.Add(word, result);
        }
        finally
        {
            if (rented is not null) ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>Maps each character to its token, byte pieces or the unknown id; returns the symbol count.</summary>
    private int SplitIntoSymbols(ReadOnlySpan<char> word, Span<int> symbols)
    {
        var count = 0;
        var previousUnknown = false;
        for (var i = 0; i < word.Length;)
        {
            var c = word[i];
            int width, id;
            if (!char.IsSurrogate(c))
            {
                width = 1;
                id = bmpIds[c];
            }
            else
            {
                width = i + 1 < word.Length && char.IsHighSurrogate(c) && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
                id = vocabulary.TryGetValue(word.Slice(i, width), out var found) ? found : -1;
            }

            if (id >= 0)
            {
                symbols[count++] = id;
                previousUnknown = false;
            }
            else if (TryAppendBytePieces(word.Slice(i, width), symbols, ref count))
            {
                previousUnknown = false;
            }
            else if (settings.UnknownId is int unknown)
            {
                if (!(settings.FuseUnknown && previousUnknown)) symbols[count++] = unknown;
                previousUnknown = true;
            }
            else
            {
                Rune.DecodeFromUtf16(word.Slice(i, width), out var missing, out _);
                throw new ArgumentException($"U+{missing.Value:X4} has no token, and the tokenizer has neither byte fallback nor an unknown token");
            }
            i += width;
        }
        return count;
    }

    /// <summary>Byte-level symbols: the token of each UTF-8 byte (the unknown id where the vocabulary lacks one).</summary>
    private int SplitIntoBytes(ReadOnlySpan<char> word, Span<int> symbols)
    {
        byte[]? rented = null;
        var bytes = word.Length <= StackChars ? stackalloc byte[3 * StackChars] : (rented = ArrayPool<byte>.Shared.Rent(3 * word.Length));
        try
        {
            var count = Encoding.UTF8.GetBytes(word, bytes);
            for (var i = 0; i < count; i++)
            {
                var id = byteLevelIds[bytes[i]];
                symbols[i] = id >= 0 ? id : settings.UnknownId ?? throw new ArgumentException($"byte 0x{bytes[i]:X2} has no token and the tokenizer has no unknown token");
            }
            return count;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The byte-level spelling of a word (its UTF-8 bytes in <see cref="ByteLevelAlphabet"/> characters).</summary>
    private static string ByteLevelSpelling(ReadOnlySpan<char> word)
    {
        var bytes = Encoding.UTF8.GetBytes(word.ToArray());
        return string.Create(bytes.Length, bytes, static (destination, source) =>
        {
            for (var i = 0; i < source.Length; i++) destination[i] = ByteLevelAlphabet.ByteToChar[source[i]];
        });
    }

    private bool TryAppendBytePieces(ReadOnlySpan<char> character, Span<int> symbols, ref int count)
    {
        if (settings.ByteFallbackIds is not { } byteIds) return false;
        Span<byte> utf8 = stackalloc byte[4];
        Rune.DecodeFromUtf16(character, out var rune, out _);
        var length = rune.EncodeToUtf8(utf8);
        foreach (var b in utf8[..length])
            if (byteIds[b] < 0) return false;
        foreach (var b in utf8[..length]) symbols[count++] = byteIds[b];
        return true;
    }

    /// <summary>Whether a token contains a non-marker character followed by the marker, i.e. could span a split point.</summary>
    private static bool SpansWordStart(string token)
    {
        for (var i = 1; i < token.Length; i++)
            if (token[i] == WordMarker && token[i - 1] != WordMarker) return true;
        return false;
    }
}
