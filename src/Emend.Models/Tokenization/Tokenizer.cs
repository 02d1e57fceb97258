namespace Emend.Models.Tokenization;

/// <summary>
/// Text ↔ token ids for one model. Every format (byte-level BPE, sentencepiece BPE, llama2.c) reproduces its
/// reference library exactly, so ids can be fed to a checkpoint trained with that library. Instances are immutable
/// after construction apart from an internal word cache, and are safe to use from many threads at once.
/// </summary>
public abstract class Tokenizer
{
    private readonly bool[] isSpecial;

    private protected Tokenizer(int vocabularySize, SpecialTokenIds specialTokens, IReadOnlyList<AddedToken> addedTokens, bool splitSpecialTokens)
    {
        VocabularySize = vocabularySize;
        SpecialTokens = specialTokens;
        AddedTokens = addedTokens;
        SplitSpecialTokens = splitSpecialTokens;
        isSpecial = new bool[vocabularySize];
        foreach (var id in new[] { specialTokens.Bos, specialTokens.Eos, specialTokens.Unknown, specialTokens.Padding })
            if (id is int known) isSpecial[known] = true;
        foreach (var token in addedTokens.Where(t => t.Special)) isSpecial[token.Id] = true;
        var matched = addedTokens.Where(t => !(splitSpecialTokens && t.Special)).ToArray();
        Matcher = matched.Length == 0 ? null : new AddedTokenMatcher(matched);
    }

    /// <summary>Number of token ids (one more than the largest id), i.e. the embedding rows a model needs.</summary>
    public int VocabularySize { get; }

    public SpecialTokenIds SpecialTokens { get; }

    /// <summary>Tokens matched as a whole in the text before the model sees it.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>Whether special tokens occurring in the text are encoded as plain text.</summary>
    public bool SplitSpecialTokens { get; }

    /// <summary>The matcher for added tokens still matched in text, or null when there are none.</summary>
    private protected AddedTokenMatcher? Matcher { get; }

    /// <summary>Encodes <paramref name="text"/>; with <paramref name="addSpecialTokens"/> the format's BOS/EOS are added as configured.</summary>
    public int[] Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Encode(text.AsSpan(), addSpecialTokens);
    }

    /// <inheritdoc cref="Encode(string, bool)"/>
    public int[] Encode(ReadOnlySpan<char> text, bool addSpecialTokens = true)
    {
        var ids = new List<int>(text.Length / 3 + 2);
        EncodeTo(text, ids, addSpecialTokens);
        return ids.ToArray();
    }

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="ids"/>, so a caller encoding many texts can reuse one list.</summary>
    public void EncodeTo(ReadOnlySpan<char> text, List<int> ids, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        EncodeCore(text, ids, addSpecialTokens);
    }

    /// <summary>Encodes and pairs each id with its vocabulary string.</summary>
    public IReadOnlyList<EncodedToken> EncodeToTokens(string text, bool addSpecialTokens = true) =>
        Encode(text, addSpecialTokens).Select(id => new EncodedToken(id, IdToToken(id) ?? string.Empty)).ToArray();

    /// <summary>Turns ids back into text; <paramref name="skipSpecialTokens"/> drops BOS/EOS/UNK/PAD and special added tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below <see cref="VocabularySize"/>.</exception>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        foreach (var id in ids)
            if ((uint)id >= (uint)VocabularySize || IdToToken(id) is null)
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id} is not in this tokenizer's vocabulary of {VocabularySize}");
        return DecodeCore(ids, skipSpecialTokens);
    }

    /// <summary>The vocabulary string of <paramref name="id"/>, or null when the id is unused.</summary>
    public abstract string? IdToToken(int id);

    /// <summary>The id of a vocabulary string (or added token), or null when there is none.</summary>
    public abstract int? TokenToId(string token);

    /// <summary>Whether <paramref name="id"/> is one that <c>Decode(skipSpecialTokens: true)</c> drops.</summary>
    public bool IsSpecialToken(int id) => (uint)id < (uint)isSpecial.Length && isSpecial[id];

    private protected abstract void EncodeCore(ReadOnlySpan<char> text, List<int> ids, bool addSpecialTokens);

    private protected abstract string DecodeCore(ReadOnlySpan<int> ids, bool skipSpecialTokens);

    /// <summary>Splits text at the added tokens still matched (see <see cref="SplitSpecialTokens"/>).</summary>
    private protected SegmentEnumerator Segments(ReadOnlySpan<char> text) => new(text, Matcher);
}
