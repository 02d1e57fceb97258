namespace Emend.Numerics;

/// <summary>
/// Splits C into a grid of RowParts × ColumnParts rectangles, one per worker, cut on tile boundaries. Each worker
/// packs the whole of A for its rows and the whole of B for its columns, so the grid that minimises
/// M·ColumnParts + N·RowParts (the elements packed, up to K) wins: wide outputs split by columns, tall by rows.
/// Workers then run independently with no barrier until the join.
/// </summary>
internal readonly record struct GemmPartition(int M, int N, int RowTile, int ColumnTile, int RowParts, int ColumnParts)
{
    public int Workers => RowParts * ColumnParts;

    public static GemmPartition Create(int m, int n, int rowTile, int columnTile, int threads)
    {
        var rowTiles = (m + rowTile - 1) / rowTile;
        var columnTiles = (n + columnTile - 1) / columnTile;
        var best = new GemmPartition(m, n, rowTile, columnTile, 1, 1);
        var bestCost = long.MaxValue;
        for (var workers = Math.Min(threads, rowTiles * columnTiles); workers >= 1 && bestCost == long.MaxValue; workers--)
            for (var columnParts = 1; columnParts <= workers; columnParts++)
            {
                if (workers % columnParts != 0) continue;
                var rowParts = workers / columnParts;
                if (rowParts > rowTiles || columnParts > columnTiles) continue;
                var cost = (long)m * columnParts + (long)n * rowParts;
                if (cost < bestCost || (cost == bestCost && columnParts > best.ColumnParts))
                {
                    best = new GemmPartition(m, n, rowTile, columnTile, rowParts, columnParts);
                    bestCost = cost;
                }
            }
        return best;
    }

    public (int Start, int End) Rows(int worker) => Slice(worker / ColumnParts, RowParts, M, RowTile);

    public (int Start, int End) Columns(int worker) => Slice(worker % ColumnParts, ColumnParts, N, ColumnTile);

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/>: whole tiles, shared out as evenly as possible.</summary>
    private static (int Start, int End) Slice(int part, int parts, int length, int tile)
    {
        var tiles = (length + tile - 1) / tile;
        var start = (int)((long)tiles * part / parts) * tile;
        var end = (int)((long)tiles * (part + 1) / parts) * tile;
        return (Math.Min(start, length), Math.Min(end, length));
    }
}
