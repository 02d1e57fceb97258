using Emend.Numerics;

namespace Emend.Models.Runtime;

/// <summary>A share of row-wise work: rows [start, end) computed independently of every other row.</summary>
internal interface IRowWork
{
    void Run(int start, int end);
}

/// <summary>
/// Splits row-wise work (every row computed on its own, so the split never changes a value and results do not depend
/// on the thread count) into contiguous row ranges, one per worker of <see cref="ThreadTeam.Shared"/>, once the work
/// is large enough to pay for waking them.
/// </summary>
internal static class RowSplit
{
    /// <summary>Below this many elements per worker, another worker costs more (waking, cache traffic) than it saves.</summary>
    private const long MinElementsPerWorker = 1 << 18;

    public static void Run<TWork>(int rows, long elements, TWork work) where TWork : struct, IRowWork
    {
        var workers = (int)Math.Clamp(Math.Min(elements / MinElementsPerWorker, rows), 1, ComputeSettings.ThreadCount);
        if (workers == 1)
        {
            work.Run(0, rows);
            return;
        }
        var job = new Job<TWork>(work, rows);
        ThreadTeam.Shared.Run(workers, ref job);
    }

    private readonly struct Job<TWork>(TWork work, int rows) : ITeamJob where TWork : struct, IRowWork
    {
        public void Execute(int worker, int workers)
        {
            var start = (int)((long)rows * worker / workers);
            var end = (int)((long)rows * (worker + 1) / workers);
            if (start < end) work.Run(start, end);
        }
    }
}
