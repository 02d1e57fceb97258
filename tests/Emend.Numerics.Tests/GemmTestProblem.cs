namespace Emend.Numerics.Tests;

/// <summary>
/// A random GEMM problem with padded leading dimensions, its float64 reference result and, per element, the
/// error bound that any summation order satisfies: |ĉ − c| ≤ (k + 2)·ε·(|α|·Σ_p |a_ip·b_pj| + |β·c_ij|), where ε is
/// the machine epsilon of the tested type (k roundings in the sum, one each for the α and β terms).
/// </summary>
internal sealed class GemmTestProblem
{
    public GemmTestProblem(Transpose transA, Transpose transB, int m, int n, int k, double alpha, double beta, int seed)
    {
        var random = new Random(seed);
        (TransA, TransB, M, N, K, Alpha, Beta) = (transA, transB, m, n, k, alpha, beta);
        var (aRows, aCols) = transA == Transpose.None ? (m, k) : (k, m);
        var (bRows, bCols) = transB == Transpose.None ? (k, n) : (n, k);
        Lda = aCols + random.Next(0, 4);
        Ldb = bCols + random.Next(0, 4);
        Ldc = n + random.Next(0, 4);
        A = RandomMatrix(random, aRows, Lda);
        B = RandomMatrix(random, bRows, Ldb);
        C = RandomMatrix(random, m, Ldc);
        if (beta == 0)
            Array.Fill(C, double.NaN);
        (Expected, Bound) = Reference();
    }

    public Transpose TransA { get; }
    public Transpose TransB { get; }
    public int M { get; }
    public int N { get; }
    public int K { get; }
    public double Alpha { get; }
    public double Beta { get; }
    public int Lda { get; }
    public int Ldb { get; }
    public int Ldc { get; }
    public double[] A { get; private set; }
    public double[] B { get; private set; }
    public double[] C { get; }
    public double[] Expected { get; private set; }
    public double[] Bound { get; private set; }

    public override string ToString() => $"{TransA}/{TransB} m={M} n={N} k={K} alpha={Alpha} beta={Beta} lda={Lda} ldb={Ldb} ldc={Ldc}";

    /// <summary>Replaces B by values the caller rounded to another precision, and recomputes the reference from them.</summary>
    public void ReplaceB(double[] b)
    {
        B = b;
        (Expected, Bound) = Reference();
    }

    /// <summary>Checks every element of op-result <paramref name="actual"/> and that the padding of C is untouched.</summary>
    public void AssertMatches(ReadOnlySpan<double> actual, double epsilon, string context)
    {
        for (var i = 0; i < M; i++)
            for (var j = 0; j < Ldc; j++)
            {
                var index = i * Ldc + j;
                if (j >= N)
                {
                    Assert.True(actual[index].Equals(C[index]), $"{context} {this}: padding C[{i},{j}] was overwritten");
                    continue;
                }
                var tolerance = (K + 2) * epsilon * Bound[index] + double.Epsilon;
                var error = Math.Abs(actual[index] - Expected[index]);
                Assert.True(error <= tolerance,
                    $"{context} {this}: C[{i},{j}] = {actual[index]} but reference {Expected[index]} (error {error:E3} > {tolerance:E3})");
            }
    }

    private (double[] Expected, double[] Bound) Reference()
    {
        var expected = (double[])C.Clone();
        var bound = new double[C.Length];
        for (var i = 0; i < M; i++)
            for (var j = 0; j < N; j++)
            {
                double sum = 0, compensation = 0, magnitude = 0;
                for (var p = 0; p < K; p++)
                {
                    var product = AtA(i, p) * AtB(p, j);
                    magnitude += Math.Abs(product);
                    var next = sum + product;
                    compensation += Math.Abs(sum) >= Math.Abs(product) ? sum - next + product : product - next + sum;
                    sum = next;
                }
                var index = i * Ldc + j;
                var old = Beta == 0 ? 0 : Beta * C[index];
                expected[index] = Alpha * (sum + compensation) + old;
                bound[index] = Math.Abs(Alpha) * magnitude + Math.Abs(old);
            }
        return (expected, bound);
    }

    private double AtA(int i, int p) => TransA == Transpose.None ? A[i * Lda + p] : A[p * Lda + i];

    private double AtB(int p, int j) => TransB == Transpose.None ? B[p * Ldb + j] : B[j * Ldb + p];

    /// <summary>Values in [−1, 1) with a few exact zeros, rounded to float32 so the float and double tests share them.</summary>
    private static double[] RandomMatrix(Random random, int rows, int ld)
    {
        var values = new double[Math.Max(0, rows * ld)];
        for (var i = 0; i < values.Length; i++)
            values[i] = random.Next(16) == 0 ? 0 : (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
