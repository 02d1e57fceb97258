namespace Emend.Models.Tokenization;

/// <summary>
/// The piece tables of a sentencepiece BPE model, split as sentencepiece splits them: pieces that segmentation may
/// produce (normal and user-defined) and reserved ones (unknown, control, byte) that only lookups return. Building
/// it validates the model and rejects the features Emend does not implement, naming them.
/// </summary>
internal sealed class SentencePieceVocabulary
{
    private readonly SentencePieceModel model;
    private readonly Dictionary<string, int> reserved = new(StringComparer.Ordinal);

    public SentencePieceVocabulary(SentencePieceModel model, string sourcePath)
    {
        this.model = model;
        var trainer = model.TrainerSpec;
        var normalizer = model.NormalizerSpec;
        if (trainer.ModelType != SentencePieceModelType.Bpe)
            throw Unsupported(sourcePath, $"model_type {trainer.ModelType} (only BPE is implemented)");
        if (normalizer.HasPrecompiledCharsMap)
            throw Unsupported(sourcePath, $"the '{normalizer.Name}' normalizer's precompiled character map");
        if (model.HasDenormalizer) throw Unsupported(sourcePath, "a denormalizer");
        if (trainer.TreatWhitespaceAsSuffix) throw Unsupported(sourcePath, "treat_whitespace_as_suffix");

        var unknownIds = new List<int>();
        for (var id = 0; id < model.Pieces.Count; id++)
        {
            var piece = model.Pieces[id];
            var table = piece.Type switch
            {
                SentencePieceType.Normal or SentencePieceType.UserDefined => Mergeable,
                SentencePieceType.Unused => throw Unsupported(sourcePath, $"UNUSED pieces (piece {id} '{piece.Piece}'; a restricted vocabulary)"),
                _ => reserved,
            };
            if (reserved.ContainsKey(piece.Piece) || Mergeable.ContainsKey(piece.Piece))
                throw new TokenizerFormatException(sourcePath, $"piece '{piece.Piece}' is defined twice (second at id {id})");
            table[piece.Piece] = id;
            if (piece.Type == SentencePieceType.Unknown) unknownIds.Add(id);
        }
        if (unknownIds.Count != 1)
            throw new TokenizerFormatException(sourcePath, $"the model must have exactly one UNKNOWN piece, found {unknownIds.Count}");
        UnknownId = unknownIds[0];

        ByteIds = new int[256];
        for (var b = 0; b < 256; b++)
        {
            var found = reserved.TryGetValue($"<0x{b:X2}>", out var id) && model.Pieces[id].Type == SentencePieceType.Byte;
            ByteIds[b] = found ? id : -1;
            if (trainer.ByteFallback && !found)
                throw new TokenizerFormatException(sourcePath, $"byte_fallback is on but the byte piece <0x{b:X2}> is missing");
        }
    }

    /// <summary>Pieces that segmentation can produce.</summary>
    public Dictionary<string, int> Mergeable { get; } = new(StringComparer.Ordinal);

    public int UnknownId { get; }

    /// <summary>The id of each byte piece <c>&lt;0xXX&gt;</c>, -1 where absent.</summary>
    public int[] ByteIds { get; }

    /// <summary>The exact id of a piece, reserved pieces first (sentencepiece's lookup order).</summary>
    public bool TryGetId(string piece, out int id) => reserved.TryGetValue(piece, out id) || Mergeable.TryGetValue(piece, out id);

    /// <summary>sentencepiece's <c>PieceToId</c>: unknown strings give the unknown id.</summary>
    public int PieceToId(string piece) => TryGetId(piece, out var id) ? id : UnknownId;

    /// <summary>
    /// Every way a producible piece splits into two producible pieces (at character boundaries), ranked by the
    /// piece's score: sentencepiece merges the pair whose concatenation is the highest-scoring piece.
    /// </summary>
    public BpeMergeTable BuildMergeTable()
    {
        var ranks = BpeMergeTable.RanksByDescendingScore(Mergeable.Values.Select(id => model.Pieces[id].Score));
        var lookup = Mergeable.GetAlternateLookup<ReadOnlySpan<char>>();
        var table = new BpeMergeTable();
        foreach (var (piece, id) in Mergeable)
        {
            var rule = new MergeRule(ranks[model.Pieces[id].Score], id);
            for (var split = 1; split < piece.Length; split++)
            {
                if (char.IsLowSurrogate(piece[split]) && char.IsHighSurrogate(piece[split - 1])) continue;
                if (lookup.TryGetValue(piece.AsSpan(0, split), out var left) && lookup.TryGetValue(piece.AsSpan(split), out var right))
                    table.Set(left, right, rule);
            }
        }
        return table;
    }

    /// <summary>User-defined pieces, which sentencepiece matches whole before segmenting.</summary>
    public List<AddedToken> UserDefinedPieces() =>
        Mergeable.Where(p => model.Pieces[p.Value].Type == SentencePieceType.UserDefined)
            .Select(p => new AddedToken(p.Key, p.Value, Special: false))
            .ToList();

    private static TokenizerFormatException Unsupported(string path, string what) =>
        new(path, $"uses {what}, which Emend's sentencepiece tokenizer does not implement");
}
