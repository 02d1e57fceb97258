using Emend.Models.Architecture;
using Emend.Models.Checkpoints;

namespace Emend.Models;

/// <summary>
/// What <c>emend info</c> reports about a model directory: the architecture read from config.json, and what the
/// safetensors files actually hold (dtypes, counts, sizes, shards), checked against each other.
/// </summary>
public sealed record CheckpointSummary(
    string Location,
    TransformerSpec Spec,
    int TensorCount,
    IReadOnlyDictionary<string, int> DTypeCounts,
    long StoredElements,
    long TensorBytes,
    long FileBytes,
    IReadOnlyList<CheckpointFileSummary> Files,
    bool Sharded,
    SpecConformance Conformance)
{
    /// <summary>Distinct parameters the spec implies (a tied head counted once).</summary>
    public long ParameterCount => Spec.ParameterCount;

    /// <summary>Reads config.json and opens the checkpoint of <paramref name="directory"/>.</summary>
    /// <exception cref="ModelConfigException">The config cannot be mapped to a spec.</exception>
    /// <exception cref="CheckpointFormatException">A weight file or the shard index is malformed.</exception>
    public static CheckpointSummary Read(string directory)
    {
        var spec = HfConfig.Read(directory);
        using var checkpoint = Checkpoint.Open(directory);
        var dtypeCounts = checkpoint.Tensors
            .GroupBy(t => t.DType.HeaderName())
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var files = checkpoint.Files
            .Select(f => new CheckpointFileSummary(Path.GetFileName(f.FilePath), f.FileLength, f.Tensors.Count))
            .ToArray();
        return new CheckpointSummary(
            checkpoint.Location, spec, checkpoint.Tensors.Count, dtypeCounts, checkpoint.TotalElements, checkpoint.TotalTensorBytes,
            files.Sum(f => f.Bytes), files, checkpoint.IsSharded, SpecConformance.Check(spec, checkpoint.Tensors));
    }
}

/// <summary>One weight file of a checkpoint: name, size in bytes, number of tensors.</summary>
public sealed record CheckpointFileSummary(string Name, long Bytes, int TensorCount);
