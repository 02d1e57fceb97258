using Emend.Numerics.LinearAlgebra;

namespace Emend.Numerics.Tests.LinearAlgebra;

public class CholeskyTests
{
    /// <summary>‖A·X − B‖_F / (‖A‖_F·‖X‖_F): the backward error a stable solver keeps near machine precision.</summary>
    private static double RelativeResidual(double[] a, double[] x, double[] b, int n, int count) =>
        TestMatrices.FrobeniusDistance(TestMatrices.Multiply(a, x, n, count, n), b) /
        (TestMatrices.Frobenius(a) * TestMatrices.Frobenius(x));

    [Fact]
    public void SpdSolveAt512HasRelativeResidualBelow1e12()
    {
        const int n = 512, count = 48;
        var a = TestMatrices.Covariance(n, n, 1e-3, seed: 1);
        var b = TestMatrices.Gaussian(n, count, seed: 2);
        var x = (double[])b.Clone();

        SymmetricSolve.SolveSpd(a, n, x, count);

        Assert.True(RelativeResidual(a, x, b, n, count) <= 1e-12, $"residual {RelativeResidual(a, x, b, n, count):E3}");
    }

    [Theory]
    [InlineData(17, 8)]
    [InlineData(100, 32)]
    [InlineData(257, 64)]
    [InlineData(300, 192)]
    public void BlockedFactorAgreesWithUnblockedAndReconstructsTheMatrix(int n, int blockSize)
    {
        var a = TestMatrices.Covariance(n, n + 20, 1e-2, seed: n);
        var blocked = (double[])a.Clone();
        var unblocked = (double[])a.Clone();

        CholeskyKernel.Factor(blocked, n, blockSize, CancellationToken.None);
        CholeskyKernel.FactorUnblocked(unblocked, n, n, pivotOffset: 0);
        CholeskyKernel.ZeroStrictUpper(unblocked, n);

        var scale = TestMatrices.Frobenius(unblocked);
        Assert.True(TestMatrices.FrobeniusDistance(blocked, unblocked) <= 1e-13 * scale);
        var product = TestMatrices.MultiplyTransposed(blocked, blocked, n, n, n);
        Assert.True(TestMatrices.FrobeniusDistance(product, a) <= 1e-14 * TestMatrices.Frobenius(a));
    }

    [Theory]
    [InlineData(5, 3)]
    [InlineData(16, 1)]
    [InlineData(70, 9)]
    [InlineData(161, 40)]
    public void TriangularSolvesHaveSmallResiduals(int n, int count)
    {
        var l = TestMatrices.Covariance(n, n + 5, 0.5, seed: 10 + n);
        CholeskyKernel.FactorUnblocked(l, n, n, 0);
        CholeskyKernel.ZeroStrictUpper(l, n);
        var lt = TestMatrices.Transposed(l, n, n);
        var b = TestMatrices.Gaussian(n, count, seed: 11);
        var bt = TestMatrices.Gaussian(count, n, seed: 12);
        var scale = TestMatrices.Frobenius(l);

        var forward = (double[])b.Clone();
        TriangularSolver.SolveLower(l, n, n, forward, count, count);
        var backward = (double[])b.Clone();
        TriangularSolver.SolveLowerTransposed(l, n, n, backward, count, count);
        var right = (double[])bt.Clone();
        TriangularSolver.SolveRightLowerTransposed(l, n, n, right, n, count);

        Assert.True(TestMatrices.FrobeniusDistance(TestMatrices.Multiply(l, forward, n, count, n), b) <= 1e-13 * scale * TestMatrices.Frobenius(forward));
        Assert.True(TestMatrices.FrobeniusDistance(TestMatrices.Multiply(lt, backward, n, count, n), b) <= 1e-13 * scale * TestMatrices.Frobenius(backward));
        Assert.True(TestMatrices.FrobeniusDistance(TestMatrices.Multiply(right, lt, count, n, n), bt) <= 1e-13 * scale * TestMatrices.Frobenius(right));
    }

    [Fact]
    public void OneByOneMatrixIsItsSquareRoot()
    {
        var factor = CholeskyFactorization.Factor([4.0], 1);
        double[] rhs = [8.0, -2.0];

        factor.Solve(rhs, 2);

        Assert.Equal([2.0], factor.LowerFactor.ToArray());
        Assert.Equal([2.0, -0.5], rhs);
    }

