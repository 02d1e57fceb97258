using System.Buffers;
using System.Text;

namespace Emend.Models.Tokenization;

public sealed partial class SentencePieceBpeTokenizer
{
    private protected override string DecodeCore(ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        var pieces = new List<string>(ids.Length);
        foreach (var id in ids)
            if (!(skipSpecialTokens && IsSpecialToken(id))) pieces.Add(model.Pieces[id].Piece);

        var spec = model.NormalizerSpec;
        if (settings.Compatibility == SentencePieceCompatibility.SentencePiece)
            return DecodePieces(pieces, spec.AddDummyPrefix || spec.RemoveExtraWhitespaces);
        var text = DecodeLikeLlamaTokenizer(pieces, settings.Legacy ? spec.AddDummyPrefix || spec.RemoveExtraWhitespaces : spec.RemoveExtraWhitespaces);
        return settings.CleanUpTokenizationSpaces ? TokenizationSpaces.CleanUp(text) : text;
    }

    /// <summary>
    /// HF <c>LlamaTokenizer.convert_tokens_to_string</c>: drop the marker HF itself prepended from the first token,
    /// decode the runs between special tokens with sentencepiece and put the special tokens in literally (legacy
    /// mode adds a space before a special token that follows text).
    /// </summary>
    private string DecodeLikeLlamaTokenizer(List<string> pieces, bool consumeLeadingMarker)
    {
        if (pieces.Count == 0) return string.Empty;
        if (pieces[0].StartsWith(BpeModel.WordMarker)) pieces[0] = pieces[0][1..];
        var text = new StringBuilder();
        var run = new List<string>();
        var previousSpecial = false;
        for (var i = 0; i < pieces.Count; i++)
        {
            if (!specialTokenTexts.Contains(pieces[i]))
            {
                run.Add(pieces[i]);
                previousSpecial = false;
                continue;
            }
            if (!previousSpecial && i != 0 && settings.Legacy) text.Append(' ');
            text.Append(DecodePieces(run, consumeLeadingMarker)).Append(pieces[i]);
            previousSpecial = true;
            run.Clear();
        }
        return text.Append(DecodePieces(run, consumeLeadingMarker)).ToString();
    }

    /// <summary>
    /// sentencepiece's <c>Decode</c>: control pieces vanish, <c>▁</c> becomes a space, runs of byte pieces are
    /// decoded as UTF-8 one character at a time (each invalid byte gives U+FFFD), and when
    /// <paramref name="consumeLeadingMarker"/> the first marker of the text (the dummy prefix) is dropped.
    /// </summary>
    private string DecodePieces(List<string> pieces, bool consumeLeadingMarker)
    {
        var text = new StringBuilder();
        var bytes = new List<byte>();
        var expectLeadingMarker = true;
        var leadingMarkerSeen = false;
        foreach (var piece in pieces)
        {
            var id = vocabulary.PieceToId(piece);
            var type = model.Pieces[id].Type;
            if (type == SentencePieceType.Byte)
            {
                bytes.Add((byte)DecoderStep.ParseBytePiece(piece));
                continue;
            }
            AppendBytes(bytes, text);
            if (leadingMarkerSeen || text.Length > 0) expectLeadingMarker = false;
            leadingMarkerSeen = false;
            switch (type)
            {
                case SentencePieceType.Control:
                    break;
                case SentencePieceType.Unknown:
                    text.Append(piece == model.Pieces[id].Piece ? model.TrainerSpec.UnknownSurface : piece);
                    break;
                default:
                    var surface = piece.AsSpan();
                    if (expectLeadingMarker && consumeLeadingMarker && surface.StartsWith(BpeModel.WordMarker))
                    {
                        surface = surface[1..];
                        leadingMarkerSeen = !model.NormalizerSpec.RemoveExtraWhitespaces;
                    }
                    foreach (var c in surface) text.Append(c == BpeModel.WordMarker ? ' ' : c);
                    break;
            }
        }
        AppendBytes(bytes, text);
        return text.ToString();
    }

    private static void AppendBytes(List<byte> bytes, StringBuilder text)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        for (var offset = 0; offset < span.Length;)
        {
            if (Rune.DecodeFromUtf8(span[offset..], out var rune, out var consumed) == OperationStatus.Done)
            {
                text.Append(rune.ToString());
                offset += consumed;
            }
            else
            {
                text.Append('\uFFFD');
                offset++;
            }
        }
        bytes.Clear();
    }
}
