using System.Numerics.Tensors;

namespace Emend.Numerics.LinearAlgebra;

/// <summary>
/// Cuppen's divide and conquer for the symmetric tridiagonal eigenproblem, with deflation and the Gu–Eisenstat
/// eigenvector formula. Tearing T at its middle off-diagonal β gives two halves plus the rank-one term
/// |β|·u·uᵀ; once the halves are diagonalized, the merge is the eigenproblem of D + ρ·z·zᵀ (a secular equation per
/// eigenvalue, O(n²)) followed by one product of the halves' eigenvectors with the merge's eigenvectors — a GEMM.
/// Deflation (negligible zᵢ, or nearly equal dᵢ rotated together) removes columns from that product, which is
/// why clustered spectra such as covariances are cheap. Leaves of order ≤ <see cref="LeafOrder"/> use QL.
/// </summary>
internal static class TridiagonalDivideAndConquer
{
    internal const int LeafOrder = 32;

    private static readonly double InverseSqrt2 = 1 / Math.Sqrt(2);

    /// <summary>Which rows of a column of the halves' eigenvector matrix can be nonzero during a merge.</summary>
    private enum Support : byte
    {
        Top,
        Both,
        Bottom,
    }

    /// <summary>
    /// Eigenvalues (ascending, into <paramref name="d"/>) and eigenvectors (columns of the row-major n × n
    /// <paramref name="z"/>, overwritten) of the tridiagonal matrix with diagonal d and off-diagonal e (e[i] couples
    /// i and i+1; <paramref name="e"/> is overwritten).
    /// </summary>
    public static void Solve(double[] d, double[] e, double[] z, int n, CancellationToken cancellationToken)
    {
        Array.Clear(z, 0, n * n);
        double scale = 0;
        for (var i = 0; i < n; i++)
            scale = Math.Max(scale, Math.Abs(d[i]));
        for (var i = 0; i < n - 1; i++)
            scale = Math.Max(scale, Math.Abs(e[i]));
        if (scale == 0)
        {
            for (var i = 0; i < n; i++)
                z[i * n + i] = 1;
            return;
        }
        // A power of two, so that scaling is exact and the problem lies near 1 whatever the units of the input.
        var factor = Math.ScaleB(1.0, -Math.ILogB(scale));
        TensorPrimitives.Multiply(d.AsSpan(0, n), factor, d.AsSpan(0, n));
        TensorPrimitives.Multiply(e.AsSpan(0, n - 1), factor, e.AsSpan(0, n - 1));

        var start = 0;
        var blocks = 0;
        for (var i = 0; i < n; i++)
        {
            if (i < n - 1 && Math.Abs(e[i]) > TridiagonalQl.UnitRoundoff * Math.Sqrt(Math.Abs(d[i])) * Math.Sqrt(Math.Abs(d[i + 1])))
                continue;
            SolveBlock(d, e, z, n, start, i + 1 - start, cancellationToken);
            start = i + 1;
            blocks++;
        }
        TensorPrimitives.Divide(d.AsSpan(0, n), factor, d.AsSpan(0, n));
        if (blocks > 1)
            SortColumns(d, z, n, 0, n, d[..n]);
    }

    private static void SolveBlock(double[] d, double[] e, double[] z, int n, int low, int size, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (size == 1)
        {
            z[low * n + low] = 1;
            return;
        }
        if (size <= LeafOrder)
        {
            // QL rotates columns; in a compact buffer those stay within a few cache lines instead of striding by n.
            var leaf = new double[size * size];
            for (var i = 0; i < size; i++)
                leaf[i * size + i] = 1;
            TridiagonalQl.Solve(d.AsSpan(low, size), e.AsSpan(low, size - 1), leaf, size, size);
            for (var i = 0; i < size; i++)
                leaf.AsSpan(i * size, size).CopyTo(z.AsSpan((low + i) * n + low));
            return;
        }
        var half = size / 2;
        var middle = low + half;
        var coupling = e[middle - 1];
        d[middle - 1] -= Math.Abs(coupling);
        d[middle] -= Math.Abs(coupling);
        SolveBlock(d, e, z, n, low, half, cancellationToken);
        SolveBlock(d, e, z, n, middle, size - half, cancellationToken);
        Merge(d, z, n, low, half, size - half, coupling);
    }

