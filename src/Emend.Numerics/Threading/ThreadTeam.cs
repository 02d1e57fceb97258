using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Emend.Numerics;

/// <summary>
/// A persistent team of worker threads for data-parallel kernels. A GEMM call is over in microseconds to
/// milliseconds, so starting tasks per block (Parallel.For) would cost more than the work; here workers stay
/// alive, wait spin-then-block for the next job, and the caller joins them with the same kind of wait.
/// The calling thread is worker 0. One job runs at a time: concurrent callers queue, and a job that itself calls
/// <see cref="Run{TJob}(int, ref TJob)"/> runs the inner job's shares one after another on its own thread.
/// </summary>
public sealed unsafe class ThreadTeam : IDisposable
{
    [ThreadStatic] private static bool t_insideJob;

    private readonly object _dispatchLock = new();
    private readonly List<Worker> _workers = [];
    private readonly SpinThenBlockWait _joinWait = new();
    private delegate*<void*, int, int, void> _invoke;
    private void* _job;
    private int _activeWorkers;
    private int _remaining;
    private ExceptionDispatchInfo? _error;
    private volatile bool _disposed;

    /// <summary>The process-wide team used by the kernels of this assembly; it grows to the largest team asked for.</summary>
    public static ThreadTeam Shared { get; } = new();

    /// <summary>Runs <paramref name="body"/>(worker) for worker = 0 … <paramref name="workers"/> − 1 in parallel.</summary>
    public void Run(int workers, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var job = new ActionJob(body);
        Run(workers, ref job);
    }

    /// <summary>
    /// Runs <c>job.Execute(worker, workers)</c> for every worker in parallel and returns when all have finished;
    /// the first exception thrown by any share is rethrown here. Changes the shares make to the job's fields are
    /// copied back into <paramref name="job"/>.
    /// </summary>
    public void Run<TJob>(int workers, ref TJob job) where TJob : struct, ITeamJob
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        if (workers == 1 || t_insideJob)
        {
            for (var w = 0; w < workers; w++) job.Execute(w, workers);
            return;
        }

        lock (_dispatchLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            EnsureWorkers(workers - 1);
            var local = job;
            _invoke = &JobInvoker<TJob>.Invoke;
            _job = Unsafe.AsPointer(ref local);
            _activeWorkers = workers;
            _error = null;
            Volatile.Write(ref _remaining, workers - 1);
            for (var w = 1; w < workers; w++) _workers[w - 1].Wake();

            t_insideJob = true;
            try
            {
                Execute(0);
            }
            finally
            {
                t_insideJob = false;
                _joinWait.WaitUntilEquals(ref _remaining, 0);
                _job = null;
            }
            _error?.Throw();
            job = local;
        }
    }

    public void Dispose()
    {
        lock (_dispatchLock)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var worker in _workers) worker.Wake();
            foreach (var worker in _workers) worker.Thread.Join();
        }
    }

    private void Execute(int worker)
    {
        try
        {
            _invoke(_job, worker, _activeWorkers);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
        }
    }

    private void EnsureWorkers(int count)
    {
        while (_workers.Count < count)
            _workers.Add(new Worker(this, _workers.Count + 1));
    }

    private void WorkerLoop(Worker worker)
    {
        t_insideJob = true;
        var seen = 0;
        while (true)
        {
            worker.Wait.WaitUntilEquals(ref worker.Ticket, seen + 1);
            seen++;
            if (_disposed) return;
            Execute(worker.Index);
            if (Interlocked.Decrement(ref _remaining) == 0) _joinWait.Notify();
        }
    }

    private sealed class Worker
    {
        public readonly int Index;
        public readonly SpinThenBlockWait Wait = new();
        public readonly Thread Thread;
        public int Ticket;

        public Worker(ThreadTeam team, int index)
        {
            Index = index;
            Thread = new Thread(() => team.WorkerLoop(this)) { IsBackground = true, Name = $"Emend team worker {index}" };
            Thread.Start();
        }

        /// <summary>Hands this worker the job that the team published before calling.</summary>
        public void Wake()
        {
            Interlocked.Increment(ref Ticket);
            Wait.Notify();
        }
    }

    private static class JobInvoker<TJob> where TJob : struct, ITeamJob
    {
        public static void Invoke(void* job, int worker, int workers) => Unsafe.AsRef<TJob>(job).Execute(worker, workers);
    }

    private readonly struct ActionJob(Action<int> body) : ITeamJob
    {
        public void Execute(int worker, int workers) => body(worker);
    }
}
