using System.Numerics;
using System.Runtime.CompilerServices;

namespace Emend.Numerics;

/// <summary>Writes the valid corner of a tile computed into scratch (alpha = 1, beta = 0) to C.</summary>
internal static unsafe class GemmEdge
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Merge<T>(T* tile, nint tileStride, T* c, nint ldc, int rows, int cols, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var r = 0; r < rows; r++, tile += tileStride, c += ldc)
            for (var j = 0; j < cols; j++)
                c[j] = beta == T.Zero ? alpha * tile[j] : alpha * tile[j] + beta * c[j];
    }
}
