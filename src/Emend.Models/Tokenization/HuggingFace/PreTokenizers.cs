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
/// HF <c>ByteLevel</c> (GPT-2): optional leading space, then the GPT-2 split. The model reads each word as UTF-8
/// bytes (<see cref="BpeModelSettings.ByteLevel"/>), so no byte-level string is built here.
/// </summary>
internal sealed record ByteLevelPreTokenizer(bool AddPrefixSpace, bool UseRegex) : PreTokenizer
{
    public override void EncodeWords(ReadOnlySpan<char> text, int offset, BpeModel model, List<int> ids)
    {
        if (AddPrefixSpace && !text.StartsWith(' ')) text = string.Concat(" ", text);
        if (!UseRegex)
        {
            model.Encode(text, ids);
            return;
        }
        for (var start = 0; start < text.Length;)
        {
            var length = Gpt2PreTokenizer.NextLength(text, start);
            model.Encode(text.Slice(start, length), ids);
            start += length;
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
