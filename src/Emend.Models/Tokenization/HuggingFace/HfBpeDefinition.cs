namespace Emend.Models.Tokenization;

/// <summary>
/// Everything a file format says about an HF-style BPE tokenizer, before the config files and options are layered
/// on: the vocabulary and merges, the pipeline, and the defaults the format implies.
/// </summary>
internal sealed record HfBpeDefinition
{
    /// <summary>The file the definition came from, for error messages.</summary>
    public required string SourcePath { get; init; }
    public required Dictionary<string, int> Vocabulary { get; init; }
    public required BpeMergeTable Merges { get; init; }
    public string? UnknownToken { get; init; }
    public bool FuseUnknown { get; init; }
    public bool ByteFallback { get; init; }
    public bool IgnoreMerges { get; init; }
    public IReadOnlyList<NormalizerStep> Normalizers { get; init; } = [];
    public required PreTokenizer PreTokenizer { get; init; }

    /// <summary>Null when the file has no decoder (HF then joins tokens with spaces).</summary>
    public IReadOnlyList<DecoderStep>? Decoders { get; init; }

    /// <summary>Special tokens the post-processor puts before and after the text.</summary>
    public IReadOnlyList<int> TemplatePrefix { get; init; } = [];
    public IReadOnlyList<int> TemplateSuffix { get; init; } = [];
    public IReadOnlyList<AddedToken> AddedTokens { get; init; } = [];

    /// <summary>The format's own special-token names, used where the config names none.</summary>
    public SpecialTokenSpec? DefaultBos { get; init; }
    public SpecialTokenSpec? DefaultEos { get; init; }
    public SpecialTokenSpec? DefaultUnknown { get; init; }
}
