namespace Emend.Numerics;

/// <summary>
/// General matrix multiply, C = alpha·op(A)·op(B) + beta·C, row-major, BLAS semantics (beta = 0 overwrites C, so
/// NaN in the old C never leaks). op(A) is m×k and op(B) is k×n.
/// </summary>
public static class Gemm
{
    public static void Sgemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var p = 0; p < k; p++)
                    sum += (double)At(a, lda, transA, i, p) * At(b, ldb, transB, p, j);
                var old = beta == 0 ? 0 : beta * c[i * ldc + j];
                c[i * ldc + j] = (float)(alpha * sum + old);
            }
    }

    public static unsafe void Sgemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, MatrixView b, float beta, Span<float> c, int ldc)
    {
        var wide = new float[b.Rows * b.Cols];
        for (var r = 0; r < b.Rows; r++)
            for (var col = 0; col < b.Cols; col++)
            {
                long idx = (long)r * b.LeadingDimension + col;
                wide[r * b.Cols + col] = b.Type switch
                {
                    ElementType.Float32 => ((float*)b.Data)[idx],
                    ElementType.Float16 => (float)BitConverter.UInt16BitsToHalf(((ushort*)b.Data)[idx]),
                    _ => BitConverter.Int32BitsToSingle(((ushort*)b.Data)[idx] << 16),
                };
            }
        Sgemm(transA, transB, m, n, k, alpha, a, lda, wide, b.Cols, beta, c, ldc);
    }

    public static void Dgemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var p = 0; p < k; p++)
                    sum += At(a, lda, transA, i, p) * At(b, ldb, transB, p, j);
                c[i * ldc + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * ldc + j]);
            }
    }

    private static T At<T>(ReadOnlySpan<T> x, int ld, Transpose t, int row, int col) =>
        t == Transpose.None ? x[row * ld + col] : x[col * ld + row];
}