    [Fact]
    public void FactorReadsOnlyTheLowerTriangleAndReturnsAZeroUpperTriangle()
    {
        double[] a = [4, double.NaN, 2, 10];
        var factor = CholeskyFactorization.Factor(a, 2);

        Assert.Equal([2.0, 0.0, 1.0, 3.0], factor.LowerFactor.ToArray());
        Assert.True(double.IsNaN(a[1]), "the caller's buffer must stay untouched");
    }

    [Fact]
    public void FactorInPlaceSolvesLikeFactor()
    {
        const int n = 60, count = 3;
        var a = TestMatrices.Covariance(n, n, 1e-2, seed: 5);
        var b = TestMatrices.Gaussian(n, count, seed: 6);
        var copied = (double[])b.Clone();
        var inPlace = (double[])b.Clone();

        CholeskyFactorization.Factor(a, n).Solve(copied, count);
        CholeskyFactorization.FactorInPlace((double[])a.Clone(), n).Solve(inPlace, count);

        Assert.Equal(copied, inPlace);
        Assert.True(RelativeResidual(a, inPlace, b, n, count) <= 1e-13);
    }

    [Fact]
    public void IndefiniteMatrixIsRejectedNamingThePivot()
    {
        double[] a = [1, 0, 0, 0, 2, 0, 0, 0, -1];

        var error = Assert.Throws<MatrixNotPositiveDefiniteException>(() => CholeskyFactorization.Factor(a, 3));

        Assert.Equal(2, error.PivotIndex);
        Assert.Equal(-1, error.PivotValue);
        Assert.Contains("pivot 2", error.Message);
    }

    [Fact]
    public void BlockedFactorReportsAPivotBeyondTheFirstBlock()
    {
        const int n = 300;
        var a = TestMatrices.Identity(n);
        a[250 * n + 250] = 0;

        var error = Assert.Throws<MatrixNotPositiveDefiniteException>(() => CholeskyKernel.Factor(a, n, 64, CancellationToken.None));

        Assert.Equal(250, error.PivotIndex);
    }

    [Fact]
    public void RankDeficientCovarianceIsNotPositiveDefinite()
    {
        const int n = 40;
        var x = TestMatrices.Gaussian(n, 10, seed: 7);
        var c = TestMatrices.MultiplyTransposed(x, x, n, n, 10);

        Assert.Throws<MatrixNotPositiveDefiniteException>(() => CholeskyFactorization.Factor(c, n));
    }

    [Fact]
    public void NonFiniteInputsAreRejectedWithTheirPosition()
    {
        double[] a = [4, 0, double.PositiveInfinity, 9];
        var matrixError = Assert.Throws<MatrixNotFiniteException>(() => CholeskyFactorization.Factor(a, 2));
        Assert.Equal((1, 0), (matrixError.Row, matrixError.Column));

        var factor = CholeskyFactorization.Factor([4, 0, 1, 9], 2);
        double[] rhs = [1, double.NaN];
        var rhsError = Assert.Throws<MatrixNotFiniteException>(() => factor.Solve(rhs, 1));
        Assert.Equal("right-hand sides", rhsError.Operand);
        Assert.Equal(1, rhsError.Row);
    }

    [Fact]
    public void ShapeMismatchesNameTheShapes()
    {
        var matrixError = Assert.Throws<ArgumentException>(() => CholeskyFactorization.Factor(new double[10], 3));
        Assert.Contains("3x3", matrixError.Message);

        var factor = CholeskyFactorization.Factor([4, 0, 0, 9], 2);
        var rhsError = Assert.Throws<ArgumentException>(() => factor.Solve(new double[5], 2));
        Assert.Contains("[2, 2]", rhsError.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => CholeskyFactorization.Factor([], 0));
    }

    [Fact]
    public void CancellationStopsTheFactorization()
    {
        var a = TestMatrices.Identity(10);
        Assert.Throws<OperationCanceledException>(() => CholeskyFactorization.Factor(a, 10, new CancellationToken(canceled: true)));
    }
}
