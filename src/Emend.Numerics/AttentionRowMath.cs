using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emend.Numerics;

/// <summary>
/// The vector loops under attention. Head dimensions are small (16–128), so a general GEMM spends more on packing and
/// dispatch than on arithmetic here; these loops read strided key/value rows in place and keep enough independent
/// accumulators in registers to hide FMA latency. Every result depends only on its own inputs and the row count, so
/// the same query row gives the same bits in a full-sequence call and in a decode step.
/// </summary>
internal static unsafe class AttentionRowMath
{
    /// <summary>Scratch up to this many floats lives on the stack; larger scratch is rented.</summary>
    public const int StackScratchLimit = 8192;

    /// <summary>Rows re-read by at least this many queries are worth packing into contiguous scratch first.</summary>
    public const int PackMinimumReuse = 8;

    private static int Width => Vector<float>.Count;

    /// <summary>dst[j] = scale · (x · row j) for j &lt; count, where row j starts at rows + j·stride and has n elements.</summary>
    public static void DotRows(float* x, float* rows, int stride, int count, int n, float scale, float* dst)
    {
        var j = 0;
        if (Fma.IsSupported && count >= 8)
        {
            // Blocks of 8 rows; a ragged end is covered by one block overlapping the previous one, which rewrites the
            // overlapped scores with identical values.
            for (; ; j += 8)
            {
                var start = Math.Min(j, count - 8);
                (DotEight(x, rows + (nint)start * stride, stride, n) * scale).Store(dst + start);
                if (start + 8 == count) return;
            }
        }
        for (; j < count; j++)
            dst[j] = Dot(x, rows + (nint)j * stride, n) * scale;
    }

    /// <summary>
    /// dst (+)= Σ_{j &lt; count} weights[j·weightStride] · row j (n elements each, rows rowStride apart). A weight stride
    /// of the score-row length walks a column of a row-major score matrix.
    /// </summary>
    public static void WeightedRowSum(float* weights, int weightStride, float* rows, int rowStride, int count, int n,
        float* dst, bool accumulate)
    {
        var d = 0;
        for (; d + 8 * Width <= n; d += 8 * Width)
        {
            Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector<float> a4 = default, a5 = default, a6 = default, a7 = default;
            var row = rows + d;
            var w = weights;
            for (var j = 0; j < count; j++, row += rowStride, w += weightStride)
            {
                var wv = new Vector<float>(*w);
                a0 = Vector.FusedMultiplyAdd(wv, Vector.Load(row), a0);
                a1 = Vector.FusedMultiplyAdd(wv, Vector.Load(row + Width), a1);
                a2 = Vector.FusedMultiplyAdd(wv, Vector.Load(row + 2 * Width), a2);
                a3 = Vector.FusedMultiplyAdd(wv, Vector.Load(row + 3 * Width), a3);
                a4 = Vector.FusedMultiplyAdd(wv, Vector.Load(row + 4 * Width), a4);
                a5 = Vector.FusedMultiplyAdd(wv, Vector.Load(row + 5 * Width), a5);
                a6 = Vector.FusedMultiplyAdd(wv, Vector.Load(row + 6 * Width), a6);
                a7 = Vector.FusedMultiplyAdd(wv, Vector.Load(row + 7 * Width), a7);
            }
            var o = dst + d;
            StoreOrAdd(a0, o, accumulate);
            StoreOrAdd(a1, o + Width, accumulate);
            StoreOrAdd(a2, o + 2 * Width, accumulate);
            StoreOrAdd(a3, o + 3 * Width, accumulate);
            StoreOrAdd(a4, o + 4 * Width, accumulate);
            StoreOrAdd(a5, o + 5 * Width, accumulate);
            StoreOrAdd(a6, o + 6 * Width, accumulate);
            StoreOrAdd(a7, o + 7 * Width, accumulate);
        }
        for (; d + Width <= n; d += Width)
        {
            Vector<float> even = default, odd = default;
            var row = rows + d;
            var w = weights;
            var j = 0;
            for (; j + 2 <= count; j += 2, row += 2 * rowStride, w += 2 * weightStride)
            {
                even = Vector.FusedMultiplyAdd(new Vector<float>(*w), Vector.Load(row), even);
                odd = Vector.FusedMultiplyAdd(new Vector<float>(w[weightStride]), Vector.Load(row + rowStride), odd);
            }
            if (j < count)
                even = Vector.FusedMultiplyAdd(new Vector<float>(*w), Vector.Load(row), even);
            StoreOrAdd(even + odd, dst + d, accumulate);
        }
        for (; d < n; d++)
        {
            var sum = 0f;
            for (var j = 0; j < count; j++)
                sum += weights[(nint)j * weightStride] * rows[(nint)j * rowStride + d];
            dst[d] = accumulate ? dst[d] + sum : sum;
        }
    }

