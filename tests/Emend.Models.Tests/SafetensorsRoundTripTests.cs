using System.Buffers.Binary;
using System.Text;
using Emend.Models.Checkpoints;
using Emend.Numerics;
using Emend.Tests;

namespace Emend.Models.Tests;

/// <summary>Load-then-save reproduces HF's files byte for byte; anything we write passes our own validation.</summary>
public class SafetensorsRoundTripTests
{
    public static TheoryData<string> HfFiles => new(
        "gpt2/model.safetensors", "gpt2/model.fp16.safetensors", "gpt2/model.bf16.safetensors", "gpt2/reference.safetensors",
        "llama/model.safetensors", "llama/model.bf16.safetensors", "gpt_neox/model.safetensors", "gptj/model.safetensors",
        "qwen2/model.safetensors", "llama_sharded/model-00002-of-00002.safetensors");

    [SkippableTheory]
    [MemberData(nameof(HfFiles))]
    public void RewritingAnHfFileReproducesItByteForByte(string relativePath)
    {
        var source = SharedData.Require($"{FixtureManifest.Root}/{relativePath}");
        AssertRewriteIsIdentical(source);
    }

    [SkippableTheory]
    [InlineData("models/factsworld-gpt2/model.safetensors")]
    [InlineData("models/stories260K/hf/model.safetensors")]
    public void RewritingTheProjectModelsReproducesThemByteForByte(string relativePath) =>
        AssertRewriteIsIdentical(SharedData.Require(relativePath));

