namespace Emend.Models.Tokenization;

/// <summary>A step of an HF <c>normalizer</c>, applied to each piece of text between added tokens.</summary>
internal abstract record NormalizerStep
{
    public abstract string Apply(string text);
}

/// <summary>HF <c>Prepend</c>: adds a prefix to non-empty text (Llama-2 uses it for sentencepiece's dummy prefix).</summary>
internal sealed record PrependNormalizer(string Prefix) : NormalizerStep
{
    public override string Apply(string text) => text.Length == 0 ? text : Prefix + text;
}

/// <summary>HF <c>Replace</c> with a literal pattern (Llama-2 turns spaces into <c>▁</c>).</summary>
internal sealed record ReplaceNormalizer(string Pattern, string Content) : NormalizerStep
{
    public override string Apply(string text) => text.Replace(Pattern, Content, StringComparison.Ordinal);
}
