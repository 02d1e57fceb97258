using System.Runtime.InteropServices;

namespace Emend.Numerics;

/// <summary>
/// Per-thread packing buffers, allocated once (64-byte aligned, so packed panels load with aligned vectors) and
/// grown on demand. A GEMM call reuses them instead of allocating; the team's workers keep theirs for the life of
/// the process, and a user thread's buffers are freed by the finalizer when the thread is gone.
/// </summary>
internal sealed unsafe class GemmWorkspace
{
    [ThreadStatic] private static GemmWorkspace? t_current;

    private readonly void*[] _buffers = new void*[Enum.GetValues<GemmBuffer>().Length];
    private readonly nuint[] _sizes = new nuint[Enum.GetValues<GemmBuffer>().Length];

    public static GemmWorkspace Current => t_current ??= new GemmWorkspace();

    /// <summary>A buffer of at least <paramref name="count"/> elements; its old contents are not kept.</summary>
    public T* Get<T>(GemmBuffer buffer, long count) where T : unmanaged
    {
        var bytes = checked((nuint)(count * sizeof(T)));
        var slot = (int)buffer;
        if (_sizes[slot] < bytes)
        {
            NativeMemory.AlignedFree(_buffers[slot]);
            _buffers[slot] = null;
            _sizes[slot] = 0;
            _buffers[slot] = NativeMemory.AlignedAlloc(bytes, 64);
            _sizes[slot] = bytes;
        }
        return (T*)_buffers[slot];
    }

    ~GemmWorkspace()
    {
        foreach (var buffer in _buffers) NativeMemory.AlignedFree(buffer);
    }
}

/// <summary>The distinct buffers one thread may need at the same time during one GEMM call.</summary>
internal enum GemmBuffer
{
    PackedA,
    PackedB,
    WidenedRows,
    EdgeTile,
    CallerCopyOfA,
}
