namespace Emend.Models.Checkpoints;

/// <summary>
/// The weights of a model directory as HF lays them out: a single <c>model.safetensors</c> (preferred when both
/// exist, as HF loads it first), or shards listed in <c>model.safetensors.index.json</c>. All files are mapped and
/// validated on open; tensors are then looked up by name regardless of which shard holds them.
/// </summary>
/// <remarks>Views into tensors are valid until <see cref="Dispose"/> (see <see cref="SafetensorsFile"/>).</remarks>
public sealed class Checkpoint : IDisposable
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly Dictionary<string, SafetensorsFile> _fileByTensor;

    private Checkpoint(string location, IReadOnlyList<SafetensorsFile> files, string? indexPath)
    {
        Location = location;
        Files = files;
        IndexPath = indexPath;
        _fileByTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        foreach (var file in files)
        foreach (var tensor in file.Tensors)
            _fileByTensor.Add(tensor.Name, file);
        Tensors = files.SelectMany(f => f.Tensors).OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The directory (or single file) that was opened.</summary>
    public string Location { get; }

    /// <summary>The mapped files, one for an unsharded checkpoint, shards in file-name order otherwise.</summary>
    public IReadOnlyList<SafetensorsFile> Files { get; }

    /// <summary>The shard index file, or null for a single-file checkpoint.</summary>
    public string? IndexPath { get; }

    public bool IsSharded => IndexPath is not null;

    /// <summary>All tensors of all files, sorted by name.</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>Total bytes of tensor data (what an index's <c>total_size</c> declares).</summary>
    public long TotalTensorBytes => Tensors.Sum(t => t.ByteLength);

    /// <summary>Total number of elements over all tensors: the stored parameter count.</summary>
    public long TotalElements => Tensors.Sum(t => t.ElementCount);

    /// <summary>
    /// Opens a model directory, or directly a <c>.safetensors</c> file or an index file.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A file is malformed, a shard is missing, or the index and shards disagree.</exception>
    /// <exception cref="DirectoryNotFoundException">The location does not exist.</exception>
    public static Checkpoint Open(string location, long maxHeaderBytes = SafetensorsFile.DefaultMaxHeaderBytes)
    {
        location = Path.GetFullPath(location);
        if (File.Exists(location))
        {
            return location.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? OpenSharded(location, location, maxHeaderBytes)
                : new Checkpoint(location, [SafetensorsFile.Open(location, maxHeaderBytes)], null);
        }
        if (!Directory.Exists(location)) throw new DirectoryNotFoundException($"model directory not found: {location}");
        var single = Path.Combine(location, SingleFileName);
        if (File.Exists(single)) return new Checkpoint(location, [SafetensorsFile.Open(single, maxHeaderBytes)], null);
        var index = Path.Combine(location, IndexFileName);
        if (File.Exists(index)) return OpenSharded(location, index, maxHeaderBytes);
        throw new CheckpointFormatException(location, $"neither {SingleFileName} nor {IndexFileName} is present");
    }

    private static Checkpoint OpenSharded(string location, string indexPath, long maxHeaderBytes)
    {
        var index = ShardIndex.Read(indexPath);
        var directory = Path.GetDirectoryName(indexPath)!;
        var opened = new List<SafetensorsFile>();
        try
        {
            var shardsByName = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var shardName in index.WeightMap.Values.Distinct().Order(StringComparer.Ordinal))
            {
                var shardPath = Path.Combine(directory, shardName);
                if (!File.Exists(shardPath)) throw new CheckpointFormatException(indexPath, $"the index names shard \"{shardName}\", which does not exist");
                var shard = SafetensorsFile.Open(shardPath, maxHeaderBytes);
                opened.Add(shard);
                shardsByName.Add(shardName, shard);
                CheckShardAgainstIndex(shard, shardName, index, indexPath);
            }
            foreach (var (tensor, shardName) in index.WeightMap)
            {
                if (!shardsByName[shardName].Contains(tensor))
                    throw new CheckpointFormatException(indexPath, $"the index puts \"{tensor}\" in {shardName}, which does not hold it");
            }
            var checkpoint = new Checkpoint(location, opened, indexPath);
            if (index.TotalSize is { } declared && declared != checkpoint.TotalTensorBytes)
                throw new CheckpointFormatException(indexPath, $"metadata.total_size is {declared} but the shards hold {checkpoint.TotalTensorBytes} bytes of tensors");
            return checkpoint;
        }
        catch
        {
            foreach (var file in opened) file.Dispose();
            throw;
        }
    }

    /// <summary>Every tensor of a shard must be listed for that shard, or a name could resolve to two places.</summary>
    private static void CheckShardAgainstIndex(SafetensorsFile shard, string shardName, ShardIndex index, string indexPath)
    {
        foreach (var tensor in shard.Tensors)
        {
            if (!index.WeightMap.TryGetValue(tensor.Name, out var listed) || listed != shardName)
                throw new CheckpointFormatException(indexPath, $"shard {shardName} holds \"{tensor.Name}\", which the index {(listed is null ? "does not list" : $"assigns to {listed}")}");
        }
    }

    /// <summary>Looks a tensor up by its exact name in whichever file holds it.</summary>
    public bool TryGetTensor(string name, out MappedTensor tensor)
    {
        if (_fileByTensor.TryGetValue(name, out var file)) return file.TryGetTensor(name, out tensor);
        tensor = default;
        return false;
    }

    /// <summary>Looks a tensor up by its exact name.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public MappedTensor GetTensor(string name) =>
        TryGetTensor(name, out var tensor) ? tensor : throw new KeyNotFoundException($"{Location}: no tensor named \"{name}\"");

    public bool Contains(string name) => _fileByTensor.ContainsKey(name);

    public void Dispose()
    {
        foreach (var file in Files) file.Dispose();
    }
}
