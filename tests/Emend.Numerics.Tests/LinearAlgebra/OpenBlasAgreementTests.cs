using Emend.Numerics.LinearAlgebra;

namespace Emend.Numerics.Tests.LinearAlgebra;

/// <summary>The tests here switch the process-wide backend, so they must not run beside other tests.</summary>
[CollectionDefinition(nameof(ProcessWideBackend), DisableParallelization = true)]
public sealed class ProcessWideBackend;

[Collection(nameof(ProcessWideBackend))]
public class OpenBlasAgreementTests
{
    private static void RequireOpenBlas() =>
        Skip.IfNot(OpenBlasLapack.IsAvailable, "libopenblas.so.0 with dpotrf_/dpotrs_/dsyevd_ not found");

    private static T WithBackend<T>(ComputeBackend backend, Func<T> action)
    {
        var previous = ComputeSettings.Backend;
        ComputeSettings.Backend = backend;
        try
        {
            return action();
        }
        finally
        {
            ComputeSettings.Backend = previous;
        }
    }

    [SkippableFact]
    public void OpenBlasBackendFactorsAndSolvesLikeTheManagedOne()
    {
        RequireOpenBlas();
        const int n = 230, count = 17;
        var a = TestMatrices.Covariance(n, n + 30, 1e-2, seed: 40);
        var b = TestMatrices.Gaussian(n, count, seed: 41);

        var (managedFactor, managedX) = WithBackend(ComputeBackend.Managed, () => Solve(a, b, n, count));
        var (openBlasFactor, openBlasX) = WithBackend(ComputeBackend.OpenBlas, () => Solve(a, b, n, count));

        Assert.True(TestMatrices.FrobeniusDistance(managedFactor, openBlasFactor) <= 1e-13 * TestMatrices.Frobenius(managedFactor));
        Assert.True(TestMatrices.FrobeniusDistance(managedX, openBlasX) <= 1e-9 * TestMatrices.Frobenius(managedX));
        var residual = TestMatrices.FrobeniusDistance(TestMatrices.Multiply(a, openBlasX, n, count, n), b) /
                       (TestMatrices.Frobenius(a) * TestMatrices.Frobenius(openBlasX));
        Assert.True(residual <= 1e-12);
    }

    private static (double[] Factor, double[] Solution) Solve(double[] a, double[] b, int n, int count)
    {
        var factor = CholeskyFactorization.Factor(a, n);
        var x = (double[])b.Clone();
        factor.Solve(x, count);
        return (factor.LowerFactor.ToArray(), x);
    }

    [SkippableFact]
    public void OpenBlasBackendReportsTheFailingPivot()
    {
        RequireOpenBlas();
        double[] a = [1, 0, 0, 0, 2, 0, 0, 0, -1];

        var error = WithBackend(ComputeBackend.OpenBlas,
            () => Assert.Throws<MatrixNotPositiveDefiniteException>(() => CholeskyFactorization.Factor(a, 3)));

        Assert.Equal(2, error.PivotIndex);
    }

    [SkippableFact]
    public void EigenvaluesAgreeWithDsyevd()
    {
        RequireOpenBlas();
        const int n = 280;
        var a = TestMatrices.Covariance(n, 200, 0, seed: 42);
        var reference = new double[n];
        OpenBlasLapack.DecomposeSymmetric((double[])a.Clone(), n, reference);

        var result = WithBackend(ComputeBackend.Managed, () => SymmetricEigen.Decompose(a, n));

        var largest = reference.Max(Math.Abs);
        for (var i = 0; i < n; i++)
            Assert.True(Math.Abs(result.Eigenvalues[i] - reference[i]) <= 1e-13 * largest, $"λ{i}: {result.Eigenvalues[i]} vs {reference[i]}");
    }

    [SkippableFact]
    public void OpenBlasBackendEigenvectorsAreColumns()
    {
        RequireOpenBlas();
        const int n = 90;
        var a = TestMatrices.RandomSymmetric(n, seed: 43);

        var result = WithBackend(ComputeBackend.OpenBlas, () => SymmetricEigen.Decompose(a, n));

        Assert.True(TestMatrices.ReconstructionError(a, result.Eigenvalues, result.Eigenvectors, n) <= 1e-12);
        Assert.True(TestMatrices.OrthogonalityError(result.Eigenvectors, n) <= 1e-12);
    }
}
