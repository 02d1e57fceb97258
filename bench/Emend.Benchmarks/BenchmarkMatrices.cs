namespace Emend.Benchmarks;

/// <summary>Seeded inputs shared by the dense linear-algebra benchmarks.</summary>
internal static class BenchmarkMatrices
{
    /// <summary>Symmetric with off-diagonal entries in (−1, 1) and diagonal n: SPD by Gershgorin, with a spread spectrum.</summary>
    public static double[] SymmetricDiagonallyDominant(int n, Random random)
    {
        var a = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
                a[i * n + j] = a[j * n + i] = random.NextDouble() * 2 - 1;
            a[i * n + i] = n;
        }
        return a;
    }
}
