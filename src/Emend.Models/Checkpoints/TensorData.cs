using Emend.Numerics;

namespace Emend.Models.Checkpoints;

/// <summary>
/// A tensor to be written: its name, dtype, shape and raw little-endian bytes. The bytes may live in a managed array
/// (an edited weight) or in a mapped file (<see cref="FromMapped"/>, an unchanged weight copied through).
/// </summary>
public readonly record struct TensorData(string Name, TensorDType DType, Shape Shape, ReadOnlyMemory<byte> Bytes)
{
    /// <summary>Passes a mapped tensor through unchanged; the source file must stay open until the write finishes.</summary>
    public static TensorData FromMapped(MappedTensor tensor) => new(tensor.Name, tensor.DType, tensor.Shape, tensor.Memory);
}
