using System.Buffers;
using System.Text;

namespace Emend.Models.Tokenization;

/// <summary>How a <see cref="BpeModel"/> treats characters and words beyond the merge rules.</summary>
/// <param name="UnknownId">Id for a character with no token (and no byte fallback); null makes such text an error.</param>
/// <param name="FuseUnknown">Consecutive unknown characters give one unknown id (sentencepiece always does this).</param>
/// <param name="ByteFallbackIds">The ids of <c>&lt;0x00&gt;</c>..<c>&lt;0xFF&gt;</c> (-1 where absent), used for the UTF-8
/// bytes of a character with no token; null disables byte fallback. A character with any byte missing is unknown.</param>
/// <param name="IgnoreMerges">A word that is itself a token is emitted whole (HF <c>ignore_merges</c>).</param>
/// <param name="SplitAtWordMarker">Allow splitting input before each run of <c>▁</c> when no token could span such a
/// point; the result is then provably the same and the pieces hit the cache.</param>
/// <param name="CacheCapacity">Words remembered by the cache; 0 disables it.</param>
internal sealed record BpeModelSettings(
    int? UnknownId,
    bool FuseUnknown,
    int[]? ByteFallbackIds,
    bool IgnoreMerges,
    bool SplitAtWordMarker,
    int CacheCapacity);

/// <summary>
/// A BPE vocabulary and its merges applied to one pre-tokenized word: characters become their one-character tokens
/// (or byte pieces, or the unknown id), then <see cref="BpeMerger"/> merges them. Results are cached per word.
/// </summary>
internal sealed class BpeModel
{
    /// <summary>sentencepiece's word-start marker (U+2581), which HF's Metaspace also uses.</summary>
    public const char WordMarker = '\u2581';

    private const int StackChars = 128;

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> vocabulary;
    private readonly int[] bmpIds;
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
        splitAtWordMarker = settings.SplitAtWordMarker && !vocabulary.Keys.Any(SpansWordStart);
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
        if (settings.IgnoreMerges && vocabulary.TryGetValue(word, out var whole))
        {
            ids.Add(whole);
            return;
        }
        if (cache.TryGet(word, out var cached))
        {
            ids.AddRange(cached);
            return;
        }

        int[]? rented = null;
        var symbols = word.Length <= StackChars ? stackalloc int[3 * StackChars] : (rented = ArrayPool<int>.Shared.Rent(3 * word.Length));
        try
        {
            var count = SplitIntoSymbols(word, symbols);
            count = BpeMerger.Merge(symbols[..count], merges);
            var result = symbols[..count];
            ids.AddRange(result);
            cache.Add(word, result.ToArray());
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