    /// <summary>
    /// Merges two diagonalized halves (eigenvalues in d, eigenvectors in the diagonal blocks of z) coupled by β into
    /// the eigen decomposition of the whole block.
    /// </summary>
    private static void Merge(double[] d, double[] z, int n, int low, int topSize, int bottomSize, double coupling)
    {
        var size = topSize + bottomSize;
        var middle = low + topSize;
        var rho = 2 * Math.Abs(coupling);
        var sign = coupling >= 0 ? 1.0 : -1.0;

        // z = Qᵀ·u with u = e_last(top) + sign·e_first(bottom), normalized; ρ absorbs the factor 2.
        var zv = new double[size];
        var dv = new double[size];
        var support = new Support[size];
        for (var j = 0; j < size; j++)
        {
            var top = j < topSize;
            zv[j] = top ? z[(middle - 1) * n + low + j] * InverseSqrt2 : sign * z[middle * n + low + j] * InverseSqrt2;
            dv[j] = d[low + j];
            support[j] = top ? Support.Top : Support.Bottom;
        }

        var (kept, deflated) = Deflate(dv, zv, rho, support, z, n, low, size, topSize);

        var values = new double[size];
        var keptCount = kept.Count;
        var deflatedVectors = new double[size * deflated.Count];
        for (var r = 0; r < size; r++)
            for (var t = 0; t < deflated.Count; t++)
                deflatedVectors[r * deflated.Count + t] = z[(low + r) * n + low + deflated[t]];
        if (keptCount > 0)
            MergeKept(dv, zv, rho, kept, support, z, n, low, size, topSize, values);
        for (var t = 0; t < deflated.Count; t++)
            values[keptCount + t] = dv[deflated[t]];
        for (var r = 0; r < size; r++)
            deflatedVectors.AsSpan(r * deflated.Count, deflated.Count).CopyTo(z.AsSpan((low + r) * n + low + keptCount));
        SortColumns(d, z, n, low, size, values);
    }

    /// <summary>
    /// Splits the merge's coordinates into those solved by the secular equation (kept, in increasing d) and those
    /// already eigenpairs (deflated): a zᵢ negligible against the tolerance, or two nearly equal dᵢ whose z-components
    /// a Givens rotation folds into one (rotating the corresponding eigenvector columns of z to match).
    /// </summary>
    private static (List<int> Kept, List<int> Deflated) Deflate(double[] dv, double[] zv, double rho, Support[] support,
        double[] z, int n, int low, int size, int topSize)
    {
        var order = MergeAscending(dv, topSize);
        // MaxMagnitude returns the signed element of largest magnitude.
        var largestZ = Math.Abs(TensorPrimitives.MaxMagnitude<double>(zv));
        var tolerance = 8 * TridiagonalQl.UnitRoundoff * Math.Max(Math.Abs(TensorPrimitives.MaxMagnitude<double>(dv)), largestZ);
        var kept = new List<int>(size);
        var deflated = new List<int>();
        if (rho * largestZ <= tolerance)
        {
            deflated.AddRange(order);
            return (kept, deflated);
        }
        var candidate = -1;
        foreach (var j in order)
        {
            if (rho * Math.Abs(zv[j]) <= tolerance)
            {
                deflated.Add(j);
                continue;
            }
            if (candidate < 0)
            {
                candidate = j;
                continue;
            }
            var radius = double.Hypot(zv[candidate], zv[j]);
            var c = zv[j] / radius;
            var s = -zv[candidate] / radius;
            if (Math.Abs((dv[j] - dv[candidate]) * c * s) <= tolerance)
            {
                // Rotate so that the candidate's z-component vanishes; the dropped coupling c·s·(dⱼ − dₚ) is below tolerance.
                RotateColumns(z, n, low, size, low + candidate, low + j, c, s);
                zv[candidate] = 0;
                zv[j] = radius;
                var dp = dv[candidate];
                var dj = dv[j];
                dv[candidate] = c * c * dp + s * s * dj;
                dv[j] = s * s * dp + c * c * dj;
                if (support[candidate] != support[j])
                    support[candidate] = support[j] = Support.Both;
                deflated.Add(candidate);
            }
            else
            {
                kept.Add(candidate);
            }
            candidate = j;
        }
        if (candidate >= 0)
            kept.Add(candidate);
        return (kept, deflated);
    }

