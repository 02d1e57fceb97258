using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Emend.Models.Scoring;

namespace Emend.Cli;

/// <summary><c>emend score</c>: the log-probability of a continuation after a prompt, token by token, teacher-forced.</summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model directory (HF config.json + safetensors) or llama2.c checkpoint; its tokenizer is found beside it", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "The context (the tokenizer adds BOS where the model expects it)", Required = true };
        var continuation = new Option<string>("--continuation") { Description = "The text to score after the prompt, tokenized on its own (include a leading space where the tokenizer expects one, e.g. \" Paris\")", Required = true };
        var float32 = new Option<bool>("--float32") { Description = "Copy 16-bit weights to float32 instead of widening them inside GEMM" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("score", "Log-probability of a continuation after a prompt, with the teacher-forced arg-max at each token");
        foreach (var option in new Option[] { model, prompt, continuation, float32, json })
            command.Options.Add(option);
        command.SetAction(parseResult =>
        {
            try
            {
                using var loaded = LoadedModel.Open(parseResult.GetValue(model)!, parseResult.GetValue(float32));
                var tokenizer = loaded.Tokenizer;
                var promptIds = tokenizer.Encode(parseResult.GetValue(prompt)!);
                var continuationIds = tokenizer.Encode(parseResult.GetValue(continuation)!, addSpecialTokens: false);
                if (continuationIds.Length == 0) throw new ArgumentException("the continuation encodes to no tokens");
                var score = loaded.Model.ScoreContinuations([(promptIds, continuationIds)])[0];
                var tokens = continuationIds.Select((id, i) => new
                {
                    id,
                    token = tokenizer.Decode([id]),
                    logProbability = score.TokenLogProbabilities[i],
                    argmaxId = score.ArgmaxTokens[i],
                    argmaxToken = tokenizer.Decode([score.ArgmaxTokens[i]]),
                }).ToArray();
                var output = parseResult.InvocationConfiguration.Output;
                if (parseResult.GetValue(json))
                {
                    output.WriteLine(JsonSerializer.Serialize(new
                    {
                        promptIds,
                        tokens,
                        sumLogProbability = score.SumLogProbability,
                        meanLogProbability = score.MeanLogProbability,
                        greedyMatch = score.IsGreedyMatch,
                    }, CliJson.Options));
                    return 0;
                }
                foreach (var t in tokens)
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Quote(t.token),-20} {t.logProbability,10:F4}   arg-max {Quote(t.argmaxToken)}"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"sum log p {score.SumLogProbability:F4}, mean {score.MeanLogProbability:F4}, greedy match {(score.IsGreedyMatch ? "yes" : "no")}"));
                return 0;
            }
            catch (Exception e) when (LoadedModel.IsUserError(e) || e is ArgumentException)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static string Quote(string token) => JsonSerializer.Serialize(token);
}
