namespace Emend.Numerics.Tests.LinearAlgebra;

/// <summary>
/// Seeded test matrices and plain-loop reference arithmetic, written independently of the library's kernels so that
/// residuals computed here check the library rather than repeat it.
/// </summary>
internal static class TestMatrices
{
    public static double[] Gaussian(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var values = new double[rows * columns];
        for (var i = 0; i < values.Length; i++)
            values[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return values;
    }

    /// <summary>X·Xᵀ/samples + ridge·I for X of n × samples: a sample covariance, as MEMIT's C is.</summary>
    public static double[] Covariance(int n, int samples, double ridge, int seed)
    {
        var x = Gaussian(n, samples, seed);
        var c = MultiplyTransposed(x, x, n, n, samples);
        for (var i = 0; i < c.Length; i++)
            c[i] /= samples;
        for (var i = 0; i < n; i++)
            c[i * n + i] += ridge;
        return c;
    }

    /// <summary>A symmetric matrix with independent N(0,1) entries (a Wigner matrix): eigenvalues spread, little deflation.</summary>
    public static double[] RandomSymmetric(int n, int seed)
    {
        var g = Gaussian(n, n, seed);
        var a = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
                a[i * n + j] = a[j * n + i] = g[i * n + j];
        return a;
    }

    /// <summary>A random orthogonal matrix as a product of n Householder reflections with Gaussian vectors.</summary>
    public static double[] RandomOrthogonal(int n, int seed)
    {
        var q = Identity(n);
        var vectors = Gaussian(n, n, seed);
        for (var k = 0; k < n; k++)
        {
            var v = vectors.AsSpan(k * n, n);
            double norm2 = 0;
            foreach (var x in v)
                norm2 += x * x;
            for (var r = 0; r < n; r++)
            {
                double dot = 0;
                for (var c = 0; c < n; c++)
                    dot += q[r * n + c] * v[c];
                for (var c = 0; c < n; c++)
                    q[r * n + c] -= 2 * dot / norm2 * v[c];
            }
        }
        return q;
    }

    /// <summary>Q·diag(values)·Qᵀ: a symmetric matrix with a prescribed spectrum.</summary>
    public static double[] WithSpectrum(double[] values, int seed)
    {
        var n = values.Length;
        var q = RandomOrthogonal(n, seed);
        var scaled = new double[n * n];
        for (var r = 0; r < n; r++)
            for (var c = 0; c < n; c++)
                scaled[r * n + c] = q[r * n + c] * values[c];
        return MultiplyTransposed(scaled, q, n, n, n);
    }

    public static double[] Identity(int n)
    {
        var a = new double[n * n];
        for (var i = 0; i < n; i++)
            a[i * n + i] = 1;
        return a;
    }

    /// <summary>A (m × k) · B (k × n), plain loops.</summary>
    public static double[] Multiply(double[] a, double[] b, int m, int n, int k)
    {
        var c = new double[m * n];
        for (var i = 0; i < m; i++)
            for (var p = 0; p < k; p++)
            {
                var aip = a[i * k + p];
                for (var j = 0; j < n; j++)
                    c[i * n + j] += aip * b[p * n + j];
            }
        return c;
    }

    /// <summary>A (m × k) · Bᵀ for B (n × k), plain loops.</summary>
    public static double[] MultiplyTransposed(double[] a, double[] b, int m, int n, int k)
    {
        var c = new double[m * n];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var p = 0; p < k; p++)
                    sum += a[i * k + p] * b[j * k + p];
                c[i * n + j] = sum;
            }
        return c;
    }

    public static double[] Transposed(double[] a, int rows, int columns)
    {
        var t = new double[a.Length];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
                t[c * rows + r] = a[r * columns + c];
        return t;
    }

    public static double Frobenius(ReadOnlySpan<double> a)
    {
        double sum = 0;
        foreach (var x in a)
            sum += x * x;
        return Math.Sqrt(sum);
    }

    public static double FrobeniusDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(sum);
    }

    /// <summary>‖A − V·diag(λ)·Vᵀ‖_F / ‖A‖_F.</summary>
    public static double ReconstructionError(double[] a, double[] eigenvalues, double[] vectors, int n)
    {
        var scaled = new double[n * n];
        for (var r = 0; r < n; r++)
            for (var c = 0; c < n; c++)
                scaled[r * n + c] = vectors[r * n + c] * eigenvalues[c];
        return FrobeniusDistance(a, MultiplyTransposed(scaled, vectors, n, n, n)) / Frobenius(a);
    }

    /// <summary>‖VᵀV − I‖_F.</summary>
    public static double OrthogonalityError(double[] vectors, int n)
    {
        var vt = Transposed(vectors, n, n);
        return FrobeniusDistance(MultiplyTransposed(vt, vt, n, n, n), Identity(n));
    }
}
