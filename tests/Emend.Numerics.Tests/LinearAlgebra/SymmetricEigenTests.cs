using Emend.Numerics.LinearAlgebra;

namespace Emend.Numerics.Tests.LinearAlgebra;

public class SymmetricEigenTests
{
    [Fact]
    public void RandomMatrixAt300IsReconstructedByOrthonormalEigenvectors()
    {
        const int n = 300;
        var a = TestMatrices.RandomSymmetric(n, seed: 3);

        var result = SymmetricEigen.Decompose(a, n);

        Assert.True(TestMatrices.ReconstructionError(a, result.Eigenvalues, result.Eigenvectors, n) <= 1e-10);
        Assert.True(TestMatrices.OrthogonalityError(result.Eigenvectors, n) <= 1e-10);
        for (var i = 1; i < n; i++)
            Assert.True(result.Eigenvalues[i - 1] <= result.Eigenvalues[i]);
    }

    [Fact]
    public void OrderAboveTheParallelThresholdsDecomposesAccurately()
    {
        // 560 > the reduction's threaded symmetric-product threshold (512) and the threaded secular solve (256).
        const int n = 560;
        var a = TestMatrices.Covariance(n, 400, 1e-3, seed: 6);

        var result = SymmetricEigen.Decompose(a, n);

        Assert.True(TestMatrices.ReconstructionError(a, result.Eigenvalues, result.Eigenvectors, n) <= 1e-10);
        Assert.True(TestMatrices.OrthogonalityError(result.Eigenvectors, n) <= 1e-10);
    }

    [Fact]
    public void OnlyTheLowerTriangleIsRead()
    {
        const int n = 70;
        var a = TestMatrices.RandomSymmetric(n, seed: 4);
        var lowerOnly = (double[])a.Clone();
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
                lowerOnly[i * n + j] = double.NaN;

        var result = SymmetricEigen.Decompose(lowerOnly, n);

        Assert.True(TestMatrices.ReconstructionError(a, result.Eigenvalues, result.Eigenvectors, n) <= 1e-12);
    }

    [Fact]
    public void DiagonalMatrixGivesItsSortedDiagonalAndUnitVectors()
    {
        double[] diagonal = [3, -1, 7, 0.5, -4, 2];
        var n = diagonal.Length;
        var a = new double[n * n];
        for (var i = 0; i < n; i++)
            a[i * n + i] = diagonal[i];

        var result = SymmetricEigen.Decompose(a, n);

        Assert.Equal(diagonal.Order().ToArray(), result.Eigenvalues);
        for (var j = 0; j < n; j++)
        {
            var source = Array.IndexOf(diagonal, result.Eigenvalues[j]);
            for (var i = 0; i < n; i++)
                Assert.Equal(i == source ? 1.0 : 0.0, Math.Abs(result.Eigenvectors[i * n + j]));
        }
    }

    [Fact]
    public void RepeatedEigenvaluesAreFoundWithAnOrthonormalBasisOfEachEigenspace()
    {
        const int n = 120;
        var spectrum = Enumerable.Range(0, n).Select(i => i < 40 ? 1.0 : i < 90 ? 5.0 : 2.0 + i / 100.0).ToArray();
        var a = TestMatrices.WithSpectrum(spectrum, seed: 8);

        var result = SymmetricEigen.Decompose(a, n);

        var expected = spectrum.Order().ToArray();
        for (var i = 0; i < n; i++)
            Assert.True(Math.Abs(result.Eigenvalues[i] - expected[i]) <= 1e-12 * 5, $"λ{i} = {result.Eigenvalues[i]} vs {expected[i]}");
        Assert.True(TestMatrices.OrthogonalityError(result.Eigenvectors, n) <= 1e-10);
        Assert.True(TestMatrices.ReconstructionError(a, result.Eigenvalues, result.Eigenvectors, n) <= 1e-10);
    }

    [Fact]
    public void NullSpaceOfARankDeficientCovarianceIsExactlyTheOrthogonalComplementOfItsSamples()
    {
        const int n = 160, rank = 100;
        var x = TestMatrices.Gaussian(n, rank, seed: 9);
        var covariance = TestMatrices.MultiplyTransposed(x, x, n, n, rank);

        var projector = NullSpaceProjector.FromCovariance(covariance, n, threshold: 1e-8);

        Assert.Equal(n - rank, projector.NullDimension);
        var p = projector.Matrix;
        Assert.True(TestMatrices.Frobenius(TestMatrices.Multiply(p, x, n, rank, n)) <= 1e-10 * TestMatrices.Frobenius(x), "P·X must vanish");
        Assert.True(TestMatrices.FrobeniusDistance(TestMatrices.Multiply(p, p, n, n, n), p) <= 1e-10, "P must be idempotent");
        Assert.True(TestMatrices.FrobeniusDistance(p, TestMatrices.Transposed(p, n, n)) <= 1e-12, "P must be symmetric");
        var trace = Enumerable.Range(0, n).Sum(i => p[i * n + i]);
        Assert.Equal(n - rank, trace, 1e-9);
    }

    [Fact]
    public void ProjectorIsZeroWhenNoEigenvalueIsBelowTheThreshold()
    {
        var projector = NullSpaceProjector.FromCovariance(TestMatrices.Identity(5), 5, threshold: 1e-2);

        Assert.Equal(0, projector.NullDimension);
        Assert.All(projector.Matrix, value => Assert.Equal(0.0, value));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(33)]
    [InlineData(65)]
    public void SmallAndOddOrdersDecompose(int n)
    {
        var a = TestMatrices.RandomSymmetric(n, seed: 20 + n);

        var result = SymmetricEigen.Decompose(a, n);

        Assert.True(TestMatrices.ReconstructionError(a, result.Eigenvalues, result.Eigenvectors, n) <= 1e-12);
        Assert.True(TestMatrices.OrthogonalityError(result.Eigenvectors, n) <= 1e-12);
    }

    [Fact]
    public void ZeroMatrixHasZeroSpectrumAndIdentityVectors()
    {
        var result = SymmetricEigen.Decompose(new double[16], 4);

        Assert.All(result.Eigenvalues, value => Assert.Equal(0.0, value));
        Assert.Equal(TestMatrices.Identity(4), result.Eigenvectors);
    }

    [Theory]
    [InlineData(1e150)]
    [InlineData(1e-150)]
    public void ExtremeScalesKeepRelativeAccuracy(double scale)
    {
        const int n = 50;
        var a = TestMatrices.RandomSymmetric(n, seed: 30).Select(v => v * scale).ToArray();

        var result = SymmetricEigen.Decompose(a, n);

        Assert.True(TestMatrices.ReconstructionError(a, result.Eigenvalues, result.Eigenvectors, n) <= 1e-12);
    }

    [Fact]
    public void InvalidInputsAreRejected()
    {
        Assert.Throws<MatrixNotFiniteException>(() => SymmetricEigen.Decompose([1, 0, double.NaN, 1], 2));
        Assert.Contains("2x2", Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose(new double[3], 2)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => NullSpaceProjector.FromCovariance(new double[4], 2, double.NaN));
    }
}
