using System.Text.Json;
using System.Text.Json.Nodes;
using Emend.Tests;

namespace Emend.Cli.Tests;

/// <summary>
/// The factsworld model's recall on a subset of its DEV cases (the first 40 plus every case HF's reference lists as an
/// exact-match failure) must reproduce HF's per-case failures exactly; the full-split figures are in docs/runtime.md.
/// </summary>
public class RecallCommandTests
{
    [SkippableFact]
    public void FailuresPerPromptTypeMatchHfReference()
    {
        var directory = SharedData.Require(Path.Combine("models", "factsworld-gpt2"));
        var reference = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "reference.json")))!["recall"]!["dev"]!;
        var expectedFailures = new[] { "prompt", "rephrase_prompt", "locality_prompt" }
            .ToDictionary(t => t, t => reference[t]!["failures_exact"]!.AsArray().Select(n => n!.GetValue<int>()).ToHashSet());
        var allFailing = expectedFailures.Values.SelectMany(f => f).ToHashSet();

        var cases = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "splits", "dev.json")))!.AsArray();
        var subset = new JsonArray(cases.Select((c, i) => (Case: c!, Index: i))
            .Where(p => p.Index < 40 || allFailing.Contains(p.Case["case_id"]!.GetValue<int>()))
            .Select(p => p.Case.DeepClone()).ToArray());
        var casesFile = Path.Combine(Path.GetTempPath(), $"emend-recall-{Guid.NewGuid():N}.json");
        File.WriteAllText(casesFile, subset.ToJsonString());
        try
        {
            var (exitCode, output, error) = CommandRunner.Run(RecallCommand.Create(), "recall", "--model", directory, "--cases", casesFile, "--json");
            Assert.True(exitCode == 0, error);
            using var json = JsonDocument.Parse(output);
            foreach (var split in json.RootElement.GetProperty("splits").EnumerateArray())
            {
                var type = split.GetProperty("promptType").GetString()!;
                var subsetIds = subset.Select(c => c!["case_id"]!.GetValue<int>()).ToHashSet();
                var expected = expectedFailures[type].Where(subsetIds.Contains).Order();
                var actual = split.GetProperty("failuresExact").EnumerateArray().Select(e => int.Parse(e.GetString()!)).Order();
                Assert.Equal(expected, actual);
                Assert.Equal(1.0, split.GetProperty("answerOutscoresTargetNew").GetDouble());
            }
        }
        finally
        {
            File.Delete(casesFile);
        }
    }
}
