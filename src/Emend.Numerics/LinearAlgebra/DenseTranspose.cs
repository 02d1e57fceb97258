namespace Emend.Numerics.LinearAlgebra;

/// <summary>Out-of-place transposition in square tiles, so that both the reads and the writes stay within cache lines.</summary>
internal static class DenseTranspose
{
    private const int Tile = 32;

    /// <summary>Writes the transpose of the row-major rows × columns <paramref name="source"/> into <paramref name="destination"/> (columns × rows).</summary>
    public static void Transpose(ReadOnlySpan<double> source, int rows, int columns, Span<double> destination)
    {
        for (var i0 = 0; i0 < rows; i0 += Tile)
        {
            var i1 = Math.Min(i0 + Tile, rows);
            for (var j0 = 0; j0 < columns; j0 += Tile)
            {
                var j1 = Math.Min(j0 + Tile, columns);
                for (var i = i0; i < i1; i++)
                    for (var j = j0; j < j1; j++)
                        destination[j * rows + i] = source[i * columns + j];
            }
        }
    }

    /// <summary>Copies the lower triangle of a row-major square matrix into the upper one, making it explicitly symmetric.</summary>
    public static void MirrorLowerToUpper(Span<double> a, int n)
    {
        for (var i0 = 0; i0 < n; i0 += Tile)
            for (var j0 = i0; j0 < n; j0 += Tile)
            {
                var i1 = Math.Min(i0 + Tile, n);
                var j1 = Math.Min(j0 + Tile, n);
                for (var i = i0; i < i1; i++)
                    for (var j = Math.Max(j0, i + 1); j < j1; j++)
                        a[i * n + j] = a[j * n + i];
            }
    }
}
