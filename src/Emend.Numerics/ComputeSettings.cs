namespace Emend.Numerics;

/// <summary>Process-wide compute settings: how many threads kernels may use.</summary>
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
}
