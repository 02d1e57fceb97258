using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emend.Numerics;

/// <summary>
/// Copies blocks of op(A) and op(B) into the layouts the micro-kernels stream (see <see cref="IGemmMicroKernel{T}"/>),
/// zero-padding partial B panels so that edge tiles need no special kernel. This is also where transposes are
/// resolved and 16-bit B elements are widened, so a kernel only ever sees T.
/// </summary>
internal static unsafe class GemmPacking<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// op(A)[i0.., p0..] (mc × kc) → a row-major block with row stride <paramref name="destinationStride"/>, which
    /// the kernels read row by row with unit stride. Reading a plain A in place would save this copy but, with a
    /// leading dimension that is a multiple of 4 KB (2048 floats), puts all Mr rows in the same L1 sets: measured
    /// 20 % slower at 2048³.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(T* destination, nint destinationStride, in GemmOperand<T> a, int i0, int p0, int mc, int kc, SimdWidth width)
    {
        if (a.Transposed)
        {
            Transpose(a.At(i0, p0), a.LeadingDimension, kc, mc, destination, destinationStride, width);
            return;
        }
        for (var r = 0; r < mc; r++)
            Copy(destination + r * destinationStride, a.At(i0 + r, p0), kc);
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
        Transpose(source, sourceStride, cols, kc, destination, nr, width);
        for (var c = cols; c < nr; c++)
            for (var p = 0; p < kc; p++) destination[(nint)p * nr + c] = T.Zero;
    }

    /// <summary>
    /// destination[j · destinationStride + i] = source[i · sourceStride + j] for i &lt; rows, j &lt; cols: whole
    /// 16 × 16 blocks in registers where AVX-512 float32 allows, the ragged edges element by element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose(T* source, nint sourceStride, int rows, int cols, T* destination, nint destinationStride, SimdWidth width)
    {
        int blockRows = 0, blockCols = 0;
        if (typeof(T) == typeof(float) && width == SimdWidth.Vector512 && Transpose16x16.IsSupported)
        {
            (blockRows, blockCols) = (rows / 16 * 16, cols / 16 * 16);
            for (var i = 0; i < blockRows; i += 16)
                for (var j = 0; j < blockCols; j += 16)
                    Transpose16x16.Run((float*)(source + i * sourceStride + j), sourceStride, (float*)(destination + j * destinationStride + i), destinationStride);
        }
        for (var i = 0; i < rows; i++)
        {
            var row = source + i * sourceStride;
            for (var j = i < blockRows ? blockCols : 0; j < cols; j++) destination[j * destinationStride + i] = row[j];
        }
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
