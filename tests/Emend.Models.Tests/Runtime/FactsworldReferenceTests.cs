using System.Text.Json;
using Emend.Models.Generation;
using Emend.Models.Runtime;
using Emend.Models.Scoring;
using Emend.Tests;

namespace Emend.Models.Tests.Runtime;

/// <summary>
/// The trained factsworld GPT-2 (6 layers, vocab 26,476) against the 50 DEV cases of its reference.json: HF's top-5
/// next tokens, 8 greedy tokens, generate() with EOS stopping, and teacher-forced recall of the true answer.
/// </summary>
public class FactsworldReferenceTests
{
    private const int EndOfText = 26475;

    private sealed record Case(int[] Prompt, int[] GroundTruth, int[] TargetNew, int[] Top5, int[] Greedy8, int[] HfGenerate);

    private static (string Directory, Case[] Cases) Load()
    {
        var directory = SharedData.Require(Path.Combine("models", "factsworld-gpt2"));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "reference.json")));
        static int[] Ids(JsonElement c, string field) => c.GetProperty(field).Deserialize<int[]>()!;
        var cases = json.RootElement.GetProperty("reference_cases").GetProperty("dev").EnumerateArray()
            .Select(c => new Case(Ids(c, "prompt_ids"), Ids(c, "ground_truth_ids"), Ids(c, "target_new_ids"), Ids(c, "top5_next_ids"),
                Ids(c, "greedy8_ids"), Ids(c, "hf_generate_ids")))
            .ToArray();
        return (directory, cases);
    }

    [SkippableFact]
    public void TopFiveNextTokensMatchHf()
    {
        var (directory, cases) = Load();
        using var model = Transformer.Load(directory);
        var batch = TokenBatch.RightPadded(cases.Select(c => (IReadOnlyList<int>)c.Prompt).ToArray());
        var rows = Enumerable.Range(0, cases.Length).Select(batch.LastRow).ToArray();
        var result = model.Forward(batch, new ForwardOptions { LogitRows = rows });
        for (var i = 0; i < cases.Length; i++)
        {
            var logits = result.LogitsRow(i).ToArray();
            var top5 = Enumerable.Range(0, logits.Length).OrderByDescending(j => logits[j]).Take(5).ToArray();
            Assert.Equal(cases[i].Top5, top5);
        }
    }

    [SkippableFact]
    public void BatchedGreedyContinuationsMatchHf()
    {
        var (directory, cases) = Load();
        using var model = Transformer.Load(directory);
        var prompts = cases.Select(c => (IReadOnlyList<int>)c.Prompt).ToArray();
        var greedy = model.Generate(prompts, new GenerationOptions { MaxNewTokens = 8 });
        var stopping = model.Generate(prompts, new GenerationOptions { MaxNewTokens = 8, StopTokens = [EndOfText] });
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.Equal(cases[i].Greedy8, greedy.Tokens[i]);
            Assert.Equal(cases[i].HfGenerate, stopping.Tokens[i]);
        }
    }

    [SkippableFact]
    public void TeacherForcedScoresAgreeWithGreedyDecoding()
    {
        var (directory, cases) = Load();
        using var model = Transformer.Load(directory);
        var truth = model.ScoreContinuations(cases.Select(c => ((IReadOnlyList<int>)c.Prompt, (IReadOnlyList<int>)c.GroundTruth)).ToArray());
        var alternative = model.ScoreContinuations(cases.Select(c => ((IReadOnlyList<int>)c.Prompt, (IReadOnlyList<int>)c.TargetNew)).ToArray());
        for (var i = 0; i < cases.Length; i++)
        {
            var greedyStartsWithTruth = cases[i].Greedy8.AsSpan().StartsWith(cases[i].GroundTruth);
            Assert.Equal(greedyStartsWithTruth, truth[i].IsGreedyMatch);
            Assert.Equal(cases[i].Top5[0], truth[i].ArgmaxTokens[0]);
            Assert.True(truth[i].MeanLogProbability > alternative[i].MeanLogProbability, $"case {i}: the true answer should outscore target_new");
        }
    }
}
