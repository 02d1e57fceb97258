using System.Diagnostics;

namespace Emend.Numerics;

/// <summary>
/// Waits for an <see cref="int"/> to reach a value: first by spinning, which catches the microsecond gaps between
/// consecutive kernels without a kernel transition, then by blocking, so that an idle team does not burn cores
/// that other work needs. The writer calls <see cref="Notify"/> after its write.
/// </summary>
internal sealed class SpinThenBlockWait
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000;

    private readonly object _lock = new();
    private int _sleepers;

    public void WaitUntilEquals(ref int location, int expected)
    {
        var deadline = Stopwatch.GetTimestamp() + SpinTicks;
        var spins = 0;
        while (Volatile.Read(ref location) != expected)
        {
            if ((++spins & 31) == 0 && Stopwatch.GetTimestamp() > deadline)
            {
                Block(ref location, expected);
                return;
            }
            Thread.SpinWait(4);
        }
    }

    /// <summary>Wakes blocked waiters; the fence pairs with the one in <see cref="Block"/> so no wake-up is lost.</summary>
    public void Notify()
    {
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _sleepers) != 0)
            lock (_lock) Monitor.PulseAll(_lock);
    }

    private void Block(ref int location, int expected)
    {
        lock (_lock)
        {
            Interlocked.Increment(ref _sleepers);
            while (Volatile.Read(ref location) != expected)
                Monitor.Wait(_lock);
            Interlocked.Decrement(ref _sleepers);
        }
    }
}
