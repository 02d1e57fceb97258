using System.CommandLine;
using System.Text.Json;

namespace Emend.Cli.Tests;

public class BenchSolveCommandTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { BenchSolveCommand.Create() };
        var exitCode = root.Parse(["solve", .. args]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void JsonReportsEveryRequestedProblemWithAccurateSolutions()
    {
        var (exitCode, output, error) = Run("--sizes", "40:3,70:5", "--eigen-sizes", "30", "--repeat", "1", "--threads", "1", "--json");

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        using var json = JsonDocument.Parse(output);
        var solves = json.RootElement.GetProperty("solve").EnumerateArray().ToArray();
        Assert.Equal([(40, 3), (70, 5)], solves.Select(s => (s.GetProperty("order").GetInt32(), s.GetProperty("rightHandSides").GetInt32())));
        Assert.All(solves, s =>
        {
            Assert.True(s.GetProperty("managedSeconds").GetDouble() > 0);
            Assert.True(s.GetProperty("managedResidual").GetDouble() < 1e-14);
        });
        var eigen = Assert.Single(json.RootElement.GetProperty("eigen").EnumerateArray());
        Assert.Equal(30, eigen.GetProperty("order").GetInt32());
        if (eigen.GetProperty("openBlasSeconds").ValueKind != JsonValueKind.Null)
            Assert.True(eigen.GetProperty("maxEigenvalueDifference").GetDouble() < 1e-12);
    }

    [Fact]
    public void TextOutputHasOneRowPerProblem()
    {
        var (exitCode, output, _) = Run("--sizes", "24:2", "--eigen-sizes", "0", "--repeat", "1", "--threads", "1");

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("threads 1, best of 1", lines[0]);
        Assert.Contains(lines, line => line.TrimStart().StartsWith("24      2"));
        Assert.DoesNotContain(lines, line => line.Contains("eigen order"));
    }

    [Fact]
    public void MalformedSizesAreRejectedWithTheOffendingToken()
    {
        var (exitCode, _, error) = Run("--sizes", "3072x768");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("'3072x768'", error);
    }

    [Fact]
    public void NonPositiveRepeatIsRejected()
    {
        var (exitCode, _, error) = Run("--sizes", "8:1", "--repeat", "0");

        Assert.Equal(2, exitCode);
        Assert.Contains("--repeat", error);
    }

    [Fact]
    public void SolveIsRegisteredUnderBench() =>
        Assert.Contains(BenchCommand.Create().Subcommands, command => command.Name == "solve");
}
