using System.Runtime.Intrinsics;

namespace Emend.Numerics;

/// <summary>
/// The register width a kernel family is compiled for. Kernels exist for each width so that a machine without
/// AVX-512 (or without SIMD at all) still runs, and tests can force every width on an AVX-512 machine.
/// </summary>
internal enum SimdWidth
{
    Scalar,
    Vector256,
    Vector512,
}

internal static class SimdWidths
{
    /// <summary>The widest width the hardware accelerates.</summary>
    public static SimdWidth Detected { get; } =
        Vector512.IsHardwareAccelerated ? SimdWidth.Vector512
        : Vector256.IsHardwareAccelerated ? SimdWidth.Vector256
        : SimdWidth.Scalar;

    /// <summary>The width kernels use now: <see cref="ComputeSettings.ForcedSimdWidth"/> when set, else the detected one.</summary>
    public static SimdWidth Current => ComputeSettings.ForcedSimdWidth ?? Detected;
}
