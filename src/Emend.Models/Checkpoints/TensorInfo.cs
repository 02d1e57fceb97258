using Emend.Numerics;

namespace Emend.Models.Checkpoints;

/// <summary>
/// One tensor's header entry: its name, element type, shape and the byte range it occupies, relative to the start of
/// the data section (as <c>data_offsets</c> in the file). Validated on open, so <see cref="ByteLength"/> always equals
/// element count × element size.
/// </summary>
public sealed record TensorInfo(string Name, TensorDType DType, Shape Shape, long DataBegin, long DataEnd)
{
    public long ByteLength => DataEnd - DataBegin;

    public long ElementCount => Shape.ElementCount;
}
