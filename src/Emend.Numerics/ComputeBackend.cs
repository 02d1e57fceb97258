namespace Emend.Numerics;

/// <summary>Which implementation serves GEMM and dense solves.</summary>
public enum ComputeBackend
{
    /// <summary>The managed SIMD kernels in this assembly (default; no native dependency).</summary>
    Managed,

    /// <summary>OpenBLAS, when <see cref="OpenBlasLibrary.IsAvailable"/>; selecting it without the library is an error.</summary>
    OpenBlas,
}
