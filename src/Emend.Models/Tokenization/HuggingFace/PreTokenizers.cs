using System.Buffers;
using System.Text;

namespace Emend.Models.Tokenization;

/// <summary>An HF <c>pre_tokenizer</c>: cuts a piece of text into words and hands each to the BPE model.</summary>
internal abstract record PreTokenizer
{
    /// <param name="text">Text between added tokens, already normalized.</param>
    /// <param name="offset">Where it starts in the whole input.</param>
    /// <param name="model">Encodes each word.</param>
    /// <param name="ids">Receives the ids.</param>
    public abstract void EncodeWords(ReadOnlySpan<char> text, int offset, BpeModel model, List<int> ids);
}

/// <summary>No pre-tokenizer: the whole piece of text is one word.</summary>
internal sealed record WholeTextPreTokenizer : PreTokenizer
{
    public override void EncodeWords(ReadOnlySpan<char> text, int offset, BpeModel model, List<int> ids) => model.Encode(text, ids);
}

/// <summary>
/// HF <c>ByteLevel</c> (GPT-2): optional leading space, the GPT-2 split, then each word's UTF-8 bytes written in
/// <see cref="ByteLevelAlphabet"/> characters.
/// </summary>
internal sealed record ByteLevelPreTokenizer(bool AddPrefixSpace, bool UseRegex) : PreTokenizer
{
    private const int StackBytes = 512;

    public override void EncodeWords(ReadOnlySpan<char> text, int offset, BpeModel model, List<int> ids)
    {
        if (AddPrefixSpace && !text.StartsWith(' ')) text = string.Concat(" ", text);
        if (!UseRegex)
        {
            EncodeWord(text, model, ids);
            return;
        }
        for (var start = 0; start < text.Length;)
        {
            var length = Gpt2PreTokenizer.NextLength(text, start);
            EncodeWord(text.Slice(start, length), model, ids);
            start += length;
        }
    }

    private static void EncodeWord(ReadOnlySpan<char> word, BpeModel model, List<int> ids)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(word.Length);
        byte[]? rentedBytes = null;
        char[]? rentedChars = null;
        var bytes = maxBytes <= StackBytes ? stackalloc byte[StackBytes] : (rentedBytes = ArrayPool<byte>.Shared.Rent(maxBytes));
        var chars = maxBytes <= StackBytes ? stackalloc char[StackBytes] : (rentedChars = ArrayPool<char>.Shared.Rent(maxBytes));
        try
        {
            var count = Encoding.UTF8.GetBytes(word, bytes);
            for (var i = 0; i < count; i++) chars[i] = ByteLevelAlphabet.ByteToChar[bytes[i]];
            model.Encode(chars[..count], ids);
        }
        finally
        {
            if (rentedBytes is not null) ArrayPool<byte>.Shared.Return(rentedBytes);
            if (rentedChars is not null) ArrayPool<char>.Shared.Return(rentedChars);
        }
    }
}

/// <summary>When HF's <c>Metaspace</c> adds the word-start marker in front of a piece of text.</summary>
internal enum MetaspacePrependScheme { Always, First, Never }

/// <summary>
/// HF <c>Metaspace</c>: spaces become the marker, a marker is prepended (unless the text already starts with one —
/// unlike sentencepiece, which would then give two), and with <c>split</c> each marker starts a new word.
/// </summary>
internal sealed record MetaspacePreTokenizer(char Replacement, MetaspacePrependScheme PrependScheme, bool Split) : PreTokenizer
{
    public override void EncodeWords(ReadOnlySpan<char> text, int offset, BpeModel model, List<int> ids)
    {
        var replaced = text.ToString().Replace(' ', Replacement);
        var prepend = PrependScheme == MetaspacePrependScheme.Always || (PrependScheme == MetaspacePrependScheme.First && offset == 0);
        if (prepend && !replaced.StartsWith(Replacement)) replaced = Replacement + replaced;
        if (!Split)
        {
            model.Encode(replaced, ids);
            return;
        }
        var start = 0;
        for (var i = 1; i < replaced.Length; i++)
        {
            if (replaced[i] != Replacement) continue;
            model.Encode(replaced.AsSpan(start, i - start), ids);
            start = i;
        }
        if (start < replaced.Length) model.Encode(replaced.AsSpan(start), ids);
    }
}
