using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emend.Numerics;

/// <summary>
/// The AVX-512 float32 tile for short A (M ≤ 64: decoding, per-token work, small batches): 8 rows × 48 columns,
/// broadcasting A[i, p] straight from the rows of A (no A packing) against three vectors of row p of a B strip
/// that is read in place when B is row-major float32. 24 accumulators + 3 B registers + 1 broadcast.
/// </summary>
internal static unsafe class SmallMKernels
{
    public const int RowTileRows = 8;
    public const int RowTileColumns = 48;

    /// <summary>
    /// C[0..rows, 0..48] = alpha · A[0..rows, 0..kc] · B[0..kc, 0..48] + beta · C, A and B row-major. Rows past
    /// <paramref name="rows"/> re-read the last valid row and are not stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowTile(int kc, float* a, nint lda, int rows, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
    {
        var a0 = a + Math.Min(0, rows - 1) * lda;
        var a1 = a + Math.Min(1, rows - 1) * lda;
        var a2 = a + Math.Min(2, rows - 1) * lda;
        var a3 = a + Math.Min(3, rows - 1) * lda;
        var a4 = a + Math.Min(4, rows - 1) * lda;
        var a5 = a + Math.Min(5, rows - 1) * lda;
        var a6 = a + Math.Min(6, rows - 1) * lda;
        var a7 = a + Math.Min(7, rows - 1) * lda;
        Vector512<float> c00 = Vector512<float>.Zero, c01 = Vector512<float>.Zero, c02 = Vector512<float>.Zero;
        Vector512<float> c10 = Vector512<float>.Zero, c11 = Vector512<float>.Zero, c12 = Vector512<float>.Zero;
        Vector512<float> c20 = Vector512<float>.Zero, c21 = Vector512<float>.Zero, c22 = Vector512<float>.Zero;
        Vector512<float> c30 = Vector512<float>.Zero, c31 = Vector512<float>.Zero, c32 = Vector512<float>.Zero;
        Vector512<float> c40 = Vector512<float>.Zero, c41 = Vector512<float>.Zero, c42 = Vector512<float>.Zero;
        Vector512<float> c50 = Vector512<float>.Zero, c51 = Vector512<float>.Zero, c52 = Vector512<float>.Zero;
        Vector512<float> c60 = Vector512<float>.Zero, c61 = Vector512<float>.Zero, c62 = Vector512<float>.Zero;
        Vector512<float> c70 = Vector512<float>.Zero, c71 = Vector512<float>.Zero, c72 = Vector512<float>.Zero;
        for (nint p = 0; p < kc; p++, b += ldb)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var b2 = Vector512.Load(b + 32);
            var x0 = Vector512.Create(a0[p]);
            c00 = Vector512.FusedMultiplyAdd(x0, b0, c00); c01 = Vector512.FusedMultiplyAdd(x0, b1, c01); c02 = Vector512.FusedMultiplyAdd(x0, b2, c02);
            var x1 = Vector512.Create(a1[p]);
            c10 = Vector512.FusedMultiplyAdd(x1, b0, c10); c11 = Vector512.FusedMultiplyAdd(x1, b1, c11); c12 = Vector512.FusedMultiplyAdd(x1, b2, c12);
            var x2 = Vector512.Create(a2[p]);
            c20 = Vector512.FusedMultiplyAdd(x2, b0, c20); c21 = Vector512.FusedMultiplyAdd(x2, b1, c21); c22 = Vector512.FusedMultiplyAdd(x2, b2, c22);
            var x3 = Vector512.Create(a3[p]);
            c30 = Vector512.FusedMultiplyAdd(x3, b0, c30); c31 = Vector512.FusedMultiplyAdd(x3, b1, c31); c32 = Vector512.FusedMultiplyAdd(x3, b2, c32);
            var x4 = Vector512.Create(a4[p]);
            c40 = Vector512.FusedMultiplyAdd(x4, b0, c40); c41 = Vector512.FusedMultiplyAdd(x4, b1, c41); c42 = Vector512.FusedMultiplyAdd(x4, b2, c42);
            var x5 = Vector512.Create(a5[p]);
            c50 = Vector512.FusedMultiplyAdd(x5, b0, c50); c51 = Vector512.FusedMultiplyAdd(x5, b1, c51); c52 = Vector512.FusedMultiplyAdd(x5, b2, c52);
            var x6 = Vector512.Create(a6[p]);
            c60 = Vector512.FusedMultiplyAdd(x6, b0, c60); c61 = Vector512.FusedMultiplyAdd(x6, b1, c61); c62 = Vector512.FusedMultiplyAdd(x6, b2, c62);
            var x7 = Vector512.Create(a7[p]);
            c70 = Vector512.FusedMultiplyAdd(x7, b0, c70); c71 = Vector512.FusedMultiplyAdd(x7, b1, c71); c72 = Vector512.FusedMultiplyAdd(x7, b2, c72);
        }

        StoreRow(c + 0 * ldc, c00, c01, c02, alpha, beta);
        if (rows == 1) return;
        StoreRow(c + 1 * ldc, c10, c11, c12, alpha, beta);
        if (rows == 2) return;
        StoreRow(c + 2 * ldc, c20, c21, c22, alpha, beta);
        if (rows == 3) return;
        StoreRow(c + 3 * ldc, c30, c31, c32, alpha, beta);
        if (rows == 4) return;
        StoreRow(c + 4 * ldc, c40, c41, c42, alpha, beta);
        if (rows == 5) return;
        StoreRow(c + 5 * ldc, c50, c51, c52, alpha, beta);
        if (rows == 6) return;
        StoreRow(c + 6 * ldc, c60, c61, c62, alpha, beta);
        if (rows == 7) return;
        StoreRow(c + 7 * ldc, c70, c71, c72, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> x2, float alpha, float beta)
    {
        var scale = Vector512.Create(alpha);
        if (beta == 0)
        {
            (scale * x0).Store(c);
            (scale * x1).Store(c + 16);
            (scale * x2).Store(c + 32);
            return;
        }
        var keep = Vector512.Create(beta);
        Vector512.FusedMultiplyAdd(scale, x0, keep * Vector512.Load(c)).Store(c);
        Vector512.FusedMultiplyAdd(scale, x1, keep * Vector512.Load(c + 16)).Store(c + 16);
        Vector512.FusedMultiplyAdd(scale, x2, keep * Vector512.Load(c + 32)).Store(c + 32);
    }
}