    /// <summary>
    /// Solves the secular equation for the kept coordinates and writes their eigenvectors Q·U into columns
    /// 0..K−1 of the block, with two GEMMs that skip the rows where a column of Q is known to be zero.
    /// </summary>
    private static void MergeKept(double[] dv, double[] zv, double rho, List<int> kept, Support[] support,
        double[] z, int n, int low, int size, int topSize, double[] values)
    {
        var count = kept.Count;
        var poles = new double[count];
        var weights = new double[count];
        for (var i = 0; i < count; i++)
        {
            poles[i] = dv[kept[i]];
            weights[i] = zv[kept[i]];
        }
        var origin = new int[count];
        var offset = new double[count];
        SecularEquation.Solve(poles, weights, rho, origin, offset);
        var originPole = new double[count];
        for (var k = 0; k < count; k++)
        {
            originPole[k] = poles[origin[k]];
            values[k] = originPole[k] + offset[k];
        }
        var zHat = ConsistentWeights(poles, weights, rho, originPole, offset);

        // Columns of Q in the order top-only, both, bottom-only; U's rows follow the same order.
        var grouped = new List<int>(count);
        foreach (var group in new[] { Support.Top, Support.Both, Support.Bottom })
            for (var i = 0; i < count; i++)
                if (support[kept[i]] == group)
                    grouped.Add(i);
        var topOnly = grouped.Count(i => support[kept[i]] == Support.Top);
        var bottomOnly = grouped.Count(i => support[kept[i]] == Support.Bottom);

        var u = new double[count * count];
        var squaredNorms = new double[count];
        for (var g = 0; g < count; g++)
        {
            var i = grouped[g];
            var row = u.AsSpan(g * count, count);
            TensorPrimitives.Subtract(poles[i], originPole, row);
            TensorPrimitives.Subtract(row, offset, row);
            TensorPrimitives.Divide(zHat[i], row, row);
            TensorPrimitives.FusedMultiplyAdd(row, row, squaredNorms, squaredNorms);
        }
        var inverseNorms = new double[count];
        TensorPrimitives.ReciprocalSqrt(squaredNorms, inverseNorms);
        for (var g = 0; g < count; g++)
            TensorPrimitives.Multiply(u.AsSpan(g * count, count), inverseNorms, u.AsSpan(g * count, count));

        var columns = grouped.Select(i => low + kept[i]).ToArray();
        var q = GC.AllocateUninitializedArray<double>(size * count);
        for (var r = 0; r < size; r++)
            for (var g = 0; g < count; g++)
                q[r * count + g] = z[(low + r) * n + columns[g]];

        var topColumns = count - bottomOnly;
        var bottomColumns = count - topOnly;
        MultiplyInto(q, u, count, topSize, topColumns, z.AsSpan(low * n + low), n);
        MultiplyInto(q.AsSpan(topSize * count + topOnly), u.AsSpan(topOnly * count), count, size - topSize, bottomColumns,
            z.AsSpan((low + topSize) * n + low), n);
    }

    /// <summary>target (rows × count) = q (rows × inner, leading dimension count) · u (inner × count); zero when inner is 0.</summary>
    private static void MultiplyInto(ReadOnlySpan<double> q, ReadOnlySpan<double> u, int count, int rows, int inner,
        Span<double> target, int ldTarget) =>
        Gemm.Dgemm(Transpose.None, Transpose.None, rows, count, inner, 1.0, q, count, u, count, 0.0, target, ldTarget);

    /// <summary>
    /// The weights ẑ for which the computed roots are the exact eigenvalues of D + ρ·ẑ·ẑᵀ (Gu–Eisenstat, via the
    /// characteristic polynomial at each dᵢ). Eigenvectors built from ẑ are orthogonal to working precision even when
    /// roots cluster, which the original z would not give.
    /// </summary>
    private static double[] ConsistentWeights(double[] poles, double[] weights, double rho, double[] originPole, double[] offset)
    {
        var count = poles.Length;
        var product = new double[count];
        Array.Fill(product, 1.0);
        for (var k = 0; k < count; k++)
            for (var i = 0; i < count; i++)
            {
                var rootMinusPole = -(poles[i] - originPole[k] - offset[k]);
                product[i] *= i == k ? rootMinusPole / rho : rootMinusPole / (poles[k] - poles[i]);
            }
        var zHat = new double[count];
        for (var i = 0; i < count; i++)
            zHat[i] = Math.CopySign(Math.Sqrt(Math.Abs(product[i])), weights[i]);
        return zHat;
    }

    /// <summary>Indices of the two ascending halves of <paramref name="values"/> in ascending order.</summary>
    private static int[] MergeAscending(double[] values, int topSize)
    {
        var order = new int[values.Length];
        int a = 0, b = topSize, o = 0;
        while (a < topSize && b < values.Length)
            order[o++] = values[a] <= values[b] ? a++ : b++;
        while (a < topSize)
            order[o++] = a++;
        while (b < values.Length)
            order[o++] = b++;
        return order;
    }

    private static void RotateColumns(double[] z, int n, int low, int size, int p, int j, double c, double s)
    {
        for (var r = low; r < low + size; r++)
        {
            var zp = z[r * n + p];
            var zj = z[r * n + j];
            z[r * n + p] = c * zp + s * zj;
            z[r * n + j] = -s * zp + c * zj;
        }
    }

    /// <summary>Sorts <paramref name="values"/> ascending into d[low..] and permutes the block's columns to match.</summary>
    private static void SortColumns(double[] d, double[] z, int n, int low, int size, double[] values)
    {
        var permutation = new int[size];
        for (var i = 0; i < size; i++)
            permutation[i] = i;
        var keys = values[..size];
        Array.Sort(keys, permutation);
        keys.CopyTo(d, low);
        var buffer = new double[size];
        for (var r = low; r < low + size; r++)
        {
            var row = z.AsSpan(r * n + low, size);
            row.CopyTo(buffer);
            for (var c = 0; c < size; c++)
                row[c] = buffer[permutation[c]];
        }
    }
}
