namespace Emend.Numerics.LinearAlgebra;

/// <summary>
/// One SPD-solve measurement: best-of-N seconds for the managed path and for OpenBLAS (null when absent) in the same
/// run, and each solution's relative residual ‖A·X − B‖_F / (‖A‖_F·‖X‖_F), so that speed is never read without accuracy.
/// </summary>
public sealed record SpdSolveTiming(int Order, int RightHandSides, double ManagedSeconds, double? OpenBlasSeconds,
    double ManagedResidual, double? OpenBlasResidual)
{
    /// <summary>Managed time over OpenBLAS time (lower is better; 1 is parity), or null without OpenBLAS.</summary>
    public double? Ratio => OpenBlasSeconds is { } reference ? ManagedSeconds / reference : null;
}
