using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Emend.Models.Checkpoints;

/// <summary>
/// Writes a model directory the way HF <c>save_pretrained</c> does: one <c>model.safetensors</c> when everything fits
/// in one shard, otherwise <c>model-00001-of-0000N.safetensors</c> files plus <c>model.safetensors.index.json</c>.
/// </summary>
/// <remarks>
/// Each file is replaced atomically, shards before the index, and weight files of an earlier save that this one does
/// not produce (a stale single file, index or shards, recognised only by HF's exact names) are deleted last, as HF
/// does, so that a stale <c>model.safetensors</c> cannot shadow a new sharded save. Until that last step the old
/// checkpoint stays loadable when its files had different names.
/// </remarks>
public static partial class CheckpointWriter
{
    /// <summary>HF's default <c>max_shard_size</c> ("5GB", decimal).</summary>
    public const long DefaultMaxShardBytes = 5_000_000_000;

    /// <summary>
    /// Writes <paramref name="tensors"/> into <paramref name="directory"/>. Shards are filled in the given order (HF
    /// uses the module order), starting a new shard when the next tensor would push the current one past
    /// <paramref name="maxShardBytes"/>; a tensor larger than the limit gets a shard of its own. Inside each file
    /// tensors are sorted by name. Returns the files written (shards, then the index), as full paths.
    /// </summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<TensorData> tensors, long maxShardBytes = DefaultMaxShardBytes,
        IReadOnlyDictionary<string, string>? metadata = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardBytes);
        var duplicate = tensors.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"tensor \"{duplicate.Key}\" is given twice", nameof(tensors));
        directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(directory);

        var shards = PlanShards(tensors, maxShardBytes);
        var written = new List<string>();
        long bytesBefore = 0;
        for (var i = 0; i < shards.Count; i++)
        {
            var name = shards.Count == 1 ? Checkpoint.SingleFileName : ShardFileName(i, shards.Count);
            var path = Path.Combine(directory, name);
            var offset = bytesBefore;
            SafetensorsWriter.Write(path, shards[i], metadata, progress is null ? null : new Progress(progress, offset), cancellationToken);
            bytesBefore += shards[i].Sum(t => (long)t.Bytes.Length);
            written.Add(path);
        }
        if (shards.Count > 1)
        {
            var indexPath = Path.Combine(directory, Checkpoint.IndexFileName);
            WriteIndex(indexPath, shards, bytesBefore);
            written.Add(indexPath);
        }
        RemoveStaleWeightFiles(directory, written);
        return written;
    }

    /// <summary>The HF shard name for 0-based <paramref name="index"/> of <paramref name="count"/>.</summary>
    public static string ShardFileName(int index, int count) => $"model-{index + 1:D5}-of-{count:D5}.safetensors";

    private static List<List<TensorData>> PlanShards(IReadOnlyList<TensorData> tensors, long maxShardBytes)
    {
        var shards = new List<List<TensorData>> { new() };
        long current = 0;
        foreach (var tensor in tensors)
        {
            if (current + tensor.Bytes.Length > maxShardBytes && shards[^1].Count > 0)
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(tensor);
            current += tensor.Bytes.Length;
        }
        return shards;
    }

    /// <summary>Same bytes as HF's <c>json.dumps(index, indent=2, sort_keys=True) + "\n"</c> for ASCII names.</summary>
    private static void WriteIndex(string indexPath, List<List<TensorData>> shards, long totalSize)
    {
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < shards.Count; i++)
        foreach (var tensor in shards[i])
            weightMap.Add(tensor.Name, ShardFileName(i, shards.Count));

        AtomicFile.Write(indexPath, stream =>
        {
            var options = new JsonWriterOptions { Indented = true, IndentSize = 2, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            using (var json = new Utf8JsonWriter(stream, options))
            {
                json.WriteStartObject();
                json.WriteStartObject("metadata");
                json.WriteNumber("total_size", totalSize);
                json.WriteEndObject();
                json.WriteStartObject("weight_map");
                foreach (var (tensor, shard) in weightMap) json.WriteString(tensor, shard);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            stream.WriteByte((byte)'\n');
        });
    }

    private static void RemoveStaleWeightFiles(string directory, List<string> written)
    {
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            var isWeightFile = name == Checkpoint.SingleFileName || name == Checkpoint.IndexFileName || ShardName().IsMatch(name);
            if (isWeightFile && !written.Contains(path)) File.Delete(path);
        }
    }

    [GeneratedRegex(@"^model-\d{5}-of-\d{5}\.safetensors$")]
    private static partial Regex ShardName();

    /// <summary>Turns one file's byte count into the running total over all shards.</summary>
    private sealed class Progress(IProgress<long> total, long offset) : IProgress<long>
    {
        public void Report(long value) => total.Report(offset + value);
    }
}
