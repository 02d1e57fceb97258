using System.Text.Json;

namespace Emend.Cli.Tests;

public class BenchForwardCommandTests
{
    [Fact]
    public void BenchForwardRejectsAZeroRepeatCount()
    {
        var (exitCode, _, error) = CommandRunner.Run(BenchCommand.Create(), "bench", "forward", "--repeat", "0");
        Assert.Equal(2, exitCode);
        Assert.Contains("--repeat", error);
    }

    [SkippableFact]
    public void LoadMemoryChildReportsThePeakOfAnEmptyProcessAndOfALoadedModel()
    {
        Skip.IfNot(File.Exists("/proc/self/status"), "resident memory is read from /proc/self/status (Linux)");
        Skip.IfNot(SharedDataLocator.TryResolve("models/factsworld-gpt2", out var model, out var problem), problem);
        var (exitCode, output, _) = CommandRunner.Run(BenchCommand.Create(), "bench", "load-memory");
        Assert.Equal(0, exitCode);
        var empty = JsonDocument.Parse(output).RootElement;
        Assert.True(empty.GetProperty("peakResidentBytes").GetInt64() > 0);

        (exitCode, output, _) = CommandRunner.Run(BenchCommand.Create(), "bench", "load-memory", "--model", model);
        Assert.Equal(0, exitCode);
        var loaded = JsonDocument.Parse(output).RootElement;
        var afterLoad = loaded.GetProperty("residentAfterLoadBytes").GetInt64();
        Assert.InRange(afterLoad, 1L << 20, loaded.GetProperty("peakResidentBytes").GetInt64());
    }
}
