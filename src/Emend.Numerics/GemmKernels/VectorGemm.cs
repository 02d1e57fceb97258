using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emend.Numerics;

/// <summary>
/// The one-row product c = alpha·x·op(B) + beta·c (decoding one token) over one column range of C, AVX-512 float32.
/// Each B element feeds a single multiply-add, so the product is bound by the speed B streams from memory; the
/// small-M tile would compute its eight rows regardless and spend eight multiply-adds per element. A transposed B
/// (an [out, in] weight) gives one dot product per stored row, four rows at a time; a row-major B is streamed row by
/// row into 128 column accumulators. A 16-bit B is widened a block at a time into a per-thread buffer first.
/// x (row 0 of A) must be contiguous.
/// </summary>
internal static unsafe class VectorGemm
{
    /// <summary>Workers split C by multiples of this many columns.</summary>
    public const int ColumnTile = 64;

    /// <summary>Stored rows of a transposed 16-bit B widened per conversion call.</summary>
    private const int WidenedRows = 16;

    /// <summary>Depth and width of a row-major 16-bit B block widened per conversion call (64 KB of float32).</summary>
    private const int WidenedDepth = 64, WidenedColumns = 256;

    private const int Lanes = 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(in GemmProblem<float> problem, int colStart, int colEnd, SimdWidth width)
    {
        var x = problem.A.At(0, 0);
        var c = problem.C;
        var b = problem.B;
        if (b.Transposed)
        {
            if (b.HalfFormat is not { } format)
            {
                Dots(problem.K, x, b.At(0, colStart), b.LeadingDimension, colEnd - colStart, c + colStart, problem.Alpha, problem.Beta);
                return;
            }
            var widened = GemmWorkspace.Current.Get<float>(GemmBuffer.WidenedRows, (long)WidenedRows * problem.K);
            for (var j = colStart; j < colEnd; j += WidenedRows)
            {
                var rows = Math.Min(WidenedRows, colEnd - j);
                HalfConversion.Widen(format, b.HalfAt(0, j), b.LeadingDimension, widened, problem.K, rows, problem.K, width);
                Dots(problem.K, x, widened, problem.K, rows, c + j, problem.Alpha, problem.Beta);
            }
        }
        else if (b.HalfFormat is not { } format)
        {
            Columns(problem.K, x, b.At(0, colStart), b.LeadingDimension, colEnd - colStart, c + colStart, problem.Alpha, problem.Beta);
        }
        else
        {
            var widened = GemmWorkspace.Current.Get<float>(GemmBuffer.WidenedRows, (long)WidenedDepth * WidenedColumns);
            for (var pc = 0; pc < problem.K; pc += WidenedDepth)
            {
                var kc = Math.Min(WidenedDepth, problem.K - pc);
                var beta = pc == 0 ? problem.Beta : 1f;
                for (var j = colStart; j < colEnd; j += WidenedColumns)
                {
                    var cols = Math.Min(WidenedColumns, colEnd - j);
                    HalfConversion.Widen(format, b.HalfAt(pc, j), b.LeadingDimension, widened, WidenedColumns, kc, cols, width);
                    Columns(kc, x + pc, widened, WidenedColumns, cols, c + j, problem.Alpha, beta);
                }
            }
        }
    }

