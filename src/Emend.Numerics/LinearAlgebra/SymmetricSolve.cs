namespace Emend.Numerics.LinearAlgebra;

/// <summary>One-shot dense solves for callers that need the solution once and not the factor.</summary>
public static class SymmetricSolve
{
    /// <summary>
    /// Solves A·X = B for symmetric positive definite A (row-major, lower triangle read, left untouched) and
    /// overwrites the row-major order × <paramref name="count"/> block <paramref name="rightHandSides"/> with X.
    /// </summary>
    /// <exception cref="MatrixNotPositiveDefiniteException">A is not positive definite.</exception>
    /// <exception cref="MatrixNotFiniteException">A or B holds NaN or ∞.</exception>
    public static void SolveSpd(ReadOnlySpan<double> matrix, int order, Span<double> rightHandSides, int count,
        CancellationToken cancellationToken = default)
    {
        MatrixChecks.RequireSquare(matrix.Length, order, nameof(matrix));
        MatrixChecks.RequireRightHandSides(rightHandSides.Length, order, count, nameof(rightHandSides));
        CholeskyFactorization.Factor(matrix, order, cancellationToken).Solve(rightHandSides, count, cancellationToken);
    }
}
