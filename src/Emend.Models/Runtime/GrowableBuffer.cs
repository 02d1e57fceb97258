namespace Emend.Models.Runtime;

/// <summary>Grow-only scratch arrays: a workspace keeps its largest size, so repeated passes allocate nothing.</summary>
internal static class GrowableBuffer
{
    /// <summary>The first <paramref name="length"/> elements of <paramref name="buffer"/>, reallocated (uncleared) when too small.</summary>
    public static Span<T> Ensure<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = GC.AllocateUninitializedArray<T>(length);
        return buffer.AsSpan(0, length);
    }
}
