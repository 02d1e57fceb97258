using System.CommandLine;
using System.Text.Json;
using Emend.Models.Benchmarking;

namespace Emend.Cli;

/// <summary>
/// <c>emend bench load-memory [--model DIR]</c> (hidden): the child process of <c>emend bench forward</c>'s memory
/// figure. It loads the model, runs one forward pass and prints its own peak resident memory as JSON; without
/// <c>--model</c> it loads nothing, which gives the runtime's baseline.
/// </summary>
internal static class BenchLoadMemoryCommand
{
    public const string Name = "load-memory";

    public static Command Create()
    {
        var model = new Option<DirectoryInfo?>("--model") { Description = "Model directory to load; omit to measure an empty process" };
        var command = new Command(Name, "Peak resident memory of loading a model and one forward pass, as JSON (run in a fresh process)") { Hidden = true };
        command.Options.Add(model);
        command.SetAction(parseResult =>
        {
            var directory = parseResult.GetValue(model);
            var report = directory is null
                ? new LoadMemoryReport(0, LoadMemoryProbe.PeakResidentBytes())
                : LoadMemoryProbe.Measure(directory.FullName);
            parseResult.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(report, CliJson.Options));
            return 0;
        });
        return command;
    }
}
