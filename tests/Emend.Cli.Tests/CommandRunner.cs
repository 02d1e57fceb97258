using System.CommandLine;

namespace Emend.Cli.Tests;

/// <summary>Runs one command as <c>emend</c> would, capturing its output and error text without touching Console.</summary>
internal static class CommandRunner
{
    public static (int ExitCode, string Output, string Error) Run(Command command, params string[] args)
    {
        var root = new RootCommand("test") { command };
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
