using System.Runtime.CompilerServices;

namespace Emend.Numerics;

/// <summary>
/// Drives <see cref="SmallMKernels"/> over one column range of C for M ≤ <see cref="MaxRows"/>. With few rows each
/// B element feeds only 2·M flops, so the packed path's full pass over B would cost about as much as the product.
/// Row-major float32 B is therefore read in place; a transposed B ([out, in] weight) or 16-bit B is packed one
/// 48-column strip at a time (16 × 16 register transposes, widening) into a per-thread buffer that every row tile
/// then reuses, as is a last strip narrower than the tile (zero-padded). A must be row-major (not transposed).
/// </summary>
internal static unsafe class SmallMGemm
{
    public const int MaxRows = 64;

    /// <summary>Workers split C by whole strips.</summary>
    public const int ColumnTile = SmallMKernels.RowTileColumns;

    /// <summary>Depth block: a 512 × 48 strip of B (96 KB) stays in L2 for all row tiles.</summary>
    private const int RowDepth = 512;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(in GemmProblem<float> problem, int colStart, int colEnd, SimdWidth width)
    {
        const int tileRows = SmallMKernels.RowTileRows, tileColumns = SmallMKernels.RowTileColumns;
        var workspace = GemmWorkspace.Current;
        var strip = workspace.Get<float>(GemmBuffer.PackedB, (long)RowDepth * tileColumns);
        var tile = workspace.Get<float>(GemmBuffer.EdgeTile, tileRows * tileColumns);
        var widened = problem.B.HalfFormat is null ? null : workspace.Get<float>(GemmBuffer.WidenedRows, (long)tileColumns * RowDepth);
        var lda = problem.A.LeadingDimension;
        for (var pc = 0; pc < problem.K; pc += RowDepth)
        {
            var kc = Math.Min(RowDepth, problem.K - pc);
            var beta = pc == 0 ? problem.Beta : 1f;
            for (var j = colStart; j < colEnd; j += tileColumns)
            {
                var cols = Math.Min(tileColumns, colEnd - j);
                float* b;
                nint ldb;
                if (problem.B.HalfFormat is not null || problem.B.Transposed || cols < tileColumns)
                {
                    GemmPacking<float>.PackB(strip, problem.B, pc, j, kc, cols, tileColumns, width, widened);
                    b = strip;
                    ldb = tileColumns;
                }
                else
                {
                    b = problem.B.At(pc, j);
                    ldb = problem.B.LeadingDimension;
                }
                for (var i = 0; i < problem.M; i += tileRows)
                {
                    var rows = Math.Min(tileRows, problem.M - i);
                    var a = problem.A.At(i, pc);
                    var c = problem.C + i * problem.Ldc + j;
                    if (cols == tileColumns)
                    {
                        SmallMKernels.RowTile(kc, a, lda, rows, b, ldb, c, problem.Ldc, problem.Alpha, beta);
                    }
                    else
                    {
                        SmallMKernels.RowTile(kc, a, lda, rows, b, ldb, tile, tileColumns, 1f, 0f);
                        GemmEdge.Merge(tile, tileColumns, c, problem.Ldc, rows, cols, problem.Alpha, beta);
                    }
                }
            }
        }
    }
}
