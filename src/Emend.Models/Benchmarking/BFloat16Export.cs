using System.Runtime.InteropServices;
using Emend.Models.Architecture;
using Emend.Models.Checkpoints;
using Emend.Models.Runtime;
using Emend.Numerics;

namespace Emend.Models.Benchmarking;

/// <summary>Writes a model's current weights (base + delta) as a bfloat16 HF checkpoint, for load-memory measurements.</summary>
internal static class BFloat16Export
{
    /// <summary>
    /// Writes <paramref name="configJson"/> as <c>config.json</c> and every tensor the spec expects, rounded to
    /// bfloat16, as <c>model.safetensors</c> into <paramref name="directory"/>. Returns the size of the weight files.
    /// </summary>
    public static long Write(Transformer model, string configJson, string directory, CancellationToken cancellationToken)
    {
        var tensors = new List<TensorData>();
        foreach (var expected in model.Spec.ExpectedTensors())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var parameter = model.GetParameter(expected.Name);
            var values = new float[parameter.ElementCount];
            for (var r = 0; r < parameter.Rows; r++) parameter.ReadRow(r, values.AsSpan(r * parameter.Cols, parameter.Cols));
            var halves = new ushort[values.Length];
            HalfConversion.SingleToBFloat16(values, halves);
            tensors.Add(new TensorData(expected.Name, TensorDType.BF16, expected.Shape, MemoryMarshal.AsBytes(halves.AsSpan()).ToArray()));
        }
        Directory.CreateDirectory(directory);
        var written = CheckpointWriter.Write(directory, tensors, cancellationToken: cancellationToken);
        File.WriteAllText(Path.Combine(directory, HfConfig.FileName), configJson);
        return written.Sum(path => new FileInfo(path).Length);
    }
}
