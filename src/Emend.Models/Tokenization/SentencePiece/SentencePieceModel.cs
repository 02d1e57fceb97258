namespace Emend.Models.Tokenization;

/// <summary>The kind of a sentencepiece piece (<c>ModelProto.SentencePiece.Type</c>).</summary>
public enum SentencePieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>The segmentation algorithm of a sentencepiece model (<c>TrainerSpec.ModelType</c>).</summary>
public enum SentencePieceModelType
{
    Unigram = 1,
    Bpe = 2,
    Word = 3,
    Char = 4,
}

/// <summary>One vocabulary entry: its text (with <c>▁</c> for spaces), merge score and kind.</summary>
public readonly record struct SentencePiece(string Piece, float Score, SentencePieceType Type);

/// <summary>The parts of <c>TrainerSpec</c> that change encoding or decoding; the rest only matter for training.</summary>
public sealed record SentencePieceTrainerSpec
{
    public SentencePieceModelType ModelType { get; init; } = SentencePieceModelType.Unigram;
    public int VocabSize { get; init; } = 8000;
    public bool ByteFallback { get; init; }
    public bool TreatWhitespaceAsSuffix { get; init; }
    public int UnknownId { get; init; }
    public int BosId { get; init; } = 1;
    public int EosId { get; init; } = 2;
    public int PadId { get; init; } = -1;
    public string UnknownPiece { get; init; } = "<unk>";
    public string BosPiece { get; init; } = "<s>";
    public string EosPiece { get; init; } = "</s>";
    public string PadPiece { get; init; } = "<pad>";

    /// <summary>What decoding prints for the unknown piece (U+2047 between spaces by default).</summary>
    public string UnknownSurface { get; init; } = " \u2047 ";
}

/// <summary>The <c>NormalizerSpec</c>: how text is prepared before segmentation.</summary>
public sealed record SentencePieceNormalizerSpec
{
    public string Name { get; init; } = string.Empty;

    /// <summary>Whether a compiled Unicode rewrite table (e.g. NFKC) is present; Emend implements only the identity normalizer.</summary>
    public bool HasPrecompiledCharsMap { get; init; }
    public bool AddDummyPrefix { get; init; } = true;
    public bool RemoveExtraWhitespaces { get; init; } = true;
    public bool EscapeWhitespaces { get; init; } = true;
}

/// <summary>
/// A parsed sentencepiece <c>tokenizer.model</c> (the <c>ModelProto</c> protobuf). Defaults follow the
/// <c>.proto</c> file, so a field absent from the file reads as sentencepiece would read it.
/// </summary>
public sealed class SentencePieceModel
{
    private SentencePieceModel(IReadOnlyList<SentencePiece> pieces, SentencePieceTrainerSpec trainerSpec, SentencePieceNormalizerSpec normalizerSpec, bool hasDenormalizer)
    {
        Pieces = pieces;
        TrainerSpec = trainerSpec;
        NormalizerSpec = normalizerSpec;
        HasDenormalizer = hasDenormalizer;
    }

    public IReadOnlyList<SentencePiece> Pieces { get; }
    public SentencePieceTrainerSpec TrainerSpec { get; }
    public SentencePieceNormalizerSpec NormalizerSpec { get; }

    /// <summary>Whether a decoding-side rewrite table (<c>denormalizer_spec</c>) is present.</summary>
    public bool HasDenormalizer { get; }

    /// <exception cref="TokenizerFormatException">The file is not a valid ModelProto.</exception>
    public static SentencePieceModel Load(string path) => Parse(File.ReadAllBytes(path), path);

