using System.CommandLine;

namespace Emend.Cli;

/// <summary>Entry point of the <c>emend</c> command.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Emend: knowledge editing for language models");
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(TokenizeCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(ScoreCommand.Create());
        root.Subcommands.Add(RecallCommand.Create());
        return root.Parse(args).Invoke();
    }
}