    /// <summary>
    /// Softmax of row[0..n) in place (max subtracted first). Returns false, leaving zeros, when every entry is −∞,
    /// i.e. the query sees no key. Short rows are the norm here, so the reductions are inline loops rather than
    /// library calls whose fixed cost would dominate; only the exponential is delegated.
    /// </summary>
    public static bool SoftmaxInPlace(float* row, int n)
    {
        var d = 0;
        var max = float.NegativeInfinity;
        if (n >= Width)
        {
            var vmax = Vector.Load(row);
            for (d = Width; d + Width <= n; d += Width)
                vmax = Vector.Max(vmax, Vector.Load(row + d));
            for (var lane = 0; lane < Width; lane++)
                max = Math.Max(max, vmax[lane]);
        }
        for (; d < n; d++)
            max = Math.Max(max, row[d]);
        var span = new Span<float>(row, n);
        if (float.IsNegativeInfinity(max))
        {
            span.Clear();
            return false;
        }

        var shift = new Vector<float>(max);
        for (d = 0; d + Width <= n; d += Width)
            (Vector.Load(row + d) - shift).Store(row + d);
        for (; d < n; d++)
            row[d] -= max;
        TensorPrimitives.Exp(span, span);

        Vector<float> vsum = default;
        for (d = 0; d + Width <= n; d += Width)
            vsum += Vector.Load(row + d);
        var sum = Vector.Sum(vsum);
        for (; d < n; d++)
            sum += row[d];
        var inverseSum = 1f / sum;
        var vinverseSum = new Vector<float>(inverseSum);
        for (d = 0; d + Width <= n; d += Width)
            (Vector.Load(row + d) * vinverseSum).Store(row + d);
        for (; d < n; d++)
            row[d] *= inverseSum;
        return true;
    }

    /// <summary>
    /// The softmax backward of one row in place: dRow[j] ← scale·p[j]·(dRow[j] − Σ_l p[l]·dRow[l]), turning dLoss/dProbability
    /// into dLoss/dScore (with the score scale folded in).
    /// </summary>
    public static void SoftmaxBackwardInPlace(float* dRow, float* p, int n, float scale)
    {
        var dot = Dot(p, dRow, n);
        var vexpected = new Vector<float>(dot);
        var vscale = new Vector<float>(scale);
        var d = 0;
        for (; d + Width <= n; d += Width)
            ((Vector.Load(dRow + d) - vexpected) * Vector.Load(p + d) * vscale).Store(dRow + d);
        for (; d < n; d++)
            dRow[d] = (dRow[d] - dot) * p[d] * scale;
    }

    /// <summary>Copies <paramref name="count"/> rows of n floats, <paramref name="stride"/> apart, to contiguous dst; returns dst.</summary>
    public static float* PackRows(float* rows, int stride, int count, int n, float* dst)
    {
        for (var j = 0; j < count; j++)
            new ReadOnlySpan<float>(rows + (nint)j * stride, n).CopyTo(new Span<float>(dst + (nint)j * n, n));
        return dst;
    }

    private static void StoreOrAdd(Vector<float> value, float* dst, bool accumulate) =>
        (accumulate ? value + Vector.Load(dst) : value).Store(dst);

    /// <summary>The dot products of x with 8 rows, reduced together by a horizontal-add tree instead of 8 separate sums.</summary>
    private static Vector256<float> DotEight(float* x, float* r0, int stride, int n)
    {
        var r1 = r0 + stride;
        var r2 = r1 + stride;
        var r3 = r2 + stride;
        var r4 = r3 + stride;
        var r5 = r4 + stride;
        var r6 = r5 + stride;
        var r7 = r6 + stride;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<float> a4 = default, a5 = default, a6 = default, a7 = default;
        var d = 0;
        for (; d + 8 <= n; d += 8)
        {
            var xv = Vector256.Load(x + d);
            a0 = Fma.MultiplyAdd(xv, Vector256.Load(r0 + d), a0);
            a1 = Fma.MultiplyAdd(xv, Vector256.Load(r1 + d), a1);
            a2 = Fma.MultiplyAdd(xv, Vector256.Load(r2 + d), a2);
            a3 = Fma.MultiplyAdd(xv, Vector256.Load(r3 + d), a3);
            a4 = Fma.MultiplyAdd(xv, Vector256.Load(r4 + d), a4);
            a5 = Fma.MultiplyAdd(xv, Vector256.Load(r5 + d), a5);
            a6 = Fma.MultiplyAdd(xv, Vector256.Load(r6 + d), a6);
            a7 = Fma.MultiplyAdd(xv, Vector256.Load(r7 + d), a7);
        }
        // hadd(a, b) = [a0+a1, a2+a3, b0+b1, b2+b3 | same for the high 128 bits]; two rounds leave each row's partial
        // sums of its low and high halves in the two 128-bit lanes, and one cross-lane add finishes them.
        var first = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
        var second = Avx.HorizontalAdd(Avx.HorizontalAdd(a4, a5), Avx.HorizontalAdd(a6, a7));
        var sums = Avx.Permute2x128(first, second, 0x20) + Avx.Permute2x128(first, second, 0x31);
        if (d == n) return sums;
        Span<float> tail = stackalloc float[8];
        for (; d < n; d++)
        {
            var xd = x[d];
            tail[0] += xd * r0[d];
            tail[1] += xd * r1[d];
            tail[2] += xd * r2[d];
            tail[3] += xd * r3[d];
            tail[4] += xd * r4[d];
            tail[5] += xd * r5[d];
            tail[6] += xd * r6[d];
            tail[7] += xd * r7[d];
        }
        return sums + Vector256.Create<float>(tail);
    }

    private static float Dot(float* x, float* y, int n)
    {
        Vector<float> acc = default;
        var d = 0;
        for (; d + Width <= n; d += Width)
            acc = Vector.FusedMultiplyAdd(Vector.Load(x + d), Vector.Load(y + d), acc);
        var sum = Vector.Sum(acc);
        for (; d < n; d++)
            sum += x[d] * y[d];
        return sum;
    }
}
