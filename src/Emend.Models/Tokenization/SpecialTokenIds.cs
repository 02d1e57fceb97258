namespace Emend.Models.Tokenization;

/// <summary>
/// The ids of the tokens that carry a role. Each is null when the tokenizer has no such token (GPT-2 has no padding
/// token; Llama-2's sentencepiece model has pad id -1), so callers must decide what to do instead of getting a
/// sentinel id that would index the wrong embedding row.
/// </summary>
public sealed record SpecialTokenIds(int? Bos, int? Eos, int? Unknown, int? Padding);
