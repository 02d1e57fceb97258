using System.CommandLine;
using System.Text.Json;
using Emend.Tests;

namespace Emend.Cli.Tests;

public class InfoCommandTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { InfoCommand.Create() };
        var exitCode = root.Parse(["info", .. args]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    [SkippableFact]
    public void TextSummaryOfTheLlamaFixture()
    {
        var directory = SharedData.Require("reference/hf-tiny/llama");
        var (exitCode, output, error) = Run("--model", directory);

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        var lines = output.Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.Contains("architecture   llama", lines);
        Assert.Contains("layers         3", lines);
        Assert.Contains("heads          4 query, 2 key/value, head dim 16", lines);
        Assert.Contains("intermediate   172", lines);
        Assert.Contains("norm           RmsNorm (eps 1E-06)", lines);
        Assert.Contains("position       Rotary (16 of 16 dims, HalfSplit, theta 10000)", lines);
        Assert.Contains("dtypes         F32 ×30", lines);
        Assert.Contains("tensors        30", lines);
        // 1000·64·2 + 3·(2·64 + 64·64·2 + 32·64·2 + 3·64·172) + 64, independently of the library.
        Assert.Contains("parameters     264,384 (stored elements 264,384)", lines);
        Assert.Contains("size           1,060,632 bytes in 1 file(s)", lines);
        Assert.Contains("check          tensors match the config", lines);
    }

    [SkippableFact]
    public void JsonSummaryOfTheShardedLlama()
    {
        var directory = SharedData.Require("reference/hf-tiny/llama_sharded");
        var (exitCode, output, _) = Run("--model", directory, "--json");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("llama", root.GetProperty("spec").GetProperty("modelType").GetString());
        Assert.Equal("RmsNorm", root.GetProperty("spec").GetProperty("norm").GetString());
        Assert.Equal(2, root.GetProperty("spec").GetProperty("kvHeadCount").GetInt32());
        Assert.Equal(264_384, root.GetProperty("parameterCount").GetInt64());
        Assert.Equal(30, root.GetProperty("dTypeCounts").GetProperty("F32").GetInt32());
        Assert.True(root.GetProperty("sharded").GetBoolean());
        Assert.Equal(671_080 + 389_576, root.GetProperty("fileBytes").GetInt64());
        Assert.Equal(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"],
            root.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.True(root.GetProperty("conformance").GetProperty("isExact").GetBoolean());
    }

    [SkippableFact]
    public void SixteenBitCheckpointReportsItsDtype()
    {
        var source = SharedData.Require("reference/hf-tiny/gpt2");
        var directory = Path.Combine(Path.GetTempPath(), "emend-info-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            File.Copy(Path.Combine(source, "config.json"), Path.Combine(directory, "config.json"));
            File.Copy(Path.Combine(source, "model.bf16.safetensors"), Path.Combine(directory, "model.safetensors"));
            var (exitCode, output, _) = Run("--model", directory);
            Assert.Equal(0, exitCode);
            Assert.Contains("dtypes         BF16 ×40", output);
            Assert.Contains("lm head        tied to the token embedding", output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void MissingDirectoryIsAnErrorMessageNotACrash()
    {
        var (exitCode, output, error) = Run("--model", "/nonexistent/emend-model");
        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.StartsWith("error: ", error);
        Assert.Contains("/nonexistent/emend-model", error);
    }

    [Fact]
    public void InfoIsRegisteredOnTheRootCommand() => Assert.Equal(1, Program.Main(["info", "--model", "/nonexistent/emend-model"]));
}
