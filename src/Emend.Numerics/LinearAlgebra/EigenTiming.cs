namespace Emend.Numerics.LinearAlgebra;

/// <summary>
/// One eigendecomposition measurement against OpenBLAS <c>dsyevd_</c> in the same run (null fields when absent);
/// <see cref="MaxEigenvalueDifference"/> is max |λᵢ − λᵢ(dsyevd)| / max |λ|.
/// </summary>
public sealed record EigenTiming(int Order, double ManagedSeconds, double? OpenBlasSeconds, double? MaxEigenvalueDifference)
{
    /// <summary>Managed time over OpenBLAS time (lower is better; 1 is parity), or null without OpenBLAS.</summary>
    public double? Ratio => OpenBlasSeconds is { } reference ? ManagedSeconds / reference : null;
}
