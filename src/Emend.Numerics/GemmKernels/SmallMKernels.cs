using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emend.Numerics;

/// <summary>
/// AVX-512 float32 kernels for short A (M ≤ 64: decoding, per-token work, small batches), which read B in place
/// instead of packing it. With few rows each B element feeds only 2·M flops, so a packing pass over B would cost
/// about as much as the product itself.
/// <list type="bullet">
/// <item>op(B) = B (row-major K × N, e.g. GPT-2 Conv1D weights): an 8 × 48 tile that broadcasts A[i, p] against
/// three vectors of row p of B.</item>
/// <item>op(B) = Bᵀ (an [out, in] weight): a 4 × 6 tile of dot products along k, both operands contiguous,
/// reduced horizontally at the end.</item>
/// </list>
/// </summary>
internal static unsafe class SmallMKernels
{
    public const int RowTileRows = 8;
    public const int RowTileColumns = 48;
    public const int DotTileRows = 4;
    public const int DotTileColumns = 6;

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

    /// <summary>
    /// C[i, j] = alpha · Σ_p A[i, p] · W[j, p] + beta · C[i, j] for i &lt; rows ≤ 4, j &lt; cols ≤ 6, with A and W
    /// row-major (W holds op(B)ᵀ). Rows and columns past the valid ones re-read the last valid one and are not stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DotTile(int kc, float* a, nint lda, int rows, float* w, nint ldw, int cols, float* c, nint ldc, float alpha, float beta)
    {
        var a0 = a + Math.Min(0, rows - 1) * lda;
        var a1 = a + Math.Min(1, rows - 1) * lda;
        var a2 = a + Math.Min(2, rows - 1) * lda;
        var a3 = a + Math.Min(3, rows - 1) * lda;
        var w0 = w + Math.Min(0, cols - 1) * ldw;
        var w1 = w + Math.Min(1, cols - 1) * ldw;
        var w2 = w + Math.Min(2, cols - 1) * ldw;
        var w3 = w + Math.Min(3, cols - 1) * ldw;
        var w4 = w + Math.Min(4, cols - 1) * ldw;
        var w5 = w + Math.Min(5, cols - 1) * ldw;
        Vector512<float> s00 = Vector512<float>.Zero, s01 = Vector512<float>.Zero, s02 = Vector512<float>.Zero, s03 = Vector512<float>.Zero, s04 = Vector512<float>.Zero, s05 = Vector512<float>.Zero;
        Vector512<float> s10 = Vector512<float>.Zero, s11 = Vector512<float>.Zero, s12 = Vector512<float>.Zero, s13 = Vector512<float>.Zero, s14 = Vector512<float>.Zero, s15 = Vector512<float>.Zero;
        Vector512<float> s20 = Vector512<float>.Zero, s21 = Vector512<float>.Zero, s22 = Vector512<float>.Zero, s23 = Vector512<float>.Zero, s24 = Vector512<float>.Zero, s25 = Vector512<float>.Zero;
        Vector512<float> s30 = Vector512<float>.Zero, s31 = Vector512<float>.Zero, s32 = Vector512<float>.Zero, s33 = Vector512<float>.Zero, s34 = Vector512<float>.Zero, s35 = Vector512<float>.Zero;
        var p = 0;
        for (; p <= kc - 16; p += 16)
        {
            var y0 = Vector512.Load(w0 + p);
            var y1 = Vector512.Load(w1 + p);
            var y2 = Vector512.Load(w2 + p);
            var y3 = Vector512.Load(w3 + p);
            var y4 = Vector512.Load(w4 + p);
            var y5 = Vector512.Load(w5 + p);
            var x0 = Vector512.Load(a0 + p);
            s00 = Vector512.FusedMultiplyAdd(x0, y0, s00); s01 = Vector512.FusedMultiplyAdd(x0, y1, s01); s02 = Vector512.FusedMultiplyAdd(x0, y2, s02); s03 = Vector512.FusedMultiplyAdd(x0, y3, s03); s04 = Vector512.FusedMultiplyAdd(x0, y4, s04); s05 = Vector512.FusedMultiplyAdd(x0, y5, s05);
            var x1 = Vector512.Load(a1 + p);
            s10 = Vector512.FusedMultiplyAdd(x1, y0, s10); s11 = Vector512.FusedMultiplyAdd(x1, y1, s11); s12 = Vector512.FusedMultiplyAdd(x1, y2, s12); s13 = Vector512.FusedMultiplyAdd(x1, y3, s13); s14 = Vector512.FusedMultiplyAdd(x1, y4, s14); s15 = Vector512.FusedMultiplyAdd(x1, y5, s15);
            var x2 = Vector512.Load(a2 + p);
            s20 = Vector512.FusedMultiplyAdd(x2, y0, s20); s21 = Vector512.FusedMultiplyAdd(x2, y1, s21); s22 = Vector512.FusedMultiplyAdd(x2, y2, s22); s23 = Vector512.FusedMultiplyAdd(x2, y3, s23); s24 = Vector512.FusedMultiplyAdd(x2, y4, s24); s25 = Vector512.FusedMultiplyAdd(x2, y5, s25);
            var x3 = Vector512.Load(a3 + p);
            s30 = Vector512.FusedMultiplyAdd(x3, y0, s30); s31 = Vector512.FusedMultiplyAdd(x3, y1, s31); s32 = Vector512.FusedMultiplyAdd(x3, y2, s32); s33 = Vector512.FusedMultiplyAdd(x3, y3, s33); s34 = Vector512.FusedMultiplyAdd(x3, y4, s34); s35 = Vector512.FusedMultiplyAdd(x3, y5, s35);
        }
        var sums = stackalloc float[DotTileRows * DotTileColumns];
        Reduce(sums + 0, s00, s01, s02, s03, s04, s05);
        Reduce(sums + 6, s10, s11, s12, s13, s14, s15);
        Reduce(sums + 12, s20, s21, s22, s23, s24, s25);
        Reduce(sums + 18, s30, s31, s32, s33, s34, s35);
        var rowPointers = stackalloc float*[] { a0, a1, a2, a3 };
        var columnPointers = stackalloc float*[] { w0, w1, w2, w3, w4, w5 };
        for (var r = 0; r < rows; r++)
            for (var j = 0; j < cols; j++)
            {
                var sum = sums[r * DotTileColumns + j];
                for (var q = p; q < kc; q++) sum += rowPointers[r][q] * columnPointers[j][q];
                ref var target = ref c[r * ldc + j];
                target = beta == 0 ? alpha * sum : alpha * sum + beta * target;
            }
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Reduce(float* sums, Vector512<float> x0, Vector512<float> x1, Vector512<float> x2,
        Vector512<float> x3, Vector512<float> x4, Vector512<float> x5)
    {
        sums[0] = Vector512.Sum(x0);
        sums[1] = Vector512.Sum(x1);
        sums[2] = Vector512.Sum(x2);
        sums[3] = Vector512.Sum(x3);
        sums[4] = Vector512.Sum(x4);
        sums[5] = Vector512.Sum(x5);
    }
}
