using Emend.Numerics.LinearAlgebra;

namespace Emend.Numerics.Tests.LinearAlgebra;

public class TridiagonalEigenTests
{
    private static double[] Dense(double[] d, double[] e)
    {
        var n = d.Length;
        var t = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            t[i * n + i] = d[i];
            if (i < n - 1)
                t[i * n + i + 1] = t[(i + 1) * n + i] = e[i];
        }
        return t;
    }

    private static (double[] Values, double[] Vectors) DivideAndConquer(double[] d, double[] e)
    {
        var n = d.Length;
        var values = (double[])d.Clone();
        var vectors = new double[n * n];
        TridiagonalDivideAndConquer.Solve(values, (double[])e.Clone(), vectors, n, CancellationToken.None);
        return (values, vectors);
    }

    private static void AssertAccurate(double[] d, double[] e, double[] values, double[] vectors)
    {
        var n = d.Length;
        Assert.True(TestMatrices.ReconstructionError(Dense(d, e), values, vectors, n) <= 1e-13);
        Assert.True(TestMatrices.OrthogonalityError(vectors, n) <= 1e-12);
    }

    [Fact]
    public void SecondDifferenceMatrixHasItsAnalyticSpectrum()
    {
        const int n = 200;
        var d = Enumerable.Repeat(2.0, n).ToArray();
        var e = Enumerable.Repeat(-1.0, n - 1).ToArray();

        var (values, vectors) = DivideAndConquer(d, e);

        var expected = Enumerable.Range(1, n).Select(k => 2 - 2 * Math.Cos(k * Math.PI / (n + 1))).Order().ToArray();
        for (var i = 0; i < n; i++)
            Assert.True(Math.Abs(values[i] - expected[i]) <= 1e-14 * 4, $"λ{i}: {values[i]} vs {expected[i]}");
        AssertAccurate(d, e, values, vectors);
    }

    [Fact]
    public void RandomTridiagonalAgreesWithQl()
    {
        const int n = 257;
        var random = new Random(11);
        var d = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var e = Enumerable.Range(0, n - 1).Select(_ => random.NextDouble() * 2 - 1).ToArray();

        var (values, vectors) = DivideAndConquer(d, e);
        var qlValues = (double[])d.Clone();
        TridiagonalQl.Solve(qlValues, e, TestMatrices.Identity(n), n, n);

        for (var i = 0; i < n; i++)
            Assert.True(Math.Abs(values[i] - qlValues[i]) <= 1e-13, $"λ{i}: {values[i]} vs {qlValues[i]}");
        AssertAccurate(d, e, values, vectors);
    }

    [Fact]
    public void GluedWilkinsonMatricesWithTightClustersDeflateAccurately()
    {
        // Copies of W21⁺ joined by tiny couplings: eigenvalues come in pairs equal to ~1e-14, the hardest case for merges.
        const int copies = 8, order = 21;
        var n = copies * order;
        var d = new double[n];
        var e = new double[n - 1];
        for (var c = 0; c < copies; c++)
            for (var i = 0; i < order; i++)
            {
                d[c * order + i] = Math.Abs(10 - i);
                if (i < order - 1)
                    e[c * order + i] = 1;
                else if (c < copies - 1)
                    e[c * order + i] = 1e-9;
            }

        var (values, vectors) = DivideAndConquer(d, e);
        var qlValues = (double[])d.Clone();
        TridiagonalQl.Solve(qlValues, e, TestMatrices.Identity(n), n, n);

        for (var i = 0; i < n; i++)
            Assert.True(Math.Abs(values[i] - qlValues[i]) <= 1e-13 * 11);
        AssertAccurate(d, e, values, vectors);
    }

    [Fact]
    public void ZeroCouplingsSplitIntoIndependentBlocks()
    {
        const int n = 90;
        var random = new Random(12);
        var d = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        var e = Enumerable.Range(0, n - 1).Select(i => i % 30 == 29 ? 0.0 : random.NextDouble()).ToArray();

        var (values, vectors) = DivideAndConquer(d, e);

        AssertAccurate(d, e, values, vectors);
        for (var i = 1; i < n; i++)
            Assert.True(values[i - 1] <= values[i]);
    }

    [Fact]
    public void NegativeCouplingAtTheTearIsHandled()
    {
        const int n = 80;
        var random = new Random(13);
        var d = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        var e = Enumerable.Range(0, n - 1).Select(_ => -random.NextDouble()).ToArray();

        var (values, vectors) = DivideAndConquer(d, e);

        AssertAccurate(d, e, values, vectors);
    }
}