    /// <param name="data">The serialized ModelProto.</param>
    /// <param name="sourceName">Named in error messages.</param>
    public static SentencePieceModel Parse(ReadOnlySpan<byte> data, string sourceName)
    {
        var reader = new ProtobufReader(data, sourceName);
        var pieces = new List<SentencePiece>();
        var trainer = new SentencePieceTrainerSpec();
        var normalizer = new SentencePieceNormalizerSpec();
        var hasDenormalizer = false;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(wire, WireType.LengthDelimited, "pieces");
                    var nested = reader.ReadMessage();
                    pieces.Add(ReadPiece(ref nested, sourceName, pieces.Count));
                    break;
                case 2:
                    reader.Expect(wire, WireType.LengthDelimited, "trainer_spec");
                    var trainerReader = reader.ReadMessage();
                    trainer = ReadTrainerSpec(ref trainerReader);
                    break;
                case 3:
                    reader.Expect(wire, WireType.LengthDelimited, "normalizer_spec");
                    var normalizerReader = reader.ReadMessage();
                    normalizer = ReadNormalizerSpec(ref normalizerReader);
                    break;
                case 5:
                    reader.Expect(wire, WireType.LengthDelimited, "denormalizer_spec");
                    var denormalizerReader = reader.ReadMessage();
                    hasDenormalizer = ReadNormalizerSpec(ref denormalizerReader).HasPrecompiledCharsMap;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (pieces.Count == 0) throw new TokenizerFormatException(sourceName, "the model has no pieces (is this a sentencepiece tokenizer.model?)");
        return new SentencePieceModel(pieces, trainer, normalizer, hasDenormalizer);
    }

    private static SentencePiece ReadPiece(ref ProtobufReader reader, string sourceName, int index)
    {
        string? piece = null;
        var score = 0f;
        var type = SentencePieceType.Normal;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(wire, WireType.LengthDelimited, "piece");
                    piece = reader.ReadString();
                    break;
                case 2:
                    reader.Expect(wire, WireType.Fixed32, "score");
                    score = reader.ReadFloat();
                    break;
                case 3:
                    reader.Expect(wire, WireType.Varint, "type");
                    var value = reader.ReadInt32();
                    if (!Enum.IsDefined((SentencePieceType)value))
                        throw new TokenizerFormatException(sourceName, $"piece {index} has unknown type {value}");
                    type = (SentencePieceType)value;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (string.IsNullOrEmpty(piece)) throw new TokenizerFormatException(sourceName, $"piece {index} has no text");
        return new SentencePiece(piece, score, type);
    }

    private static SentencePieceTrainerSpec ReadTrainerSpec(ref ProtobufReader reader)
    {
        var spec = new SentencePieceTrainerSpec();
        while (reader.TryReadTag(out var field, out var wire))
        {
            spec = (field, wire) switch
            {
                (3, WireType.Varint) => spec with { ModelType = (SentencePieceModelType)reader.ReadInt32() },
                (4, WireType.Varint) => spec with { VocabSize = reader.ReadInt32() },
                (24, WireType.Varint) => spec with { TreatWhitespaceAsSuffix = reader.ReadBool() },
                (35, WireType.Varint) => spec with { ByteFallback = reader.ReadBool() },
                (40, WireType.Varint) => spec with { UnknownId = reader.ReadInt32() },
                (41, WireType.Varint) => spec with { BosId = reader.ReadInt32() },
                (42, WireType.Varint) => spec with { EosId = reader.ReadInt32() },
                (43, WireType.Varint) => spec with { PadId = reader.ReadInt32() },
                (44, WireType.LengthDelimited) => spec with { UnknownSurface = reader.ReadString() },
                (45, WireType.LengthDelimited) => spec with { UnknownPiece = reader.ReadString() },
                (46, WireType.LengthDelimited) => spec with { BosPiece = reader.ReadString() },
                (47, WireType.LengthDelimited) => spec with { EosPiece = reader.ReadString() },
                (48, WireType.LengthDelimited) => spec with { PadPiece = reader.ReadString() },
                _ => Skipped(ref reader, wire, spec),
            };
        }
        return spec;
    }

    private static SentencePieceNormalizerSpec ReadNormalizerSpec(ref ProtobufReader reader)
    {
        var spec = new SentencePieceNormalizerSpec();
        while (reader.TryReadTag(out var field, out var wire))
        {
            spec = (field, wire) switch
            {
                (1, WireType.LengthDelimited) => spec with { Name = reader.ReadString() },
                (2, WireType.LengthDelimited) => spec with { HasPrecompiledCharsMap = !reader.ReadLengthDelimited().IsEmpty },
                (3, WireType.Varint) => spec with { AddDummyPrefix = reader.ReadBool() },
                (4, WireType.Varint) => spec with { RemoveExtraWhitespaces = reader.ReadBool() },
                (5, WireType.Varint) => spec with { EscapeWhitespaces = reader.ReadBool() },
                _ => Skipped(ref reader, wire, spec),
            };
        }
        return spec;
    }

    private static T Skipped<T>(ref ProtobufReader reader, WireType wire, T unchanged)
    {
        reader.Skip(wire);
        return unchanged;
    }
}