    [SkippableFact]
    public void ReshardingTheLlamaAsHfDidReproducesShardsAndIndex()
    {
        var directory = SharedData.Require($"{FixtureManifest.Root}/llama_sharded");
        using var temp = new TempDirectory();
        using (var checkpoint = Checkpoint.Open(directory))
        {
            // HF fills shards in module order; the shards in file order, each sorted by name, recreate that order's split.
            var inStoredOrder = checkpoint.Files.SelectMany(f => f.Tensors).Select(t => TensorData.FromMapped(checkpoint.GetTensor(t.Name))).ToArray();
            var written = CheckpointWriter.Write(temp.Path, inStoredOrder, maxShardBytes: 700_000, metadata: checkpoint.Files[0].Metadata);
            Assert.Equal(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"], written.Select(Path.GetFileName));
        }
        foreach (var name in new[] { "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(directory, name)), File.ReadAllBytes(temp.File(name)));
    }

    [Fact]
    public void WrittenFilesAreSortedPaddedContiguousAndReadBackExactly()
    {
        var random = new Random(7);
        var tensors = new List<TensorData>();
        foreach (var dtype in Enum.GetValues<TensorDType>())
        {
            int[] shape = random.Next(3) switch { 0 => [], 1 => [random.Next(0, 5)], _ => [random.Next(1, 4), random.Next(0, 6)] };
            var bytes = new byte[new Shape(shape).ElementCount * dtype.SizeInBytes()];
            random.NextBytes(bytes);
            tensors.Add(new TensorData($"t.{dtype}.\"quoted\"\\é", dtype, new Shape(shape), bytes));
        }
        tensors.Reverse();
        var metadata = new Dictionary<string, string> { ["zeta"] = "line\nbreak\ttab", ["alpha"] = "ünïcødé ✓", ["format"] = "pt" };
        using var temp = new TempDirectory();
        var path = temp.File("out.safetensors");

        SafetensorsWriter.Write(path, tensors, metadata);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(0, file.HeaderLength % 8);
        Assert.Equal(metadata.OrderBy(p => p.Key), file.Metadata!.OrderBy(p => p.Key));
        Assert.Equal(tensors.Select(t => t.Name).Order(StringComparer.Ordinal), file.Tensors.Select(t => t.Name));
        long offset = 0;
        foreach (var info in file.Tensors)
        {
            Assert.Equal(offset, info.DataBegin);
            offset = info.DataEnd;
            var original = tensors.Single(t => t.Name == info.Name);
            Assert.Equal((original.DType, original.Shape), (info.DType, info.Shape));
            Assert.True(original.Bytes.Span.SequenceEqual(file.GetTensor(info.Name).Bytes));
        }
        Assert.Equal(file.FileLength, file.DataOffset + offset);
        var header = File.ReadAllBytes(path).AsSpan(8, (int)file.HeaderLength);
        Assert.EndsWith("\"format\":\"pt\",\"zeta\":\"line\\nbreak\\ttab\"}}", Encoding.UTF8.GetString(header).TrimEnd(' '));
    }

    [Fact]
    public void FileWithoutMetadataStaysWithoutMetadata()
    {
        using var temp = new TempDirectory();
        var path = temp.File("plain.safetensors");
        SafetensorsWriter.Write(path, [new TensorData("x", TensorDType.F32, new Shape(2), new byte[8])]);
        using var file = SafetensorsFile.Open(path);
        Assert.Null(file.Metadata);
        const string header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        Assert.Equal(header + "  ", Encoding.UTF8.GetString(File.ReadAllBytes(path), 8, (int)file.HeaderLength));
    }

    [Fact]
    public void CancelledWriteLeavesTheOldFileAndNoTemporaryFile()
    {
        using var temp = new TempDirectory();
        var path = temp.File("model.safetensors");
        File.WriteAllText(path, "old contents");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() =>
            SafetensorsWriter.Write(path, [new TensorData("x", TensorDType.U8, new Shape(3), new byte[3])], cancellationToken: cancelled.Token));

        Assert.Equal("old contents", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void WriterRefusesInconsistentInputBeforeTouchingTheDisk()
    {
        using var temp = new TempDirectory();
        var path = temp.File("bad.safetensors");
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new TensorData("x", TensorDType.F32, new Shape(3), new byte[8])]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path,
            [new TensorData("x", TensorDType.U8, new Shape(1), new byte[1]), new TensorData("x", TensorDType.U8, new Shape(1), new byte[1])]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new TensorData("__metadata__", TensorDType.U8, new Shape(1), new byte[1])]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new TensorData("bad\ud800", TensorDType.U8, new Shape(1), new byte[1])]));
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void ShardedWriterSplitsByMaximumSizeAndRemovesStaleWeightFiles()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("model.safetensors"), "stale single file");
        File.WriteAllText(temp.File("model-00001-of-00007.safetensors"), "stale shard");
        File.WriteAllText(temp.File("config.json"), "{}");
        var tensors = Enumerable.Range(0, 5).Select(i => new TensorData($"w{i}", TensorDType.F32, new Shape(10 + i), new byte[4 * (10 + i)])).ToArray();

        var written = CheckpointWriter.Write(temp.Path, tensors, maxShardBytes: 100);

        // 40+44 = 84 fits; 84+48 > 100 starts shard 2; 48+52 = 100 fits; 100+56 > 100 starts shard 3.
        Assert.Equal(["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors", "model.safetensors.index.json"],
            written.Select(Path.GetFileName));
        Assert.Equal(["config.json", .. written.Select(Path.GetFileName)], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var checkpoint = Checkpoint.Open(temp.Path);
        Assert.Equal([2, 2, 1], checkpoint.Files.Select(f => f.Tensors.Count));
        Assert.Equal(tensors.Sum(t => t.Bytes.Length), checkpoint.TotalTensorBytes);
    }

    [Fact]
    public void ShardedWriterWritesASingleFileWhenEverythingFits()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("model.safetensors.index.json"), "stale index");
        var written = CheckpointWriter.Write(temp.Path, [new TensorData("w", TensorDType.F16, new Shape(4), new byte[8])]);
        Assert.Equal([temp.File("model.safetensors")], written);
        Assert.Equal([temp.File("model.safetensors")], Directory.GetFiles(temp.Path));
    }

    private static void AssertRewriteIsIdentical(string source)
    {
        using var temp = new TempDirectory();
        var target = temp.File("copy.safetensors");
        using (var file = SafetensorsFile.Open(source))
        {
            var progress = new List<long>();
            SafetensorsWriter.Write(target, file.Tensors.Select(t => TensorData.FromMapped(file.GetTensor(t.Name))), file.Metadata, new SynchronousProgress(progress));
            Assert.Equal(file.FileLength - file.DataOffset, progress[^1]);
        }
        var original = File.ReadAllBytes(source);
        var copy = File.ReadAllBytes(target);
        Assert.Equal(BinaryPrimitives.ReadUInt64LittleEndian(original), BinaryPrimitives.ReadUInt64LittleEndian(copy));
        Assert.Equal(original.Length, copy.Length);
        Assert.True(original.AsSpan().SequenceEqual(copy), "rewritten file differs from the original");
    }

    private sealed class SynchronousProgress(List<long> values) : IProgress<long>
    {
        public void Report(long value) => values.Add(value);
    }
}
