namespace Emend.Numerics.LinearAlgebra;

/// <summary>A = V·diag(λ)·Vᵀ for a symmetric matrix A: eigenvalues ascending and orthonormal eigenvectors.</summary>
public sealed class SymmetricEigenDecomposition
{
    internal SymmetricEigenDecomposition(int order, double[] eigenvalues, double[] eigenvectors)
    {
        Order = order;
        Eigenvalues = eigenvalues;
        Eigenvectors = eigenvectors;
    }

    public int Order { get; }

    /// <summary>λ₀ ≤ λ₁ ≤ … ≤ λ_{n−1}.</summary>
    public double[] Eigenvalues { get; }

    /// <summary>V, row-major order × order: column j (elements j, n + j, 2n + j, …) is the eigenvector of λⱼ.</summary>
    public double[] Eigenvectors { get; }
}
