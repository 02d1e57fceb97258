using Emend.Numerics;

namespace Emend.Models.Runtime;

/// <summary>
/// Splits row-wise work (every row computed independently, so the split never changes a value) into contiguous row
/// ranges, one per worker of <see cref="ThreadTeam.Shared"/>, once the work is large enough to pay for waking them.
/// </summary>
internal static class RowSplit
{
    /// <summary>Below this many elements per worker, another worker costs more (waking, cache traffic) than it saves.</summary>
    private const long MinElementsPerWorker = 1 << 18;

    public static int Workers(int rows, long elements) =>
        (int)Math.Clamp(Math.Min(elements / MinElementsPerWorker, rows), 1, ComputeSettings.ThreadCount);

    public static (int Start, int End) Range(int rows, int worker, int workers) =>
        ((int)((long)rows * worker / workers), (int)((long)rows * (worker + 1) / workers));
}
