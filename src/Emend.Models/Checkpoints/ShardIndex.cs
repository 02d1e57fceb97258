using System.Text.Json;
using System.Text.Unicode;

namespace Emend.Models.Checkpoints;

/// <summary>
/// The <c>model.safetensors.index.json</c> of a sharded checkpoint: which shard file holds each tensor, and the
/// declared total byte size of all tensors. Parsing is strict because shard names become file paths.
/// </summary>
internal sealed record ShardIndex(IReadOnlyDictionary<string, string> WeightMap, long? TotalSize)
{
    /// <summary>Index files are a few hundred kilobytes even for the largest models; anything bigger is refused unread.</summary>
    private const long MaxIndexBytes = 64L * 1024 * 1024;

    public static ShardIndex Read(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxIndexBytes) throw Fail(path, $"the index is {length} bytes, more than the {MaxIndexBytes}-byte limit");
        var bytes = File.ReadAllBytes(path);
        if (!Utf8.IsValid(bytes)) throw Fail(path, "the index is not valid UTF-8");
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 8 });
            return FromJson(document.RootElement, path);
        }
        catch (JsonException e)
        {
            throw Fail(path, $"the index is not valid JSON ({e.Message})", e);
        }
    }

    private static ShardIndex FromJson(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object) throw Fail(path, "the index is not a JSON object");
        JsonElement? weightMap = null;
        long? totalSize = null;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!keys.Add(property.Name)) throw Fail(path, $"the index names \"{property.Name}\" twice");
            if (property.Name == "weight_map") weightMap = property.Value;
            else if (property.Name == "metadata") totalSize = ReadTotalSize(property.Value, path);
        }
        if (weightMap is not { ValueKind: JsonValueKind.Object } map) throw Fail(path, "the index has no \"weight_map\" object");

        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String) throw Fail(path, $"weight_map entry \"{entry.Name}\" is not a file name string");
            var shard = entry.Value.GetString()!;
            if (!IsPlainFileName(shard)) throw Fail(path, $"weight_map entry \"{entry.Name}\" names \"{shard}\", which is not a plain file name in the checkpoint directory");
            if (!entries.TryAdd(entry.Name, shard)) throw Fail(path, $"weight_map names \"{entry.Name}\" twice");
        }
        if (entries.Count == 0) throw Fail(path, "the index's weight_map is empty");
        return new ShardIndex(entries, totalSize);
    }

    private static long? ReadTotalSize(JsonElement metadata, string path)
    {
        if (metadata.ValueKind != JsonValueKind.Object) throw Fail(path, "the index \"metadata\" is not an object");
        long? totalSize = null;
        foreach (var property in metadata.EnumerateObject())
        {
            if (property.Name != "total_size") continue;
            if (totalSize is not null) throw Fail(path, "the index metadata names \"total_size\" twice");
            // HF writes an integer; some tools write it as a float with a zero fraction.
            if (property.Value.ValueKind != JsonValueKind.Number) throw Fail(path, "metadata.total_size is not a number");
            if (property.Value.TryGetInt64(out var integer) && integer >= 0) totalSize = integer;
            else if (property.Value.TryGetDouble(out var real) && real >= 0 && real < 9e18 && real == Math.Floor(real)) totalSize = (long)real;
            else throw Fail(path, $"metadata.total_size {property.Value.GetRawText()} is not a non-negative integer");
        }
        return totalSize;
    }

    /// <summary>Shard names must stay inside the checkpoint directory: no separators, no "." or "..", nothing rooted.</summary>
    private static bool IsPlainFileName(string name) =>
        name.Length > 0 && name != "." && name != ".." && name.IndexOfAny(['/', '\\', '\0']) < 0 && !Path.IsPathRooted(name);

    private static CheckpointFormatException Fail(string path, string problem, Exception? inner = null) => new(path, problem, inner);
}
