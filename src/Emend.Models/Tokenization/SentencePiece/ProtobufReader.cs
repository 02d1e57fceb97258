using System.Buffers.Binary;
using System.Text;

namespace Emend.Models.Tokenization;

/// <summary>Protobuf wire types (the low 3 bits of a field tag).</summary>
internal enum WireType { Varint = 0, Fixed64 = 1, LengthDelimited = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5 }

/// <summary>
/// A minimal protobuf wire-format reader, enough for sentencepiece's <c>ModelProto</c>: tags, varints, fixed32 and
/// length-delimited fields, skipping what it does not know. Every overrun is reported as a truncated file with the
/// byte offset, because a half-copied <c>tokenizer.model</c> is the usual way this goes wrong.
/// </summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> data, string path, int baseOffset = 0)
{
    private readonly ReadOnlySpan<byte> data = data;
    private int position;

    public readonly bool AtEnd => position >= data.Length;

    /// <summary>Reads the next field's number and wire type.</summary>
    public bool TryReadTag(out int field, out WireType wireType)
    {
        field = 0;
        wireType = WireType.Varint;
        if (AtEnd) return false;
        var tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (WireType)(tag & 7);
        if (field == 0) throw Malformed("field number 0");
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (AtEnd) throw Truncated("a varint");
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw Malformed("a varint longer than 10 bytes");
    }

    /// <summary>An <c>int32</c> field (negative values are sign-extended to 10-byte varints on the wire).</summary>
    public int ReadInt32() => unchecked((int)(long)ReadVarint());

    public bool ReadBool() => ReadVarint() != 0;

    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(ReadBytes(4, "a fixed32"));

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(data.Length - position)) throw Truncated($"a {length}-byte field");
        return ReadBytes((int)length, "a length-delimited field");
    }

    public string ReadString()
    {
        var bytes = ReadLengthDelimited();
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new TokenizerFormatException(path, $"invalid UTF-8 in a string field at byte {baseOffset + position - bytes.Length}", e);
        }
    }

    /// <summary>A reader over a nested message, reporting offsets relative to the whole file.</summary>
    public ProtobufReader ReadMessage()
    {
        var body = ReadLengthDelimited();
        return new ProtobufReader(body, path, baseOffset + position - body.Length);
    }

    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: ReadBytes(8, "a fixed64"); break;
            case WireType.LengthDelimited: ReadLengthDelimited(); break;
            case WireType.Fixed32: ReadBytes(4, "a fixed32"); break;
            default: throw Malformed($"unsupported wire type {(int)wireType}");
        }
    }

    /// <summary>Fails unless the field has the wire type its schema says.</summary>
    public readonly void Expect(WireType actual, WireType expected, string field)
    {
        if (actual != expected) throw Malformed($"field '{field}' has wire type {actual}, expected {expected}");
    }

    private ReadOnlySpan<byte> ReadBytes(int count, string what)
    {
        if (count > data.Length - position) throw Truncated(what);
        var bytes = data.Slice(position, count);
        position += count;
        return bytes;
    }

    private readonly TokenizerFormatException Truncated(string what) =>
        new(path, $"truncated protobuf: {what} at byte {baseOffset + position} runs past the end of its message");

    private readonly TokenizerFormatException Malformed(string what) =>
        new(path, $"malformed protobuf at byte {baseOffset + position}: {what}");

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
