using System.CommandLine;
using System.Text.Json;
using Emend.Tests;

namespace Emend.Cli.Tests;

public class TokenizeCommandTests
{
    [SkippableFact]
    public void PrintsHfIdsAndTokensAsJson()
    {
        var directory = SharedData.Require("reference/hf-tiny/tokenizers/gpt2");
        var (exitCode, output, _) = Run(TokenizeCommand.Create(), "--tokenizer", directory, "--json", "Hello world<|endoftext|>");
        Assert.Equal(0, exitCode);
        using var result = JsonDocument.Parse(output);
        Assert.Equal([15496, 995, 50256], result.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(["Hello", "Ġworld", "<|endoftext|>"], result.RootElement.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Hello world<|endoftext|>", result.RootElement.GetProperty("decoded").GetString());
    }

    [SkippableFact]
    public void SplitsSpecialTokensAndAddsBosOnRequest()
    {
        var directory = SharedData.Require("reference/hf-tiny/tokenizers/gpt2");
        var (_, output, _) = Run(TokenizeCommand.Create(), "--tokenizer", directory, "--split-special-tokens", "<|endoftext|>");
        Assert.Contains("[27, 91, 437, 1659, 5239, 91, 29]", output);
        var llama = SharedData.Require("models/stories260K/hf");
        var (_, withBos, _) = Run(TokenizeCommand.Create(), "--tokenizer", llama, "Once");
        var (_, withoutBos, _) = Run(TokenizeCommand.Create(), "--tokenizer", llama, "--no-special-tokens", "Once");
        Assert.Contains("ids        [1, ", withBos);
        Assert.DoesNotContain("ids        [1, ", withoutBos);
    }

    [Fact]
    public void ReportsAMissingDirectory()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"emend-missing-{Guid.NewGuid():N}");
        var (exitCode, _, error) = Run(TokenizeCommand.Create(), "--tokenizer", missing, "text");
        Assert.Equal(1, exitCode);
        Assert.Contains("tokenizer directory not found", error);
    }

    [SkippableFact]
    public void BenchReportsBothTokenizersOnAGivenCorpus()
    {
        SharedData.Require("reference/hf-tiny/tokenizers/llama2/tokenizer.model");
        var corpus = Path.Combine(Path.GetTempPath(), $"emend-corpus-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(corpus, ["Hello world, this is a test.", "", "Another line with café and 日本語."]);
        try
        {
            var (exitCode, output, _) = Run(BenchCommand.Create(), "tokenize", "--corpus", corpus, "--repeat", "1", "--threads", "2", "--json");
            Assert.Equal(0, exitCode);
            using var result = JsonDocument.Parse(output);
            var reports = result.RootElement.EnumerateArray().ToArray();
            Assert.Equal(["gpt2 byte-level BPE", "llama2 sentencepiece"], reports.Select(r => r.GetProperty("tokenizer").GetString()));
            Assert.All(reports, r => Assert.Equal(2, r.GetProperty("lines").GetInt32()));
            Assert.All(reports, r => Assert.Equal(4, r.GetProperty("measurements").GetArrayLength()));
        }
        finally
        {
            File.Delete(corpus);
        }
    }

    [Fact]
    public void SharedDataLocatorExplainsWhatIsMissing()
    {
        Assert.False(SharedDataLocator.TryResolve("no/such/file.txt", out _, out var problem));
        Assert.Contains("shared data", problem);
    }

    private static (int ExitCode, string Output, string Error) Run(Command command, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = command.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
