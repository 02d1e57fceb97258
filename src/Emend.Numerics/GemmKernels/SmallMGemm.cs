using System.Runtime.CompilerServices;

namespace Emend.Numerics;

/// <summary>
/// Drives <see cref="SmallMKernels"/> over one column range of C for M ≤ <see cref="MaxRows"/>. A must be
/// row-major (not transposed); B is read in place except where it is 16-bit (widened a strip at a time into a
/// per-thread buffer) or where a strip is narrower than the tile (copied and zero-padded).
/// </summary>
internal static unsafe class SmallMGemm
{
    public const int MaxRows = 64;

    /// <summary>Depth block of the row form: a 512 × 48 strip of B (96 KB) stays in L2 for all row tiles.</summary>
    private const int RowDepth = 512;

    /// <summary>Depth block of the dot form: six 1024-long rows of Bᵀ (24 KB) stay in L1 for all row tiles.</summary>
    private const int DotDepth = 1024;

    public static int ColumnTile(in GemmOperand<float> b) => b.Transposed ? SmallMKernels.DotTileColumns : SmallMKernels.RowTileColumns;

    public static void Multiply(in GemmProblem<float> problem, int colStart, int colEnd, SimdWidth width)
    {
        if (problem.B.Transposed)
            DotForm(problem, colStart, colEnd, width);
        else
            RowForm(problem, colStart, colEnd, width);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowForm(in GemmProblem<float> problem, int colStart, int colEnd, SimdWidth width)
    {
        const int tileRows = SmallMKernels.RowTileRows, tileColumns = SmallMKernels.RowTileColumns;
        var workspace = GemmWorkspace.Current;
        var strip = workspace.Get<float>(GemmBuffer.PackedB, (long)RowDepth * tileColumns);
        var tile = workspace.Get<float>(GemmBuffer.EdgeTile, tileRows * tileColumns);
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
                if (problem.B.HalfFormat is not null || cols < tileColumns)
                {
                    GemmPacking<float>.PackB(strip, problem.B, pc, j, kc, cols, tileColumns, width, null);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotForm(in GemmProblem<float> problem, int colStart, int colEnd, SimdWidth width)
    {
        const int tileRows = SmallMKernels.DotTileRows, tileColumns = SmallMKernels.DotTileColumns;
        var widened = problem.B.HalfFormat is null ? null : GemmWorkspace.Current.Get<float>(GemmBuffer.WidenedRows, (long)tileColumns * DotDepth);
        var lda = problem.A.LeadingDimension;
        for (var pc = 0; pc < problem.K; pc += DotDepth)
        {
            var kc = Math.Min(DotDepth, problem.K - pc);
            var beta = pc == 0 ? problem.Beta : 1f;
            for (var j = colStart; j < colEnd; j += tileColumns)
            {
                var cols = Math.Min(tileColumns, colEnd - j);
                float* w;
                nint ldw;
                if (problem.B.HalfFormat is { } format)
                {
                    for (var col = 0; col < cols; col++)
                        HalfConversion.Widen(format, problem.B.HalfAt(pc, j + col), widened + (nint)col * kc, kc, width);
                    w = widened;
                    ldw = kc;
                }
                else
                {
                    w = problem.B.At(pc, j);
                    ldw = problem.B.LeadingDimension;
                }
                for (var i = 0; i < problem.M; i += tileRows)
                    SmallMKernels.DotTile(kc, problem.A.At(i, pc), lda, Math.Min(tileRows, problem.M - i), w, ldw, cols,
                        problem.C + i * problem.Ldc + j, problem.Ldc, problem.Alpha, beta);
            }
        }
    }
}
