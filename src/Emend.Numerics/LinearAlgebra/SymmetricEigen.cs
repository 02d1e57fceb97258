using System.Numerics.Tensors;

namespace Emend.Numerics.LinearAlgebra;

/// <summary>
/// Eigendecomposition of symmetric float64 matrices (AlphaEdit's null space of a covariance, d up to 16384):
/// blocked Householder tridiagonalization, divide and conquer on the tridiagonal matrix, and a blocked (compact WY)
/// back-transformation, so that the O(n³) work runs in <c>Gemm.Dgemm</c> apart from the memory-bound
/// matrix–vector products of the reduction. With <see cref="ComputeSettings.Backend"/> = OpenBLAS it calls <c>dsyevd_</c>.
/// </summary>
public static class SymmetricEigen
{
    /// <summary>Decomposes the symmetric matrix whose lower triangle is given (row-major; the upper triangle is not read).</summary>
    /// <exception cref="MatrixNotFiniteException">The lower triangle holds NaN or ∞.</exception>
    public static SymmetricEigenDecomposition Decompose(ReadOnlySpan<double> matrix, int order, CancellationToken cancellationToken = default)
    {
        MatrixChecks.RequireSquare(matrix.Length, order, nameof(matrix));
        MatrixChecks.RequireFiniteLowerTriangle(matrix, order, nameof(matrix));
        var n = order;
        var work = GC.AllocateUninitializedArray<double>(n * n);
        matrix.CopyTo(work);
        var eigenvalues = new double[n];
        if (ComputeSettings.Backend == ComputeBackend.OpenBlas)
        {
            OpenBlasLapack.DecomposeSymmetric(work, n, eigenvalues);
            var columns = GC.AllocateUninitializedArray<double>(n * n);
            DenseTranspose.Transpose(work, n, n, columns);
            return new SymmetricEigenDecomposition(n, eigenvalues, columns);
        }

        DenseTranspose.MirrorLowerToUpper(work, n);
        // Exact power-of-two scaling to magnitude ~1: norms inside the reduction can then neither overflow nor underflow.
        var largest = Math.Abs(TensorPrimitives.MaxMagnitude<double>(work));
        var factor = largest == 0 ? 1.0 : Math.ScaleB(1.0, -Math.ILogB(largest));
        TensorPrimitives.Multiply(work, factor, work);

        var offDiagonal = new double[Math.Max(n - 1, 1)];
        var tau = new double[Math.Max(n - 1, 1)];
        TridiagonalReduction.Reduce(work, n, eigenvalues, offDiagonal, tau, TridiagonalReduction.DefaultPanelWidth, cancellationToken);
        var vectors = GC.AllocateUninitializedArray<double>(n * n);
        TridiagonalDivideAndConquer.Solve(eigenvalues, offDiagonal, vectors, n, cancellationToken);
        TridiagonalReduction.ApplyQ(work, n, tau, vectors, cancellationToken);
        TensorPrimitives.Divide(eigenvalues, factor, eigenvalues);
        return new SymmetricEigenDecomposition(n, eigenvalues, vectors);
    }
}
