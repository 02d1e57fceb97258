using System.Buffers;

namespace Emend.Models.Checkpoints;

/// <summary>
/// Exposes a block of mapped memory as <see cref="Memory{T}"/> so that mapped tensors can flow into APIs that keep a
/// reference (spans cannot be stored). The memory is owned by the mapping, so pinning and disposal are no-ops.
/// </summary>
internal sealed unsafe class UnmanagedMemory(byte* pointer, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, length);
        return new MemoryHandle(pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
