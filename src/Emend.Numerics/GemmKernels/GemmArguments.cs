namespace Emend.Numerics;

/// <summary>BLAS-style argument checks, done once at the public entry so that no kernel can read out of bounds.</summary>
internal static class GemmArguments
{
    public static void CheckSizes(int m, int n, int k)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"GEMM sizes must be non-negative, got m={m}, n={n}, k={k}");
    }

    /// <summary>
    /// op(X) is <paramref name="rows"/> × <paramref name="cols"/>; stored row-major it is cols × rows when
    /// transposed. The leading dimension must cover a stored row and the span the last element.
    /// </summary>
    public static void CheckMatrix(string name, Transpose transpose, int rows, int cols, long length, int leadingDimension)
    {
        var (storedRows, storedCols) = transpose == Transpose.None ? (rows, cols) : (cols, rows);
        if (leadingDimension < Math.Max(1, storedCols))
            throw new ArgumentOutOfRangeException(name, leadingDimension,
                $"leading dimension of {name} is {leadingDimension} but {name} is stored as {storedRows}×{storedCols} (transpose {transpose}): it must be at least {Math.Max(1, storedCols)}");
        if (storedRows == 0 || storedCols == 0) return;
        var needed = (long)(storedRows - 1) * leadingDimension + storedCols;
        if (length < needed)
            throw new ArgumentException(
                $"{name} holds {length} elements but a {storedRows}×{storedCols} matrix with leading dimension {leadingDimension} needs {needed}", name);
    }

    /// <summary>A <see cref="MatrixView"/> B must have exactly the stored shape of op(B) = k × n.</summary>
    public static void CheckView(MatrixView b, Transpose transpose, int k, int n)
    {
        var (rows, cols) = transpose == Transpose.None ? (k, n) : (n, k);
        if (b.Rows != rows || b.Cols != cols)
            throw new ArgumentException(
                $"B is a {b.Rows}×{b.Cols} {b.Type} matrix but op(B) must be {k}×{n}, so B must be stored as {rows}×{cols} with transpose {transpose}", nameof(b));
        if (!Enum.IsDefined(b.Type))
            throw new ArgumentException($"unknown element type {b.Type}", nameof(b));
    }
}
