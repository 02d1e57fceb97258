using System.Numerics.Tensors;

namespace Emend.Numerics.LinearAlgebra;

/// <summary>
/// Managed Cholesky factorization A = L·Lᵀ of a row-major matrix, in place, lower triangle. Left-looking by block
/// column: one GEMM brings the whole block column (diagonal block and panel below it) up to date with the columns
/// already factored, the diagonal block is factored unblocked, and the panel is solved against it (TRSM). All O(n³)
/// work except the diagonal blocks therefore runs in <c>Gemm.Dgemm</c>.
/// </summary>
internal static class CholeskyKernel
{
    /// <summary>Columns per block: large enough for GEMM efficiency, small enough that the unblocked diagonal work stays minor.</summary>
    internal const int DefaultBlockSize = 192;

    private const int UnblockedOrder = 32;

    /// <summary>Factors the lower triangle of <paramref name="a"/> (order n, leading dimension n) and zeroes the strict upper triangle.</summary>
    public static void Factor(Span<double> a, int n, int blockSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        for (var j = 0; j < n; j += blockSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var width = Math.Min(blockSize, n - j);
            var rows = n - j;
            if (j > 0)
                Gemm.Dgemm(Transpose.None, Transpose.Transposed, rows, width, j, -1.0,
                    a[(j * n)..], n, a[(j * n)..], n, 1.0, a[(j * n + j)..], n);
            FactorDiagonalBlock(a[(j * n + j)..], n, width, j);
            if (rows > width)
                TriangularSolver.SolveRightLowerTransposed(a[(j * n + j)..], n, width, a[((j + width) * n + j)..], n, rows - width);
        }
        ZeroStrictUpper(a, n);
    }

    /// <summary>
    /// Factors a diagonal block by halves (factor, TRSM, GEMM update, factor), so that even inside the block most
    /// work is GEMM and runs on all threads; halves of order ≤ <see cref="UnblockedOrder"/> are factored row by row.
    /// The update also writes the block's upper triangle, which <see cref="ZeroStrictUpper"/> clears at the end.
    /// </summary>
    private static void FactorDiagonalBlock(Span<double> a, int lda, int n, int pivotOffset)
    {
        if (n <= UnblockedOrder)
        {
            FactorUnblocked(a, lda, n, pivotOffset);
            return;
        }
        var h = n / 2;
        FactorDiagonalBlock(a, lda, h, pivotOffset);
        TriangularSolver.SolveRightLowerTransposed(a, lda, h, a[(h * lda)..], lda, n - h);
        Gemm.Dgemm(Transpose.None, Transpose.Transposed, n - h, n - h, h, -1.0, a[(h * lda)..], lda, a[(h * lda)..], lda, 1.0,
            a[(h * lda + h)..], lda);
        FactorDiagonalBlock(a[(h * lda + h)..], lda, n - h, pivotOffset + h);
    }

    /// <summary>
    /// Row-by-row (Cholesky–Banachiewicz) factorization of an order-n diagonal block; <paramref name="pivotOffset"/>
    /// turns block-local pivot numbers into the global ones that the exception reports.
    /// </summary>
    internal static void FactorUnblocked(Span<double> a, int lda, int n, int pivotOffset)
    {
        for (var i = 0; i < n; i++)
        {
            var row = a.Slice(i * lda, i + 1);
            for (var j = 0; j < i; j++)
                row[j] = (row[j] - TensorPrimitives.Dot(row[..j], a.Slice(j * lda, j))) / a[j * lda + j];
            var pivot = row[i] - TensorPrimitives.Dot(row[..i], row[..i]);
            if (!(pivot > 0))
                throw new MatrixNotPositiveDefiniteException(pivotOffset + i, pivot);
            if (double.IsPositiveInfinity(pivot))
                throw new OverflowException($"Cholesky pivot {pivotOffset + i} overflowed; scale the matrix down");
            row[i] = Math.Sqrt(pivot);
        }
    }

    /// <summary>Clears everything above the diagonal so that the buffer is exactly L, whatever the caller left there.</summary>
    internal static void ZeroStrictUpper(Span<double> a, int n)
    {
        for (var i = 0; i < n - 1; i++)
            a.Slice(i * n + i + 1, n - i - 1).Clear();
    }
}
