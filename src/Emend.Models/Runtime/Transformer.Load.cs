using Emend.Models.Architecture;
using Emend.Models.Checkpoints;
using Emend.Models.Llama2c;
using Emend.Numerics;

namespace Emend.Models.Runtime;

public sealed partial class Transformer
{
    /// <summary>
    /// Opens a model: an HF directory (<c>config.json</c> + safetensors, single or sharded), a llama2.c checkpoint
    /// file, or a directory holding one. Weights stay memory-mapped in their stored precision (fp16/bf16 are widened
    /// inside GEMM), so resident memory is about the file size; <paramref name="float32"/> copies them to float32.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing loadable is at <paramref name="path"/>.</exception>
    public static Transformer Load(string path, bool float32 = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var model = FindLlama2cCheckpoint(path) is { } llama2c ? Llama2cModel.Load(llama2c) : LoadHuggingFace(path);
        if (float32) model.MaterializeFloat32();
        return model;
    }

    private static Transformer LoadHuggingFace(string path)
    {
        var directory = File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))! : path;
        if (!Directory.Exists(directory)) throw new FileNotFoundException($"model not found: {path}", path);
        if (!File.Exists(Path.Combine(directory, "config.json")))
            throw new FileNotFoundException($"{directory} has neither config.json (Hugging Face) nor a llama2.c checkpoint", directory);
        var spec = TransformerSpec.FromHfConfig(directory);
        var checkpoint = Checkpoint.Open(path);
        try
        {
            return TransformerBinder.Bind(spec, name => View(checkpoint, name), checkpoint, checkpoint.Location);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>A checkpoint tensor as a matrix; rank-1 tensors become one row.</summary>
    private static unsafe MatrixView? View(Checkpoint checkpoint, string name)
    {
        if (!checkpoint.TryGetTensor(name, out var tensor)) return null;
        if (tensor.Shape.Rank != 1) return tensor.AsMatrix();
        if (!tensor.DType.TryGetElementType(out var type))
            throw new InvalidDataException($"{checkpoint.Location}: tensor '{name}' is {tensor.DType.HeaderName()}; weights must be F32, F16 or BF16");
        return new MatrixView(tensor.Pointer, type, 1, tensor.Shape[0], tensor.Shape[0]);
    }

    /// <summary>The llama2.c file at <paramref name="path"/>, or the one in that directory (when it has no config.json).</summary>
    private static string? FindLlama2cCheckpoint(string path)
    {
        if (File.Exists(path)) return Llama2cModel.IsCheckpoint(path) ? path : null;
        if (!Directory.Exists(path) || File.Exists(Path.Combine(path, "config.json"))) return null;
        return Directory.EnumerateFiles(path, "*.bin").Order(StringComparer.Ordinal).FirstOrDefault(Llama2cModel.IsCheckpoint);
    }
}