    /// <summary>c[j] = alpha·(x · row j of b) + beta·c[j] for <paramref name="rows"/> rows of length <paramref name="k"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dots(int k, float* x, float* b, nint ldb, int rows, float* c, float alpha, float beta)
    {
        var j = 0;
        for (; j + 4 <= rows; j += 4)
        {
            float* r0 = b + j * ldb, r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            var p = 0;
            for (; p + Lanes <= k; p += Lanes)
            {
                var xv = Vector512.Load(x + p);
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(r0 + p), xv, s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(r1 + p), xv, s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.Load(r2 + p), xv, s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.Load(r3 + p), xv, s3);
            }
            float d0 = Vector512.Sum(s0), d1 = Vector512.Sum(s1), d2 = Vector512.Sum(s2), d3 = Vector512.Sum(s3);
            for (; p < k; p++)
            {
                d0 = MathF.FusedMultiplyAdd(r0[p], x[p], d0);
                d1 = MathF.FusedMultiplyAdd(r1[p], x[p], d1);
                d2 = MathF.FusedMultiplyAdd(r2[p], x[p], d2);
                d3 = MathF.FusedMultiplyAdd(r3[p], x[p], d3);
            }
            Store(c + j, d0, alpha, beta);
            Store(c + j + 1, d1, alpha, beta);
            Store(c + j + 2, d2, alpha, beta);
            Store(c + j + 3, d3, alpha, beta);
        }
        for (; j < rows; j++)
        {
            var row = b + j * ldb;
            var s = Vector512<float>.Zero;
            var p = 0;
            for (; p + Lanes <= k; p += Lanes) s = Vector512.FusedMultiplyAdd(Vector512.Load(row + p), Vector512.Load(x + p), s);
            var d = Vector512.Sum(s);
            for (; p < k; p++) d = MathF.FusedMultiplyAdd(row[p], x[p], d);
            Store(c + j, d, alpha, beta);
        }
    }

    /// <summary>c[0..cols] = alpha·Σ_p x[p]·b[p, 0..cols] + beta·c, b row-major with stride <paramref name="ldb"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns(int k, float* x, float* b, nint ldb, int cols, float* c, float alpha, float beta)
    {
        const int block = 8 * Lanes;
        var j = 0;
        for (; j + block <= cols; j += block)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            var row = b + j;
            for (var p = 0; p < k; p++, row += ldb)
            {
                var xv = Vector512.Create(x[p]);
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(row), xv, s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(row + Lanes), xv, s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.Load(row + 2 * Lanes), xv, s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.Load(row + 3 * Lanes), xv, s3);
                s4 = Vector512.FusedMultiplyAdd(Vector512.Load(row + 4 * Lanes), xv, s4);
                s5 = Vector512.FusedMultiplyAdd(Vector512.Load(row + 5 * Lanes), xv, s5);
                s6 = Vector512.FusedMultiplyAdd(Vector512.Load(row + 6 * Lanes), xv, s6);
                s7 = Vector512.FusedMultiplyAdd(Vector512.Load(row + 7 * Lanes), xv, s7);
            }
            Store(c + j, s0, alpha, beta);
            Store(c + j + Lanes, s1, alpha, beta);
            Store(c + j + 2 * Lanes, s2, alpha, beta);
            Store(c + j + 3 * Lanes, s3, alpha, beta);
            Store(c + j + 4 * Lanes, s4, alpha, beta);
            Store(c + j + 5 * Lanes, s5, alpha, beta);
            Store(c + j + 6 * Lanes, s6, alpha, beta);
            Store(c + j + 7 * Lanes, s7, alpha, beta);
        }
        for (; j + Lanes <= cols; j += Lanes)
        {
            var s = Vector512<float>.Zero;
            var row = b + j;
            for (var p = 0; p < k; p++, row += ldb) s = Vector512.FusedMultiplyAdd(Vector512.Load(row), Vector512.Create(x[p]), s);
            Store(c + j, s, alpha, beta);
        }
        for (; j < cols; j++)
        {
            var d = 0f;
            var element = b + j;
            for (var p = 0; p < k; p++, element += ldb) d = MathF.FusedMultiplyAdd(*element, x[p], d);
            Store(c + j, d, alpha, beta);
        }
    }

    /// <summary>BLAS semantics: beta = 0 overwrites (an old NaN in C does not survive).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> sum, float alpha, float beta)
    {
        var value = sum * Vector512.Create(alpha);
        if (beta != 0) value = Vector512.FusedMultiplyAdd(Vector512.Load(c), Vector512.Create(beta), value);
        value.Store(c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, float sum, float alpha, float beta) =>
        *c = beta == 0 ? alpha * sum : MathF.FusedMultiplyAdd(*c, beta, alpha * sum);
}
