using System.Runtime.InteropServices;
using Emend.Models.Checkpoints;
using Emend.Numerics;
using Emend.Tests;

namespace Emend.Models.Tests;

/// <summary>Our reader against the HF-written fixtures and the manifest that describes them.</summary>
public class SafetensorsFixtureTests
{
    private static readonly string[] FixtureFilePaths =
    [
        "gpt2/model.safetensors", "gpt2/model.fp16.safetensors", "gpt2/model.bf16.safetensors", "gpt2/reference.safetensors",
        "llama/model.safetensors", "llama/model.fp16.safetensors", "llama/model.bf16.safetensors", "llama/reference.safetensors",
        "gpt_neox/model.safetensors", "gpt_neox/reference.safetensors",
        "gptj/model.safetensors", "gptj/reference.safetensors",
        "qwen2/model.safetensors", "qwen2/reference.safetensors",
        "llama_sharded/model-00001-of-00002.safetensors", "llama_sharded/model-00002-of-00002.safetensors",
    ];

    public static TheoryData<string> FixtureFiles => new(FixtureFilePaths);

    [SkippableFact]
    public void TheTheoryCoversEverySafetensorsFileOfTheManifest()
    {
        var listed = FixtureFilePaths.Order(StringComparer.Ordinal);
        Assert.Equal(FixtureManifest.SafetensorsFiles().Keys.Order(StringComparer.Ordinal), listed);
    }

    [SkippableTheory]
    [MemberData(nameof(FixtureFiles))]
    public void EveryFixtureFileHasExactlyTheManifestTensorsAndMetadata(string relativePath)
    {
        var expected = FixtureManifest.SafetensorsFiles()[relativePath];
        using var file = SafetensorsFile.Open(SharedData.Require($"{FixtureManifest.Root}/{relativePath}"));

        Assert.Equal(expected.Tensors.Keys.Order(StringComparer.Ordinal), file.Tensors.Select(t => t.Name));
        foreach (var tensor in file.Tensors)
        {
            var manifest = expected.Tensors[tensor.Name];
            Assert.Equal(manifest.DType, tensor.DType.HeaderName());
            Assert.Equal(manifest.Shape, tensor.Shape.Dimensions.ToArray());
        }
        Assert.Equal(expected.Metadata, file.Metadata);
        Assert.Equal(0, file.HeaderLength % 8);
    }

    [SkippableTheory]
    [InlineData("models/factsworld-gpt2", 7_777_536L)]
    [InlineData("models/stories260K/hf", null)]
    public void ProjectModelsOpenAndHoldOnlyFloat32(string directory, long? documentedParameters)
    {
        using var checkpoint = Checkpoint.Open(SharedData.Require(directory));
        Assert.False(checkpoint.IsSharded);
        Assert.All(checkpoint.Tensors, t => Assert.Equal(TensorDType.F32, t.DType));
        if (documentedParameters is { } count) Assert.Equal(count, checkpoint.TotalElements);
        Assert.Equal("pt", checkpoint.Files[0].Metadata!["format"]);
    }

    [SkippableFact]
    public void ShardedLlamaIsByteIdenticalToTheSingleFile()
    {
        using var single = Checkpoint.Open(SharedData.Require($"{FixtureManifest.Root}/llama"));
        using var sharded = Checkpoint.Open(SharedData.Require($"{FixtureManifest.Root}/llama_sharded"));
        Assert.True(sharded.IsSharded);
        Assert.Equal(2, sharded.Files.Count);
        Assert.Equal(single.Tensors.Select(t => (t.Name, t.DType, t.Shape)), sharded.Tensors.Select(t => (t.Name, t.DType, t.Shape)));
        foreach (var info in single.Tensors)
            Assert.True(single.GetTensor(info.Name).Bytes.SequenceEqual(sharded.GetTensor(info.Name).Bytes), info.Name);
        Assert.Equal(1_057_536, sharded.TotalTensorBytes);
    }

    /// <summary>
    /// The fp16/bf16 files are round-to-nearest-even conversions of the fp32 file (README), so widening them must give
    /// exactly the fp32 values rounded that way; the rounding is computed here independently of the reader.
    /// </summary>
    [SkippableTheory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void SixteenBitFixturesWidenToTheRoundedFloat32Values(string arch)
    {
        using var full = SafetensorsFile.Open(SharedData.Require($"{FixtureManifest.Root}/{arch}/model.safetensors"));
        using var half = SafetensorsFile.Open(SharedData.Require($"{FixtureManifest.Root}/{arch}/model.fp16.safetensors"));
        using var brain = SafetensorsFile.Open(SharedData.Require($"{FixtureManifest.Root}/{arch}/model.bf16.safetensors"));
        foreach (var info in full.Tensors)
        {
            var reference = MemoryMarshal.Cast<byte, float>(full.GetTensor(info.Name).Bytes).ToArray();
            var fromHalf = half.GetTensor(info.Name).ToFloatArray();
            var fromBrain = brain.GetTensor(info.Name).ToFloatArray();
            for (var i = 0; i < reference.Length; i++)
            {
                Assert.Equal((float)(Half)reference[i], fromHalf[i]);
                Assert.Equal(RoundToBFloat16(reference[i]), fromBrain[i]);
            }
        }
    }

    [SkippableFact]
    public void MatrixViewPointsIntoTheMappingWithoutCopying()
    {
        using var file = SafetensorsFile.Open(SharedData.Require($"{FixtureManifest.Root}/llama/model.bf16.safetensors"));
        var tensor = file.GetTensor("model.layers.1.mlp.down_proj.weight");
        var matrix = tensor.AsMatrix();
        unsafe
        {
            Assert.True(matrix.Data == tensor.Pointer);
            Assert.Equal(ElementType.BFloat16, matrix.Type);
            Assert.Equal((64, 172, 172), (matrix.Rows, matrix.Cols, matrix.LeadingDimension));
            var values = tensor.ToFloatArray();
            var row = 37;
            var col = 101;
            var bits = ((ushort*)matrix.Data)[row * matrix.LeadingDimension + col];
            Assert.Equal(values[row * 172 + col], BitConverter.Int32BitsToSingle(bits << 16));
        }
        Assert.Throws<InvalidOperationException>(() => file.GetTensor("model.norm.weight").AsMatrix());
    }

    [SkippableFact]
    public void IntegerTensorsAreReadableAsBytesButNotWidened()
    {
        using var file = SafetensorsFile.Open(SharedData.Require($"{FixtureManifest.Root}/gpt2/reference.safetensors"));
        var ids = file.GetTensor("input_ids");
        Assert.Equal(TensorDType.I64, ids.DType);
        var values = MemoryMarshal.Cast<byte, long>(ids.Bytes);
        Assert.Equal(36, values.Length);
        Assert.All(values.ToArray(), v => Assert.InRange(v, 0, 999));
        Assert.Throws<InvalidOperationException>(() => ids.ToFloatArray());
    }

    [SkippableFact]
    public void AccessAfterDisposeThrowsInsteadOfReadingFreedMemory()
    {
        var file = SafetensorsFile.Open(SharedData.Require($"{FixtureManifest.Root}/gpt2/model.safetensors"));
        var tensor = file.GetTensor("transformer.wte.weight");
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tensor.ToFloatArray());
        Assert.Throws<ObjectDisposedException>(() => file.GetTensor("transformer.wte.weight"));
    }

    private static float RoundToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000u | 0x00400000u);
        var rounded = bits + 0x7FFFu + ((bits >> 16) & 1u);
        return BitConverter.UInt32BitsToSingle(rounded & 0xFFFF0000u);
    }
}
