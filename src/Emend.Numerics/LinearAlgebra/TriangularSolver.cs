using System.Buffers;
using System.Numerics.Tensors;

namespace Emend.Numerics.LinearAlgebra;

/// <summary>
/// Triangular solves with a lower-triangular, row-major factor L and many right-hand sides (TRSM). Each solve splits
/// the triangle in two and recurses, so all but a thin band of the work is one GEMM per split: the substitution
/// proper only ever runs on triangles of order ≤ <see cref="BaseOrder"/>, where it is cheap.
/// Spans start at element (0, 0) of the operand they name; only the lower triangle of L is read.
/// </summary>
internal static class TriangularSolver
{
    /// <summary>Order at and below which the solves substitute directly instead of splitting.</summary>
    internal const int BaseOrder = 16;

    /// <summary>Solves L·X = B in place (B is n × count with leading dimension ldb).</summary>
    public static void SolveLower(ReadOnlySpan<double> l, int ldl, int n, Span<double> b, int ldb, int count)
    {
        if (n <= BaseOrder)
        {
            ForwardSubstitute(l, ldl, n, b, ldb, count);
            return;
        }
        var h = Split(n);
        SolveLower(l, ldl, h, b, ldb, count);
        Gemm.Dgemm(Transpose.None, Transpose.None, n - h, count, h, -1.0, l[(h * ldl)..], ldl, b, ldb, 1.0, b[(h * ldb)..], ldb);
        SolveLower(l[(h * ldl + h)..], ldl, n - h, b[(h * ldb)..], ldb, count);
    }

    /// <summary>Solves Lᵀ·X = B in place (B is n × count with leading dimension ldb).</summary>
    public static void SolveLowerTransposed(ReadOnlySpan<double> l, int ldl, int n, Span<double> b, int ldb, int count)
    {
        if (n <= BaseOrder)
        {
            BackSubstitute(l, ldl, n, b, ldb, count);
            return;
        }
        var h = Split(n);
        SolveLowerTransposed(l[(h * ldl + h)..], ldl, n - h, b[(h * ldb)..], ldb, count);
        Gemm.Dgemm(Transpose.Transposed, Transpose.None, h, count, n - h, -1.0, l[(h * ldl)..], ldl, b[(h * ldb)..], ldb, 1.0, b, ldb);
        SolveLowerTransposed(l, ldl, h, b, ldb, count);
    }

    /// <summary>Solves X·Lᵀ = B in place (B is rows × n with leading dimension ldb): the panel step of a Cholesky factorization.</summary>
    public static void SolveRightLowerTransposed(ReadOnlySpan<double> l, int ldl, int n, Span<double> b, int ldb, int rows)
    {
        if (n <= BaseOrder)
        {
            SubstituteRows(l, ldl, n, b, ldb, rows);
            return;
        }
        var h = Split(n);
        SolveRightLowerTransposed(l, ldl, h, b, ldb, rows);
        Gemm.Dgemm(Transpose.None, Transpose.Transposed, rows, n - h, h, -1.0, b, ldb, l[(h * ldl)..], ldl, 1.0, b[h..], ldb);
        SolveRightLowerTransposed(l[(h * ldl + h)..], ldl, n - h, b[h..], ldb, rows);
    }

    /// <summary>Splits near the middle on a multiple of 8 so that GEMM operands start on aligned columns.</summary>
    private static int Split(int n) => Math.Min(n - 1, Math.Max(8, (n / 2 + 7) / 8 * 8));

    private static void ForwardSubstitute(ReadOnlySpan<double> l, int ldl, int n, Span<double> b, int ldb, int count)
    {
        for (var r = 0; r < n; r++)
        {
            var row = b.Slice(r * ldb, count);
            for (var p = 0; p < r; p++)
                TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, count), -l[r * ldl + p], row, row);
            TensorPrimitives.Divide(row, l[r * ldl + r], row);
        }
    }

    private static void BackSubstitute(ReadOnlySpan<double> l, int ldl, int n, Span<double> b, int ldb, int count)
    {
        for (var r = n - 1; r >= 0; r--)
        {
            var row = b.Slice(r * ldb, count);
            TensorPrimitives.Divide(row, l[r * ldl + r], row);
            for (var p = 0; p < r; p++)
            {
                var target = b.Slice(p * ldb, count);
                TensorPrimitives.MultiplyAdd(row, -l[r * ldl + p], target, target);
            }
        }
    }

    /// <summary>
    /// X·Lᵀ = B for a thin slab: the slab is transposed so that each substitution step is one vectorized axpy over
    /// all rows instead of a short dot product per row.
    /// </summary>
    private static void SubstituteRows(ReadOnlySpan<double> l, int ldl, int n, Span<double> b, int ldb, int rows)
    {
        var columns = ArrayPool<double>.Shared.Rent(n * rows);
        try
        {
            for (var i = 0; i < rows; i++)
                for (var c = 0; c < n; c++)
                    columns[c * rows + i] = b[i * ldb + c];
            for (var c = 0; c < n; c++)
            {
                var x = columns.AsSpan(c * rows, rows);
                for (var p = 0; p < c; p++)
                    TensorPrimitives.MultiplyAdd(columns.AsSpan(p * rows, rows), -l[c * ldl + p], x, x);
                TensorPrimitives.Divide(x, l[c * ldl + c], x);
            }
            for (var i = 0; i < rows; i++)
                for (var c = 0; c < n; c++)
                    b[i * ldb + c] = columns[c * rows + i];
        }
        finally
        {
            ArrayPool<double>.Shared.Return(columns);
        }
    }
}
