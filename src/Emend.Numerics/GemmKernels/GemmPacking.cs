using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emend.Numerics;

/// <summary>
/// Copies blocks of op(A) and op(B) into the panel layouts the micro-kernels stream (see
/// <see cref="IGemmMicroKernel{T}"/>), zero-padding partial panels so that edge tiles need no special kernel.
/// This is also where transposes are resolved and 16-bit B elements are widened, so a kernel only ever sees T.
/// </summary>
internal static unsafe class GemmPacking<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>op(A)[i0.., p0..] (mc × kc) → panels of <paramref name="mr"/> rows, each kc columns of mr values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(T* destination, in GemmOperand<T> a, int i0, int p0, int mc, int kc, int mr)
    {
        for (var ir = 0; ir < mc; ir += mr, destination += (nint)kc * mr)
        {
            var rows = Math.Min(mr, mc - ir);
            if (a.Transposed)
            {
                for (var p = 0; p < kc; p++)
                {
                    var source = a.At(i0 + ir, p0 + p);
                    var panelColumn = destination + (nint)p * mr;
                    for (var r = 0; r < rows; r++) panelColumn[r] = source[r];
                    for (var r = rows; r < mr; r++) panelColumn[r] = T.Zero;
                }
            }
            else
            {
                for (var r = 0; r < rows; r++)
                {
                    var source = a.At(i0 + ir + r, p0);
                    for (var p = 0; p < kc; p++) destination[(nint)p * mr + r] = source[p];
                }
                for (var r = rows; r < mr; r++)
                    for (var p = 0; p < kc; p++) destination[(nint)p * mr + r] = T.Zero;
            }
        }
    }

    /// <summary>
    /// op(B)[p0.., j0..] (kc × nc) → panels of <paramref name="nr"/> columns, each kc rows of nr values.
    /// <paramref name="widened"/> holds nr × kc floats when B is 16-bit and transposed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(T* destination, in GemmOperand<T> b, int p0, int j0, int kc, int nc, int nr, SimdWidth width, float* widened)
    {
        for (var jr = 0; jr < nc; jr += nr, destination += (nint)kc * nr)
        {
            var cols = Math.Min(nr, nc - jr);
            if (b.Transposed)
                PackTransposedPanel(destination, b, p0, j0 + jr, kc, cols, nr, width, widened);
            else
                PackPanel(destination, b, p0, j0 + jr, kc, cols, nr, width);
        }
    }

    /// <summary>Row p of op(B) is contiguous in memory: copy (or widen) it, then pad.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackPanel(T* destination, in GemmOperand<T> b, int p0, int j, int kc, int cols, int nr, SimdWidth width)
    {
        if (b.HalfFormat is { } format)
            HalfConversion.Widen(format, b.HalfAt(p0, j), b.LeadingDimension, (float*)destination, nr, kc, cols, width);
        for (var p = 0; p < kc; p++, destination += nr)
        {
            if (b.HalfFormat is null)
                Copy(destination, b.At(p0 + p, j), cols);
            for (var c = cols; c < nr; c++) destination[c] = T.Zero;
        }
    }

    /// <summary>Column j of op(B) is a stored row, contiguous along p: transpose it into the panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposedPanel(T* destination, in GemmOperand<T> b, int p0, int j, int kc, int cols, int nr, SimdWidth width, float* widened)
    {
        T* source;
        nint sourceStride;
        if (b.HalfFormat is { } format)
        {
            HalfConversion.Widen(format, b.HalfAt(p0, j), b.LeadingDimension, widened, kc, cols, kc, width);
            source = (T*)widened;
            sourceStride = kc;
        }
        else
        {
            source = b.At(p0, j);
            sourceStride = b.LeadingDimension;
        }
        var done = 0;
        if (typeof(T) == typeof(float) && width == SimdWidth.Vector512 && Transpose16x16.IsSupported)
            done = TransposeBlocks16((float*)source, sourceStride, (float*)destination, nr, kc, cols);
        for (var c = 0; c < cols; c++)
        {
            var row = source + c * sourceStride;
            for (var p = c < done ? kc / 16 * 16 : 0; p < kc; p++) destination[(nint)p * nr + c] = row[p];
        }
        for (var c = cols; c < nr; c++)
            for (var p = 0; p < kc; p++) destination[(nint)p * nr + c] = T.Zero;
    }

    /// <summary>
    /// Transposes the whole 16 × 16 blocks of the first cols / 16 · 16 columns and the first kc / 16 · 16 depths;
    /// returns the number of columns it covered (the caller finishes the ragged edges element by element).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int TransposeBlocks16(float* source, nint sourceStride, float* destination, int nr, int kc, int cols)
    {
        var blockColumns = cols / 16 * 16;
        for (var c = 0; c < blockColumns; c += 16)
            for (var p = 0; p + 16 <= kc; p += 16)
                Transpose16x16.Run(source + c * sourceStride + p, sourceStride, destination + (nint)p * nr + c, nr);
        return blockColumns;
    }

    /// <summary>A short copy (one panel row) with whole registers; a memmove call per row would cost as much as the copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(T* destination, T* source, int count)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= count - Vector512<T>.Count; i += Vector512<T>.Count)
                Vector512.Load(source + i).Store(destination + i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= count - Vector256<T>.Count; i += Vector256<T>.Count)
                Vector256.Load(source + i).Store(destination + i);
        for (; i < count; i++) destination[i] = source[i];
    }
}
