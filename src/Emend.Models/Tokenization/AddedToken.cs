namespace Emend.Models.Tokenization;

/// <summary>
/// A token matched as a whole in the input text before the model sees it (Hugging Face "added tokens"), such as
/// <c>&lt;|endoftext|&gt;</c> or <c>&lt;s&gt;</c>.
/// </summary>
/// <param name="Content">The literal text that is matched.</param>
/// <param name="Id">The id it encodes to.</param>
/// <param name="Special">Special tokens are skipped by <c>Decode(skipSpecialTokens: true)</c> and are not matched
/// when the tokenizer splits special tokens (<see cref="TokenizerOptions.SplitSpecialTokens"/>).</param>
/// <param name="LStrip">Whitespace on the left of a match is removed from the text before it.</param>
/// <param name="RStrip">Whitespace on the right of a match is removed from the text after it.</param>
/// <param name="SingleWord">Only matched when not touching a letter, digit or underscore on either side.</param>
public sealed record AddedToken(string Content, int Id, bool Special, bool LStrip = false, bool RStrip = false, bool SingleWord = false);
