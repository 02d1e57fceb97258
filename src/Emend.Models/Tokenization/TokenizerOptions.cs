namespace Emend.Models.Tokenization;

/// <summary>
/// Behaviour switches shared by every tokenizer format. A null value means "what the tokenizer's own files say, else
/// what Hugging Face does by default for that format", so the same options object can be layered over any directory.
/// </summary>
public sealed record TokenizerOptions
{
    /// <summary>Prepend the BOS token when encoding with special tokens (HF <c>add_bos_token</c>).</summary>
    public bool? AddBosToken { get; init; }

    /// <summary>Append the EOS token when encoding with special tokens (HF <c>add_eos_token</c>).</summary>
    public bool? AddEosToken { get; init; }

    /// <summary>
    /// Encode special tokens that occur in the text as plain text instead of matching them (HF
    /// <c>split_special_tokens</c>); needed when user text may contain strings such as <c>&lt;|endoftext|&gt;</c>.
    /// </summary>
    public bool? SplitSpecialTokens { get; init; }

    /// <summary>
    /// Apply HF's <c>clean_up_tokenization_spaces</c> when decoding (<c>" ."</c> → <c>"."</c>, <c>" n't"</c> →
    /// <c>"n't"</c>, ...). It makes decoding lossy, which is why it can be switched off.
    /// </summary>
    public bool? CleanUpTokenizationSpaces { get; init; }

    /// <summary>
    /// HF <c>LlamaTokenizer</c>'s <c>legacy</c> flag for sentencepiece models: false prepends the word-start marker
    /// once to the whole text and keeps spaces after special tokens; true (HF's default) lets sentencepiece add its
    /// dummy prefix to every piece of text between special tokens.
    /// </summary>
    public bool? Legacy { get; init; }

    /// <summary>Which library a <c>tokenizer.model</c> should behave like.</summary>
    public SentencePieceCompatibility? SentencePieceCompatibility { get; init; }

    /// <summary>
    /// How many distinct words the BPE cache may hold (0 disables it). Natural text repeats a small set of words, so
    /// the cache turns most BPE runs into one dictionary lookup.
    /// </summary>
    public int? WordCacheCapacity { get; init; }

    internal const int DefaultWordCacheCapacity = 100_000;
}

/// <summary>The reference behaviour a sentencepiece model reproduces.</summary>
public enum SentencePieceCompatibility
{
    /// <summary>
    /// HF <c>transformers.LlamaTokenizer</c>: literal <c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>, <c>&lt;unk&gt;</c> in the
    /// text are special tokens, BOS is added by default, and <see cref="TokenizerOptions.Legacy"/> applies.
    /// </summary>
    HuggingFaceLlama,

    /// <summary>The <c>sentencepiece</c> library itself: all text is text, nothing is added by default.</summary>
    SentencePiece,
}
