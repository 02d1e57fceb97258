namespace Emend.Models.Tests;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    /// <param name="inMemory">
    /// Use a RAM-backed folder (/dev/shm) when the system has one: for tests that create thousands of tiny files,
    /// where a disk file system spends milliseconds per file on journaling.
    /// </param>
    public TempDirectory(bool inMemory = false)
    {
        var parent = inMemory && Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(parent, "emend-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
