using System.CommandLine;
using System.Text.Json;
using Emend.Models.Generation;

namespace Emend.Cli;

/// <summary><c>emend generate</c>: continues a prompt greedily or by seeded top-k/top-p sampling, with a KV cache.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model directory (HF config.json + safetensors) or llama2.c checkpoint; its tokenizer is found beside it", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "Text to continue (the tokenizer adds BOS where the model expects it)", Required = true };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Most tokens to generate", DefaultValueFactory = _ => 32 };
        var greedy = new Option<bool>("--greedy") { Description = "Arg-max decoding (the default unless --top-k, --top-p or --temperature is given)" };
        var topK = new Option<int>("--top-k") { Description = "Sample from the k most likely tokens (0 = all)" };
        var topP = new Option<double>("--top-p") { Description = "Sample from the smallest set of tokens whose probability reaches p", DefaultValueFactory = _ => 1.0 };
        var temperature = new Option<double>("--temperature") { Description = "Divide logits by this before sampling", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the sampler (the same seed gives the same text)" };
        var ignoreEos = new Option<bool>("--ignore-eos") { Description = "Do not stop at the model's end-of-sequence token" };
        var float32 = new Option<bool>("--float32") { Description = "Copy 16-bit weights to float32 instead of widening them inside GEMM" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("generate", "Continue a prompt with a model (greedy or seeded sampling)");
        foreach (var option in new Option[] { model, prompt, maxNew, greedy, topK, topP, temperature, seed, ignoreEos, float32, json })
            command.Options.Add(option);
        command.SetAction(parseResult =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var samplingRequested = new Option[] { topK, topP, temperature }.Any(o => parseResult.GetResult(o) is { Implicit: false });
            var sampling = parseResult.GetValue(greedy) || !samplingRequested
                ? SamplingOptions.Greedy
                : new SamplingOptions { TopK = parseResult.GetValue(topK), TopP = parseResult.GetValue(topP), Temperature = parseResult.GetValue(temperature), Seed = parseResult.GetValue(seed) };
            try
            {
                sampling.Validate();
                using var loaded = LoadedModel.Open(parseResult.GetValue(model)!, parseResult.GetValue(float32));
                var promptIds = loaded.Tokenizer.Encode(parseResult.GetValue(prompt)!);
                var options = new GenerationOptions
                {
                    MaxNewTokens = parseResult.GetValue(maxNew),
                    Sampling = sampling,
                    StopTokens = parseResult.GetValue(ignoreEos) ? [] : loaded.Model.Spec.EosTokenIds.ToArray(),
                };
                var result = loaded.Model.Generate([promptIds], options);
                var generated = result.Tokens[0];
                var completion = loaded.Tokenizer.Decode(generated, skipSpecialTokens: true);
                var output = parseResult.InvocationConfiguration.Output;
                if (parseResult.GetValue(json))
                    output.WriteLine(JsonSerializer.Serialize(new
                    {
                        prompt = parseResult.GetValue(prompt),
                        promptIds,
                        generatedIds = generated,
                        completion,
                        text = loaded.Tokenizer.Decode(promptIds.Concat(generated).ToArray(), skipSpecialTokens: true),
                        stoppedAtEos = result.Stopped[0],
                    }, CliJson.Options));
                else
                    output.WriteLine(loaded.Tokenizer.Decode(promptIds.Concat(generated).ToArray(), skipSpecialTokens: true));
                return 0;
            }
            catch (Exception e) when (LoadedModel.IsUserError(e) || e is ArgumentException)
            {
                error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
