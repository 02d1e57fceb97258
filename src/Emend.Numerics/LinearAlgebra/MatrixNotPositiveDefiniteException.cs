namespace Emend.Numerics.LinearAlgebra;

/// <summary>
/// Thrown when a Cholesky factorization meets a pivot that is not positive: the matrix (as far as its lower triangle
/// says) is not symmetric positive definite. For a covariance this usually means too few samples or a missing ridge
/// term; adding λ·I (as MEMIT's λ·C + K·Kᵀ does) restores definiteness.
/// </summary>
public sealed class MatrixNotPositiveDefiniteException : ArithmeticException
{
    public MatrixNotPositiveDefiniteException(int pivotIndex, double pivotValue)
        : base($"matrix is not positive definite: pivot {pivotIndex} (leading minor of order {pivotIndex + 1}) is {pivotValue:G6}; " +
               "check that the matrix is symmetric positive definite or add a ridge term λ·I")
    {
        PivotIndex = pivotIndex;
        PivotValue = pivotValue;
    }

    /// <summary>Zero-based row/column of the first pivot that was not positive.</summary>
    public int PivotIndex { get; }

    /// <summary>The value the pivot had before its square root would have been taken (≤ 0 or NaN).</summary>
    public double PivotValue { get; }
}
