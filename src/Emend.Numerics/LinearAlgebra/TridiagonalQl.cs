namespace Emend.Numerics.LinearAlgebra;

/// <summary>
/// Implicit QL iteration with Wilkinson shifts for a symmetric tridiagonal matrix, accumulating the rotations into
/// eigenvector columns. O(n³) with rotations rather than GEMM, so it serves the small leaves of divide and conquer
/// (and is a structurally different reference for it in tests).
/// </summary>
internal static class TridiagonalQl
{
    private const int MaxIterationsPerEigenvalue = 60;

    /// <summary>2⁻⁵³: an off-diagonal this small relative to its neighbours is already zero in float64.</summary>
    internal const double UnitRoundoff = 1.1102230246251565e-16;

    /// <summary>
    /// Diagonalizes the tridiagonal matrix (diagonal <paramref name="d"/>, off-diagonal <paramref name="offDiagonal"/>,
    /// entry i coupling i and i+1). On return <paramref name="d"/> holds the eigenvalues ascending and the first n
    /// columns of the row-major block <paramref name="z"/> (rows × n, leading dimension ldz) are multiplied on the
    /// right by the eigenvector matrix: start from the identity to get the eigenvectors themselves.
    /// </summary>
    public static void Solve(Span<double> d, ReadOnlySpan<double> offDiagonal, Span<double> z, int ldz, int rows)
    {
        var n = d.Length;
        var e = new double[n];
        offDiagonal[..(n - 1)].CopyTo(e);
        for (var l = 0; l < n; l++)
        {
            for (var iteration = 0; ; iteration++)
            {
                var m = l;
                while (m < n - 1 && Math.Abs(e[m]) > UnitRoundoff * (Math.Abs(d[m]) + Math.Abs(d[m + 1])))
                    m++;
                if (m == l)
                    break;
                if (iteration == MaxIterationsPerEigenvalue)
                    throw new InvalidOperationException($"tridiagonal QL did not converge for eigenvalue {l} of {n}");
                Sweep(d, e, z, ldz, rows, l, m);
            }
        }
        SortAscending(d, z, ldz, rows);
    }

    /// <summary>One implicitly shifted QL step on the unreduced block l..m.</summary>
    private static void Sweep(Span<double> d, double[] e, Span<double> z, int ldz, int rows, int l, int m)
    {
        var g = (d[l + 1] - d[l]) / (2 * e[l]);
        var r = double.Hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + Math.CopySign(r, g));
        double s = 1, c = 1, p = 0;
        for (var i = m - 1; i >= l; i--)
        {
            var f = s * e[i];
            var b = c * e[i];
            r = double.Hypot(f, g);
            e[i + 1] = r;
            if (r == 0)
            {
                d[i + 1] -= p;
                e[m] = 0;
                return;
            }
            s = f / r;
            c = g / r;
            g = d[i + 1] - p;
            r = (d[i] - g) * s + 2 * c * b;
            p = s * r;
            d[i + 1] = g + p;
            g = c * r - b;
            for (var k = 0; k < rows; k++)
            {
                ref var left = ref z[k * ldz + i];
                ref var right = ref z[k * ldz + i + 1];
                var old = right;
                right = s * left + c * old;
                left = c * left - s * old;
            }
        }
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
    }

    private static void SortAscending(Span<double> d, Span<double> z, int ldz, int rows)
    {
        for (var i = 0; i < d.Length - 1; i++)
        {
            var min = i;
            for (var j = i + 1; j < d.Length; j++)
                if (d[j] < d[min])
                    min = j;
            if (min == i)
                continue;
            (d[i], d[min]) = (d[min], d[i]);
            for (var k = 0; k < rows; k++)
                (z[k * ldz + i], z[k * ldz + min]) = (z[k * ldz + min], z[k * ldz + i]);
        }
    }
}
