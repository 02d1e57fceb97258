using System.Text.Json;
using Emend.Tests;

namespace Emend.Cli.Tests;

public class TextCommandTests
{
    [SkippableFact]
    public void GenerateContinuesStories260KGreedily()
    {
        var model = SharedData.Require(Path.Combine("models", "stories260K", "llama2c"));
        var (exitCode, output, error) = CommandRunner.Run(GenerateCommand.Create(),
            "generate", "--model", model, "--prompt", "Once upon a time", "--max-new-tokens", "20", "--json");
        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.StartsWith(", there was a little girl named Lily.", json.RootElement.GetProperty("completion").GetString());
        Assert.Equal(20, json.RootElement.GetProperty("generatedIds").GetArrayLength());
    }

    [SkippableFact]
    public void SeededSamplingIsReproducibleAndDiffersAcrossSeeds()
    {
        var model = SharedData.Require(Path.Combine("models", "stories260K", "hf"));
        string Sample(string seed)
        {
            var (exitCode, output, error) = CommandRunner.Run(GenerateCommand.Create(),
                "generate", "--model", model, "--prompt", "Once upon a time", "--max-new-tokens", "24", "--top-k", "40", "--seed", seed);
            Assert.True(exitCode == 0, error);
            return output;
        }
        Assert.Equal(Sample("1"), Sample("1"));
        Assert.NotEqual(Sample("1"), Sample("2"));
    }

    [SkippableFact]
    public void ScoreReportsTheFactsworldAnswerAsGreedy()
    {
        var model = SharedData.Require(Path.Combine("models", "factsworld-gpt2"));
        var (exitCode, output, error) = CommandRunner.Run(ScoreCommand.Create(),
            "score", "--model", model, "--prompt", "David Robinson professionally plays the sport", "--continuation", " basketball", "--json");
        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("greedyMatch").GetBoolean());
        var logProbability = json.RootElement.GetProperty("sumLogProbability").GetDouble();
        Assert.InRange(logProbability, -0.01, 0);
    }

    [Fact]
    public void MissingModelIsAnErrorMessageNotACrash()
    {
        var (exitCode, _, error) = CommandRunner.Run(ScoreCommand.Create(),
            "score", "--model", Path.Combine(Path.GetTempPath(), "no-such-emend-model"), "--prompt", "a", "--continuation", "b");
        Assert.Equal(1, exitCode);
        Assert.Contains("not found", error);
    }
}
