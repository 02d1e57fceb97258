namespace Emend.Numerics;

/// <summary>Process-wide compute settings: how many threads kernels may use and which backend serves GEMM/solves.</summary>
public static class ComputeSettings
{
    private static int _threadCount = Environment.ProcessorCount;

    /// <summary>Threads used by GEMM and other parallel kernels; 1 gives bit-reproducible single-thread runs.</summary>
    public static int ThreadCount
    {
        get => _threadCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _threadCount = value;
        }
    }

    private static ComputeBackend _backend = ComputeBackend.Managed;

    /// <summary>The GEMM/solve backend; choosing OpenBLAS when it is absent fails here rather than at first use.</summary>
    public static ComputeBackend Backend
    {
        get => _backend;
        set
        {
            if (value == ComputeBackend.OpenBlas && !OpenBlasLibrary.IsAvailable)
                throw new InvalidOperationException("OpenBLAS backend requested but libopenblas.so.0 was not found (Debian: apt-get install libopenblas0-pthread)");
            _backend = value;
        }
    }

    private static SimdWidth? _forcedSimdWidth;

    /// <summary>
    /// Forces the kernels onto one register width (null: the widest the hardware accelerates). Internal because it
    /// exists to test and measure the narrower fallbacks on a wide machine, not as a tuning knob.
    /// </summary>
    internal static SimdWidth? ForcedSimdWidth
    {
        get => _forcedSimdWidth;
        set
        {
            if (value is { } width && !Enum.IsDefined(width))
                throw new ArgumentOutOfRangeException(nameof(value), width, "unknown SIMD width");
            _forcedSimdWidth = value;
        }
    }
}
