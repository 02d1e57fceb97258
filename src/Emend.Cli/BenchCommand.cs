using System.CommandLine;

namespace Emend.Cli;

/// <summary><c>emend bench</c>: the parent of the measurement subcommands, each comparing against a same-run reference.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure kernels and model paths (reports ratios against a reference measured in the same run)");
        bench.Subcommands.Add(BenchTokenizeCommand.Create());
        bench.Subcommands.Add(BenchGemmCommand.Create());
        bench.Subcommands.Add(BenchConvertCommand.Create());
        bench.Subcommands.Add(BenchSolveCommand.Create());
        bench.Subcommands.Add(BenchForwardCommand.Create());
        bench.Subcommands.Add(BenchLoadMemoryCommand.Create());
        return bench;
    }
}
