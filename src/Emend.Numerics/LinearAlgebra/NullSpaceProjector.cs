namespace Emend.Numerics.LinearAlgebra;

/// <summary>
/// The orthogonal projector P = Û·Ûᵀ onto the span of a covariance's eigenvectors whose eigenvalues fall below a
/// threshold, as AlphaEdit uses it: an update ΔW·P leaves the outputs for the preserved keys (which live in the
/// high-variance directions) unchanged. AlphaEdit takes an SVD of the covariance; for a symmetric positive
/// semidefinite matrix its singular vectors and values are the eigenvectors and eigenvalues used here.
/// </summary>
public sealed class NullSpaceProjector
{
    private NullSpaceProjector(int order, int nullDimension, double[] matrix)
    {
        Order = order;
        NullDimension = nullDimension;
        Matrix = matrix;
    }

    public int Order { get; }

    /// <summary>How many eigenvalues fell below the threshold: the rank of P.</summary>
    public int NullDimension { get; }

    /// <summary>P, row-major order × order, symmetric and idempotent.</summary>
    public double[] Matrix { get; }

    /// <summary>Builds P from the covariance (lower triangle read) and the eigenvalue threshold (AlphaEdit uses 1e-2).</summary>
    public static NullSpaceProjector FromCovariance(ReadOnlySpan<double> covariance, int order, double threshold,
        CancellationToken cancellationToken = default)
    {
        if (!double.IsFinite(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be a finite eigenvalue bound");
        var decomposition = SymmetricEigen.Decompose(covariance, order, cancellationToken);
        var nullDimension = decomposition.Eigenvalues.Count(value => value < threshold);
        var projector = new double[order * order];
        if (nullDimension > 0)
            Gemm.Dgemm(Transpose.None, Transpose.Transposed, order, order, nullDimension, 1.0,
                decomposition.Eigenvectors, order, decomposition.Eigenvectors, order, 0.0, projector, order);
        return new NullSpaceProjector(order, nullDimension, projector);
    }
}
