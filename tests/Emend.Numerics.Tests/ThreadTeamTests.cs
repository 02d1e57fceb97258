namespace Emend.Numerics.Tests;

public class ThreadTeamTests
{
    private struct RecordingJob(int[] threadIds) : ITeamJob
    {
        public int Calls;

        public void Execute(int worker, int workers)
        {
            threadIds[worker] = Environment.CurrentManagedThreadId;
            Interlocked.Increment(ref Calls);
        }
    }

    [Fact]
    public void EveryWorkerRunsOnceOnItsOwnThreadAndWorkerZeroIsTheCaller()
    {
        using var team = new ThreadTeam();
        var threadIds = new int[4];
        var job = new RecordingJob(threadIds);
        team.Run(4, ref job);
        Assert.Equal(4, job.Calls);
        Assert.Equal(Environment.CurrentManagedThreadId, threadIds[0]);
        Assert.Equal(4, threadIds.Distinct().Count());
    }

    [Fact]
    public void ManyRunsInARowLoseNoWakeUpIncludingAfterWorkersHaveBlocked()
    {
        using var team = new ThreadTeam();
        var counts = new int[3];
        for (var run = 0; run < 3000; run++)
        {
            if (run % 1000 == 999) Thread.Sleep(20);
            team.Run(3, worker => counts[worker]++);
        }
        Assert.Equal([3000, 3000, 3000], counts);
    }

    [Fact]
    public void AnExceptionInAWorkerReachesTheCallerAndTheTeamStaysUsable()
    {
        using var team = new ThreadTeam();
        var error = Assert.Throws<InvalidOperationException>(() =>
            team.Run(2, worker => { if (worker == 1) throw new InvalidOperationException("share 1 failed"); }));
        Assert.Equal("share 1 failed", error.Message);
        var ran = new bool[2];
        team.Run(2, worker => ran[worker] = true);
        Assert.Equal([true, true], ran);
    }

    [Fact]
    public void ANestedRunExecutesInlineInsteadOfDeadlocking()
    {
        using var team = new ThreadTeam();
        var inner = new int[2];
        team.Run(2, outer => team.Run(3, worker => Interlocked.Increment(ref inner[outer])));
        Assert.Equal([3, 3], inner);
    }

    [Fact]
    public void ConcurrentCallersAreServedOneAfterAnother()
    {
        using var team = new ThreadTeam();
        var totals = new long[4];
        Parallel.For(0, 4, caller =>
        {
            for (var run = 0; run < 200; run++)
                team.Run(2, worker => Interlocked.Add(ref totals[caller], worker + 1));
        });
        Assert.All(totals, total => Assert.Equal(200 * 3, total));
    }

    [Fact]
    public void ADisposedTeamRefusesWork()
    {
        var team = new ThreadTeam();
        team.Run(2, _ => { });
        team.Dispose();
        Assert.Throws<ObjectDisposedException>(() => team.Run(2, _ => { }));
    }
}
