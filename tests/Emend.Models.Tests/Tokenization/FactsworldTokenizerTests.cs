using System.Text.Json;
using Emend.Models.Tokenization;
using Emend.Tests;
using static Emend.Models.Tests.Tokenization.TokenizerFixtures;

namespace Emend.Models.Tests.Tokenization;

/// <summary>
/// The factsworld test model's pruned GPT-2 tokenizer, loaded from its directory (vocab.json, merges.txt,
/// tokenizer_config.json, special_tokens_map.json), against the ids HF recorded in its reference.json and the
/// official GPT-2 tokenizer's token strings (its README guarantees identical segmentation on its texts).
/// </summary>
public class FactsworldTokenizerTests
{
    private const string ModelDirectory = "models/factsworld-gpt2";

    [SkippableFact]
    public void LoadsWithItsConfiguredSpecialTokens()
    {
        var tokenizer = Tokenizer();
        Assert.IsType<HfBpeTokenizer>(tokenizer);
        Assert.Equal(26476, tokenizer.VocabularySize);
        Assert.Equal(new SpecialTokenIds(26475, 26475, 26475, null), tokenizer.SpecialTokens);
        Assert.True(((HfBpeTokenizer)tokenizer).CleanUpTokenizationSpaces);
        Assert.Equal(Tokenizer().Encode("Paris", addSpecialTokens: false), Tokenizer().Encode("Paris"));
    }

    [SkippableFact]
    public void ReferenceCasesGiveHfIdsAndText()
    {
        using var reference = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(SharedData.Require(ModelDirectory), "reference.json")));
        var tokenizer = Tokenizer();
        var cases = reference.RootElement.GetProperty("reference_cases").GetProperty("dev").EnumerateArray().ToArray();
        Assert.NotEmpty(cases);
        foreach (var item in cases)
        {
            Assert.Equal(Ids(item, "prompt_ids"), tokenizer.Encode(item.GetProperty("prompt").GetString()!));
            Assert.Equal(Ids(item, "ground_truth_ids"), tokenizer.Encode(" " + item.GetProperty("ground_truth").GetString()));
            Assert.Equal(Ids(item, "target_new_ids"), tokenizer.Encode(" " + item.GetProperty("target_new").GetString()));
            Assert.Equal(Strings(item, "top5_next_tokens"), Ids(item, "top5_next_ids").Select(id => tokenizer.IdToToken(id)));
            Assert.Equal(item.GetProperty("greedy8_text").GetString(), tokenizer.Decode(Ids(item, "greedy8_ids")));
        }
    }

    [SkippableFact]
    public void DevPromptsRoundTripWithGpt2Segmentation()
    {
        using var dev = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(SharedData.Require(ModelDirectory), "splits", "dev.json")));
        var tokenizer = Tokenizer();
        var noCleanUp = TokenizerLoader.FromDirectory(SharedData.Require(ModelDirectory), new TokenizerOptions { CleanUpTokenizationSpaces = false });
        var prompts = dev.RootElement.EnumerateArray()
            .SelectMany(c => new[] { "prompt", "rephrase_prompt", "locality_prompt" }.Select(f => c.GetProperty(f).GetString()!))
            .ToArray();
        Assert.True(prompts.Length >= 3000);
        foreach (var prompt in prompts)
        {
            var ids = tokenizer.Encode(prompt);
            Assert.Equal(prompt, noCleanUp.Decode(ids));
            Assert.Equal(Gpt2().EncodeToTokens(prompt).Select(t => t.Value), ids.Select(id => tokenizer.IdToToken(id)));
        }
    }

    [SkippableFact]
    public void HeldOutTextHasTheTokenCountHfReported()
    {
        var text = File.ReadAllText(Path.Combine(SharedData.Require(ModelDirectory), "heldout_text.txt"));
        Assert.Equal(75352, Tokenizer().Encode(text).Length);
    }

    private static Tokenizer Tokenizer() => Shared("factsworld", () => TokenizerLoader.FromDirectory(SharedData.Require(ModelDirectory)));
}
