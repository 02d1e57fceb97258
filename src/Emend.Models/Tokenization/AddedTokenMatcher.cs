using System.Buffers;

namespace Emend.Models.Tokenization;

/// <summary>
/// Finds added tokens in text, leftmost first and longest at a position, as HF's trie split does. The first
/// characters of all tokens go into a vectorised <see cref="SearchValues{T}"/>, so text without any candidate costs
/// one scan.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly Dictionary<char, AddedToken[]> tokensByFirstChar;
    private readonly SearchValues<char> firstChars;

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
    {
        tokensByFirstChar = tokens
            .Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
        firstChars = SearchValues.Create(tokensByFirstChar.Keys.ToArray());
    }

    public bool IsEmpty => tokensByFirstChar.Count == 0;

    /// <summary>Finds the first match at or after <paramref name="start"/>.</summary>
    public bool TryFindNext(ReadOnlySpan<char> text, int start, out int index, out AddedToken? token)
    {
        for (var position = start; position < text.Length;)
        {
            var offset = text[position..].IndexOfAny(firstChars);
            if (offset < 0) break;
            position += offset;
            foreach (var candidate in tokensByFirstChar[text[position]])
            {
                if (!text[position..].StartsWith(candidate.Content, StringComparison.Ordinal)) continue;
                if (candidate.SingleWord && !StandsAlone(text, position, candidate.Content.Length)) continue;
                index = position;
                token = candidate;
                return true;
            }
            position++;
        }
        index = -1;
        token = null;
        return false;
    }

    private static bool StandsAlone(ReadOnlySpan<char> text, int start, int length) =>
        (start == 0 || !IsWordChar(text[start - 1])) && (start + length == text.Length || !IsWordChar(text[start + length]));

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}

/// <summary>One piece of input between added tokens: either text for the model or a matched added token.</summary>
internal readonly ref struct TextSegment(ReadOnlySpan<char> text, int offset, AddedToken? token)
{
    public ReadOnlySpan<char> Text { get; } = text;

    /// <summary>Where <see cref="Text"/> starts in the whole input (HF's Metaspace "first" scheme needs it).</summary>
    public int Offset { get; } = offset;

    public AddedToken? Token { get; } = token;
}

/// <summary>
/// Splits text into <see cref="TextSegment"/>s, applying the lstrip/rstrip of matched tokens to their neighbours and
/// dropping text pieces that end up empty, as HF does.
/// </summary>
internal ref struct SegmentEnumerator(ReadOnlySpan<char> text, AddedTokenMatcher? matcher)
{
    private readonly ReadOnlySpan<char> text = text;
    private int position;
    private AddedToken? pendingToken;
    private int pendingIndex;
    private bool trimNextStart;

    public TextSegment Current { get; private set; }

    public readonly SegmentEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        while (true)
        {
            if (pendingToken is { } token)
            {
                Current = new TextSegment(text.Slice(pendingIndex, token.Content.Length), pendingIndex, token);
                position = pendingIndex + token.Content.Length;
                trimNextStart = token.RStrip;
                pendingToken = null;
                return true;
            }
            if (position >= text.Length) return false;

            var end = text.Length;
            if (matcher is not null && matcher.TryFindNext(text, position, out var index, out var match))
            {
                end = index;
                pendingToken = match;
                pendingIndex = index;
            }
            var start = position;
            if (trimNextStart)
            {
                while (start < end && char.IsWhiteSpace(text[start])) start++;
                trimNextStart = false;
            }
            if (pendingToken is { LStrip: true })
                while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
            position = pendingToken is null ? text.Length : pendingIndex;
            if (end > start)
            {
                Current = new TextSegment(text[start..end], start, null);
                return true;
            }
        }
    }
}
