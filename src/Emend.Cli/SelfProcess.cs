using System.Diagnostics;
using System.Reflection;

namespace Emend.Cli;

/// <summary>Runs this very <c>emend</c> executable as a child process (for measurements that need a fresh process).</summary>
internal static class SelfProcess
{
    /// <summary>Runs <c>emend <paramref name="arguments"/></c> and returns its standard output.</summary>
    /// <exception cref="InvalidOperationException">The child failed; its error output is in the message.</exception>
    public static string Run(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = StartInfo();
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"'{start.FileName} {string.Join(' ', start.ArgumentList)}' exited with {process.ExitCode}: {error.Result.Trim()}");
        return output;
    }

    /// <summary>The apphost when emend runs as one; <c>dotnet emend.dll</c> when it runs under the muxer.</summary>
    private static ProcessStartInfo StartInfo()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this process is unknown");
        var entry = Assembly.GetEntryAssembly();
        if (entry?.GetName().Name != "emend")
            throw new InvalidOperationException("a child emend process can only be started from the emend executable itself");
        if (Path.GetFileNameWithoutExtension(host) != "dotnet") return new ProcessStartInfo(host);
        var start = new ProcessStartInfo(host);
        start.ArgumentList.Add(entry.Location);
        return start;
    }
}
