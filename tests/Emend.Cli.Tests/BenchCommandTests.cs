using System.CommandLine;
using System.Text.Json;

namespace Emend.Cli.Tests;

public class BenchCommandTests
{
    private static (int ExitCode, string Output, string Error) Invoke(params string[] args)
    {
        var root = new RootCommand { BenchCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void BenchConvertEmitsOneJsonRecordPerConversion()
    {
        var (exitCode, output, _) = Invoke("bench", "convert", "--json", "--elements", "4099", "--repeat", "1");
        Assert.Equal(0, exitCode);
        var records = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal(["bf16->fp32", "fp16->fp32", "fp32->bf16", "fp32->fp16"], records.Select(r => r.GetProperty("conversion").GetString()));
        Assert.All(records, r => Assert.True(r.GetProperty("gElementsPerSecond").GetDouble() > 0));
    }

    [Fact]
    public void BenchGemmReportsManagedAndOpenBlasThroughputForTheFilteredCase()
    {
        var (exitCode, output, _) = Invoke("bench", "gemm", "--json", "--filter", "dgemm NT", "--repeat", "1", "--threads", "1");
        Assert.Equal(0, exitCode);
        var record = Assert.Single(JsonDocument.Parse(output).RootElement.EnumerateArray().ToList());
        Assert.Equal("float64", record.GetProperty("precision").GetString());
        Assert.Equal(2048, record.GetProperty("m").GetInt32());
        Assert.True(record.GetProperty("managedGflops").GetDouble() > 0);
        var openBlas = record.GetProperty("openBlasGflops");
        Assert.Equal(openBlas.ValueKind == JsonValueKind.Null, record.GetProperty("ratio").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public void BenchGemmRejectsAZeroRepeatCount()
    {
        var (exitCode, _, error) = Invoke("bench", "gemm", "--repeat", "0");
        Assert.Equal(2, exitCode);
        Assert.Contains("--repeat", error);
    }
}
