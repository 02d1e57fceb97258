using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Emend.Models.Scoring;

namespace Emend.Cli;

/// <summary>
/// <c>emend recall</c>: how well a model recalls the facts of CounterFact cases (EasyEdit format), per prompt type:
/// exact greedy match of " "+answer, first-token accuracy, and whether the answer's mean token log-probability beats
/// " "+target_new. The answer is ground_truth for prompt and rephrase_prompt, locality_ground_truth for
/// locality_prompt; prompts are encoded as the tokenizer does by default, answers without special tokens.
/// </summary>
internal static class RecallCommand
{
    private sealed record CaseRecord(
        [property: JsonPropertyName("case_id")] JsonElement CaseId,
        [property: JsonPropertyName("prompt")] string Prompt,
        [property: JsonPropertyName("ground_truth")] string GroundTruth,
        [property: JsonPropertyName("target_new")] string TargetNew,
        [property: JsonPropertyName("rephrase_prompt")] string? RephrasePrompt,
        [property: JsonPropertyName("locality_prompt")] string? LocalityPrompt,
        [property: JsonPropertyName("locality_ground_truth")] string? LocalityGroundTruth);

    private sealed record SplitFigures(string PromptType, int N, double ExactGreedyMatch, double FirstTokenAccuracy, double AnswerOutscoresTargetNew, string[] FailuresExact);

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model directory (HF config.json + safetensors) or llama2.c checkpoint; its tokenizer is found beside it", Required = true };
        var cases = new Option<FileInfo>("--cases") { Description = "CounterFact cases in EasyEdit's JSON format (e.g. factsworld-gpt2/splits/dev.json)", Required = true };
        var limit = new Option<int>("--limit") { Description = "Evaluate only the first N cases (0 = all)" };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON" };
        var command = new Command("recall", "Fact recall of CounterFact cases per prompt type: exact greedy match, first-token accuracy, P(true) > P(new)");
        foreach (var option in new Option[] { model, cases, limit, json })
            command.Options.Add(option);
        command.SetAction(parseResult =>
        {
            try
            {
                var records = JsonSerializer.Deserialize<CaseRecord[]>(File.ReadAllText(parseResult.GetValue(cases)!.FullName))
                    ?? throw new InvalidDataException("the cases file holds no JSON array");
                if (parseResult.GetValue(limit) is > 0 and var n) records = records.Take(n).ToArray();
                using var loaded = LoadedModel.Open(parseResult.GetValue(model)!, float32: false);
                var clock = Stopwatch.StartNew();
                var splits = new List<SplitFigures>();
                foreach (var (type, select) in PromptTypes())
                {
                    var selected = records.Select(r => (Record: r, Probe: select(r))).Where(p => p.Probe is not null).ToArray();
                    var probes = selected.Select(p => Encode(loaded, p.Probe!.Value)).ToArray();
                    var results = FactRecall.Evaluate(loaded.Model, probes);
                    var (exact, first, ranking) = FactRecall.Rates(results);
                    var failures = selected.Where((_, i) => !results[i].ExactGreedyMatch).Select(p => p.Record.CaseId.ToString()).ToArray();
                    splits.Add(new SplitFigures(type, results.Length, exact, first, ranking, failures));
                }
                var output = parseResult.InvocationConfiguration.Output;
                if (parseResult.GetValue(json))
                    output.WriteLine(JsonSerializer.Serialize(new { cases = records.Length, seconds = clock.Elapsed.TotalSeconds, splits }, CliJson.Options));
                else
                {
                    output.WriteLine("| prompt type | n | exact greedy match | first-token acc | P(true) > P(new) | failures (case ids) |");
                    output.WriteLine("|---|---|---|---|---|---|");
                    foreach (var s in splits)
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"| {s.PromptType} | {s.N} | {s.ExactGreedyMatch:F4} | {s.FirstTokenAccuracy:F4} | {s.AnswerOutscoresTargetNew:F4} | {string.Join(", ", s.FailuresExact)} |"));
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"({clock.Elapsed.TotalSeconds:F1} s)"));
                }
                return 0;
            }
            catch (Exception e) when (LoadedModel.IsUserError(e) || e is JsonException or ArgumentException)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static IEnumerable<(string Type, Func<CaseRecord, (string Prompt, string Answer, string Alternative)?> Select)> PromptTypes()
    {
        yield return ("prompt", r => (r.Prompt, r.GroundTruth, r.TargetNew));
        yield return ("rephrase_prompt", r => r.RephrasePrompt is null ? null : (r.RephrasePrompt, r.GroundTruth, r.TargetNew));
        yield return ("locality_prompt", r => r.LocalityPrompt is null || r.LocalityGroundTruth is null ? null : (r.LocalityPrompt, r.LocalityGroundTruth, r.TargetNew));
    }

    private static FactProbe Encode(LoadedModel loaded, (string Prompt, string Answer, string Alternative) probe) => new(
        loaded.Tokenizer.Encode(probe.Prompt),
        loaded.Tokenizer.Encode(" " + probe.Answer, addSpecialTokens: false),
        loaded.Tokenizer.Encode(" " + probe.Alternative, addSpecialTokens: false));
}
