using System.Numerics;

namespace Emend.Numerics;

/// <summary>
/// The vector loops under attention. Head dimensions are small (16–128), so a general GEMM spends more on packing and
/// dispatch than on arithmetic here; these loops read strided key/value rows in place and keep enough independent
/// accumulators in registers to hide FMA latency.
/// </summary>
internal static unsafe class AttentionRowMath
{
    private static int Width => Vector<float>.Count;

    /// <summary>dst[j] = scale · (x · row j) for j &lt; count, where row j starts at rows + j·stride and has n elements.</summary>
    public static void DotRows(float* x, float* rows, int stride, int count, int n, float scale, float* dst)
    {
        var j = 0;
        for (; j + 4 <= count; j += 4)
        {
            var r0 = rows + (nint)j * stride;
            var r1 = r0 + stride;
            var r2 = r1 + stride;
            var r3 = r2 + stride;
            Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
            var d = 0;
            for (; d + Width <= n; d += Width)
            {
                var xv = Vector.Load(x + d);
                a0 = Vector.FusedMultiplyAdd(xv, Vector.Load(r0 + d), a0);
                a1 = Vector.FusedMultiplyAdd(xv, Vector.Load(r1 + d), a1);
                a2 = Vector.FusedMultiplyAdd(xv, Vector.Load(r2 + d), a2);
                a3 = Vector.FusedMultiplyAdd(xv, Vector.Load(r3 + d), a3);
            }
            float s0 = Vector.Sum(a0), s1 = Vector.Sum(a1), s2 = Vector.Sum(a2), s3 = Vector.Sum(a3);
            for (; d < n; d++)
            {
                s0 += x[d] * r0[d];
                s1 += x[d] * r1[d];
                s2 += x[d] * r2[d];
                s3 += x[d] * r3[d];
            }
            dst[j] = s0 * scale;
            dst[j + 1] = s1 * scale;
            dst[j + 2] = s2 * scale;
            dst[j + 3] = s3 * scale;
        }
        for (; j < count; j++)
            dst[j] = Dot(x, rows + (nint)j * stride, n) * scale;
    }

    /// <summary>dst = Σ_j weights[j] · row j over j &lt; count (overwrites dst, n elements).</summary>
    public static void WeightedRowSum(float* weights, float* rows, int stride, int count, int n, float* dst)
    {
        var d = 0;
        for (; d + 8 * Width <= n; d += 8 * Width)
        {
            Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector<float> a4 = default, a5 = default, a6 = default, a7 = default;
            var row = rows + d;
            for (var j = 0; j < count; j++, row += stride)
            {
                var w = new Vector<float>(weights[j]);
                a0 = Vector.FusedMultiplyAdd(w, Vector.Load(row), a0);
                a1 = Vector.FusedMultiplyAdd(w, Vector.Load(row + Width), a1);
                a2 = Vector.FusedMultiplyAdd(w, Vector.Load(row + 2 * Width), a2);
                a3 = Vector.FusedMultiplyAdd(w, Vector.Load(row + 3 * Width), a3);
                a4 = Vector.FusedMultiplyAdd(w, Vector.Load(row + 4 * Width), a4);
                a5 = Vector.FusedMultiplyAdd(w, Vector.Load(row + 5 * Width), a5);
                a6 = Vector.FusedMultiplyAdd(w, Vector.Load(row + 6 * Width), a6);
                a7 = Vector.FusedMultiplyAdd(w, Vector.Load(row + 7 * Width), a7);
            }
            var o = dst + d;
            a0.Store(o);
            a1.Store(o + Width);
            a2.Store(o + 2 * Width);
            a3.Store(o + 3 * Width);
            a4.Store(o + 4 * Width);
            a5.Store(o + 5 * Width);
            a6.Store(o + 6 * Width);
            a7.Store(o + 7 * Width);
        }
        for (; d + Width <= n; d += Width)
        {
            Vector<float> even = default, odd = default;
            var row = rows + d;
            var j = 0;
            for (; j + 2 <= count; j += 2, row += 2 * stride)
            {
                even = Vector.FusedMultiplyAdd(new Vector<float>(weights[j]), Vector.Load(row), even);
                odd = Vector.FusedMultiplyAdd(new Vector<float>(weights[j + 1]), Vector.Load(row + stride), odd);
            }
            if (j < count)
                even = Vector.FusedMultiplyAdd(new Vector<float>(weights[j]), Vector.Load(row), even);
            (even + odd).Store(dst + d);
        }
        for (; d < n; d++)
        {
            var sum = 0f;
            for (var j = 0; j < count; j++)
                sum += weights[j] * rows[(nint)j * stride + d];
            dst[d] = sum;
        }
    }

    /// <summary>dst += alpha · x over n elements.</summary>
    public static void AddScaled(float* dst, float* x, float alpha, int n)
    {
        var a = new Vector<float>(alpha);
        var d = 0;
        for (; d + Width <= n; d += Width)
            Vector.FusedMultiplyAdd(a, Vector.Load(x + d), Vector.Load(dst + d)).Store(dst + d);
        for (; d < n; d++)
            dst[d] += alpha * x[d];
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
