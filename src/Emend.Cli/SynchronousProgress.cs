namespace Emend.Cli;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the calling thread, in order. <see cref="Progress{T}"/> posts to
/// the thread pool, which would let lines arrive after the command has already printed its summary.
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
