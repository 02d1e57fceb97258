using System.Text.Json;
using System.Text.Unicode;
using Emend.Numerics;

namespace Emend.Models.Checkpoints;

/// <summary>
/// Parses and validates a safetensors JSON header against the data section it describes. A streaming
/// <see cref="Utf8JsonReader"/> walks the header in place (no copy, no document tree), which also lets it see duplicate
/// keys that a DOM would silently keep. Every rule broken becomes a <see cref="CheckpointFormatException"/>.
/// </summary>
internal static class SafetensorsHeader
{
    /// <summary>The reserved header key that holds string→string metadata instead of a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The parsed header: tensors sorted by name (ordinal), and the metadata if the key was present.</summary>
    public sealed record Parsed(TensorInfo[] Tensors, IReadOnlyDictionary<string, string>? Metadata);

    public static Parsed Parse(ReadOnlySpan<byte> header, long dataLength, string path)
    {
        if (!Utf8.IsValid(header)) throw Fail(path, "the header is not valid UTF-8");
        if (header.IsEmpty || header[0] != (byte)'{') throw Fail(path, "the header does not start with '{'");

        var tensors = new List<TensorInfo>();
        Dictionary<string, string>? metadata = null;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 4 });
        try
        {
            reader.Read();
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                if (!keys.Add(key)) throw Fail(path, $"the header names \"{key}\" twice");
                if (key == MetadataKey)
                    metadata = ReadMetadata(ref reader, path);
                else
                    tensors.Add(ReadTensor(ref reader, key, path));
            }
            if (reader.Read()) throw Fail(path, "the header has content after its JSON object");
        }
        catch (JsonException e)
        {
            throw Fail(path, $"the header is not valid JSON ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            throw Fail(path, $"the header is not valid JSON ({e.Message})", e);
        }

        var sorted = tensors.ToArray();
        CheckTiling(sorted, dataLength, path);
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new Parsed(sorted, metadata);
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType;
    }

    private static Dictionary<string, string>? ReadMetadata(ref Utf8JsonReader reader, string path)
    {
        var token = Next(ref reader);
        if (token == JsonTokenType.Null) return null;
        if (token != JsonTokenType.StartObject) throw Fail(path, $"\"{MetadataKey}\" is not an object");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            if (Next(ref reader) != JsonTokenType.String) throw Fail(path, $"metadata value \"{key}\" is not a string");
            if (!metadata.TryAdd(key, reader.GetString()!)) throw Fail(path, $"metadata names \"{key}\" twice");
        }
        return metadata;
    }

    private static TensorInfo ReadTensor(ref Utf8JsonReader reader, string name, string path)
    {
        if (Next(ref reader) != JsonTokenType.StartObject) throw Fail(path, $"tensor \"{name}\": the entry is not an object");
        TensorDType? dtype = null;
        int[]? shape = null;
        long[]? offsets = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var field = reader.GetString()!;
            switch (field)
            {
                case "dtype" when dtype is null:
                    if (Next(ref reader) != JsonTokenType.String) throw Fail(path, $"tensor \"{name}\": dtype is not a string");
                    var dtypeName = reader.GetString()!;
                    if (!TensorDTypes.TryParseHeaderName(dtypeName, out var parsed))
                        throw Fail(path, $"tensor \"{name}\": unknown dtype \"{dtypeName}\" (known: {string.Join(", ", TensorDTypes.HeaderNames)})");
                    dtype = parsed;
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(ref reader, name, field, int.MaxValue, path).Select(d => (int)d).ToArray();
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(ref reader, name, field, long.MaxValue, path);
                    if (offsets.Length != 2) throw Fail(path, $"tensor \"{name}\": data_offsets has {offsets.Length} entries, not 2");
                    break;
                default:
                    throw Fail(path, $"tensor \"{name}\": unexpected or repeated field \"{field}\"");
            }
        }
        if (dtype is null || shape is null || offsets is null)
            throw Fail(path, $"tensor \"{name}\": missing {(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}");

        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end) throw Fail(path, $"tensor \"{name}\": data_offsets begin {begin} > end {end}");
        long bytes;
        try
        {
            long elements = 1;
            foreach (var d in shape) elements = checked(elements * d);
            bytes = checked(elements * dtype.Value.SizeInBytes());
        }
        catch (OverflowException)
        {
            throw Fail(path, $"tensor \"{name}\": shape [{string.Join(", ", shape)}] overflows a 64-bit byte count");
        }
        if (bytes != end - begin)
            throw Fail(path, $"tensor \"{name}\": shape [{string.Join(", ", shape)}] of {dtype.Value.HeaderName()} needs {bytes} bytes but data_offsets span {end - begin}");
        return new TensorInfo(name, dtype.Value, new Shape(shape), begin, end);
    }

    private static long[] ReadIntegers(ref Utf8JsonReader reader, string name, string field, long max, string path)
    {
        if (Next(ref reader) != JsonTokenType.StartArray) throw Fail(path, $"tensor \"{name}\": {field} is not an array");
        var values = new List<long>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value < 0 || value > max)
                throw Fail(path, $"tensor \"{name}\": {field} holds something other than an integer in [0, {max}]");
            values.Add(value);
        }
        return values.ToArray();
    }

    /// <summary>
    /// The data section must be tiled exactly: sorted by offset, each tensor starts where the previous one ended, the
    /// first at 0 and the last at the end of the file. This is what HF writers produce, and it rules out overlapping
    /// tensors (aliasing), gaps and trailing bytes (places to hide data that a round trip would silently drop).
    /// </summary>
    private static void CheckTiling(TensorInfo[] tensors, long dataLength, string path)
    {
        Array.Sort(tensors, (a, b) => a.DataBegin != b.DataBegin ? a.DataBegin.CompareTo(b.DataBegin) : a.DataEnd.CompareTo(b.DataEnd));
        long position = 0;
        foreach (var t in tensors)
        {
            if (t.DataEnd > dataLength)
                throw Fail(path, $"tensor \"{t.Name}\": data_offsets [{t.DataBegin}, {t.DataEnd}] run past the data section ({dataLength} bytes); the file is truncated or the offsets are wrong");
            if (t.DataBegin < position)
                throw Fail(path, $"tensor \"{t.Name}\": data_offsets [{t.DataBegin}, {t.DataEnd}] overlap the previous tensor, which ends at {position}");
            if (t.DataBegin > position)
                throw Fail(path, $"tensor \"{t.Name}\": data_offsets [{t.DataBegin}, {t.DataEnd}] leave a gap after offset {position}");
            position = t.DataEnd;
        }
        if (position != dataLength)
            throw Fail(path, $"the tensors cover {position} bytes but the data section holds {dataLength}: trailing bytes after the last tensor");
    }

    private static CheckpointFormatException Fail(string path, string problem, Exception? inner = null) => new(path, problem, inner);
}
