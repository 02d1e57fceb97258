using System.Text.RegularExpressions;
using Emend.Models.Checkpoints;
using Emend.Numerics;

namespace Emend.Models.Tests;

/// <summary>A sharded directory whose index and shards disagree is refused, naming the index or the shard at fault.</summary>
public class ShardedCheckpointValidationTests
{
    /// <summary>Three 16-byte tensors in two shards: a, b in shard 1 and c in shard 2.</summary>
    internal static void WriteTwoShards(string directory)
    {
        var tensors = new[] { "a", "b", "c" }.Select(n => new TensorData(n, TensorDType.F32, new Shape(2, 2), new byte[16])).ToArray();
        CheckpointWriter.Write(directory, tensors, maxShardBytes: 32, metadata: new Dictionary<string, string> { ["format"] = "pt" });
    }

    public static TheoryData<string, string, string> BrokenIndexes => new()
    {
        { "malformed JSON", "{\"weight_map\": {", "not valid JSON" },
        { "not an object", "[1, 2]", "not a JSON object" },
        { "no weight_map", "{\"metadata\": {}}", "no \"weight_map\"" },
        { "empty weight_map", "{\"weight_map\": {}}", "empty" },
        { "value not a string", "{\"weight_map\": {\"a\": 1}}", "not a file name string" },
        { "path traversal", "{\"weight_map\": {\"a\": \"../model-00001-of-00002.safetensors\"}}", "not a plain file name" },
        { "absolute path", "{\"weight_map\": {\"a\": \"/etc/passwd\"}}", "not a plain file name" },
        { "duplicate weight_map key", Shards("\"a\": \"1\", \"a\": \"1\", \"b\": \"1\", \"c\": \"2\""), "twice" },
        { "missing shard", Shards("\"a\": \"1\", \"b\": \"1\", \"c\": \"3\""), "does not exist" },
        { "tensor absent from its shard", Shards("\"a\": \"1\", \"b\": \"1\", \"c\": \"2\", \"ghost\": \"2\""), "does not hold it" },
        { "shard tensor not listed", Shards("\"a\": \"1\", \"c\": \"2\""), "does not list" },
        { "tensor listed for the other shard", Shards("\"a\": \"1\", \"b\": \"2\", \"c\": \"2\""), "assigns to" },
        { "wrong total_size", Shards("\"a\": \"1\", \"b\": \"1\", \"c\": \"2\"", "47"), "total_size is 47" },
        { "negative total_size", Shards("\"a\": \"1\", \"b\": \"1\", \"c\": \"2\"", "-48"), "not a non-negative integer" },
        { "string total_size", Shards("\"a\": \"1\", \"b\": \"1\", \"c\": \"2\"", "\"48\""), "not a number" },
    };

    [Theory]
    [MemberData(nameof(BrokenIndexes))]
    public void BrokenIndexIsRefused(string what, string indexJson, string expectedFragment)
    {
        using var temp = new TempDirectory();
        WriteTwoShards(temp.Path);
        var indexPath = temp.File(Checkpoint.IndexFileName);
        File.WriteAllText(indexPath, indexJson);

        var error = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Open(temp.Path).Dispose());

        Assert.Equal(indexPath, error.FilePath);
        Assert.True(error.Problem.Contains(expectedFragment, StringComparison.Ordinal), $"{what}: \"{error.Problem}\" lacks \"{expectedFragment}\"");
    }

    [Fact]
    public void ValidShardsOpenAndFloatTotalSizeIsAccepted()
    {
        using var temp = new TempDirectory();
        WriteTwoShards(temp.Path);
        File.WriteAllText(temp.File(Checkpoint.IndexFileName), Shards("\"a\": \"1\", \"b\": \"1\", \"c\": \"2\"", "48.0"));
        using var checkpoint = Checkpoint.Open(temp.Path);
        Assert.Equal(["a", "b", "c"], checkpoint.Tensors.Select(t => t.Name));
        Assert.Equal("model-00002-of-00002.safetensors", Path.GetFileName(checkpoint.GetTensor("c").File.FilePath));
    }

    [Fact]
    public void DamagedShardIsReportedWithTheShardPath()
    {
        using var temp = new TempDirectory();
        WriteTwoShards(temp.Path);
        var shard = temp.File("model-00002-of-00002.safetensors");
        var bytes = File.ReadAllBytes(shard);
        File.WriteAllBytes(shard, bytes[..^1]);
        var error = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Open(temp.Path).Dispose());
        Assert.Equal(shard, error.FilePath);
    }

    [Fact]
    public void DirectoryWithoutWeightsIsRefused()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Open(temp.Path));
        Assert.Contains("neither model.safetensors nor model.safetensors.index.json", error.Message);
        Assert.Throws<DirectoryNotFoundException>(() => Checkpoint.Open(temp.File("absent")));
    }

    /// <summary>An index over the two shards, "1"/"2" standing for their file names.</summary>
    private static string Shards(string entries, string totalSize = "48")
    {
        var named = Regex.Replace(entries, "\"([12])\"", m => $"\"{CheckpointWriter.ShardFileName(int.Parse(m.Groups[1].Value) - 1, 2)}\"");
        return $"{{\"metadata\": {{\"total_size\": {totalSize}}}, \"weight_map\": {{{named}}}}}";
    }
}
