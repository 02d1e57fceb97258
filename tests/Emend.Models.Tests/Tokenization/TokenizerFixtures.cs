using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Emend.Models.Tokenization;
using Emend.Tests;

namespace Emend.Models.Tests.Tokenization;

/// <summary>
/// The HF tokenizer cases in <c>reference/hf-tiny/tokenizers</c> and the tokenizers under test, loaded once per
/// test run. Theory data lists the case names so that a failure names its case; without the shared folder it
/// yields one placeholder row, which the test then skips through <see cref="SharedData.Require"/>.
/// </summary>
internal static class TokenizerFixtures
{
    public const string Gpt2Cases = "reference/hf-tiny/tokenizers/gpt2_cases.json";
    public const string LlamaCases = "reference/hf-tiny/tokenizers/llama2_cases.json";
    public const string Gpt2Directory = "reference/hf-tiny/tokenizers/gpt2";
    public const string LlamaModel = "reference/hf-tiny/tokenizers/llama2/tokenizer.model";
    private const string Placeholder = "(shared data missing)";

    private static readonly ConcurrentDictionary<string, Dictionary<string, JsonElement>> CaseFiles = new();
    private static readonly ConcurrentDictionary<string, Tokenizer> Tokenizers = new();

    public static TheoryData<string> CaseNames(string relative)
    {
        var data = new TheoryData<string>();
        var root = SharedData.Directory;
        var path = root is null ? null : Path.Combine(root, relative);
        if (path is null || !File.Exists(path))
        {
            data.Add(Placeholder);
            return data;
        }
        foreach (var name in LoadCases(path).Keys) data.Add(name);
        return data;
    }

    /// <summary>All case names of a file (skipping when the shared folder is absent).</summary>
    public static string[] AllNames(string relative) => CaseFiles.GetOrAdd(relative, r => LoadCases(SharedData.Require(r))).Keys.ToArray();

    public static TheoryData<string> Gpt2CaseNames() => CaseNames(Gpt2Cases);

    public static TheoryData<string> LlamaCaseNames() => CaseNames(LlamaCases);

    /// <summary>A case of <paramref name="relative"/>, checking that its text matches its UTF-8 hex spelling.</summary>
    public static JsonElement Case(string relative, string name)
    {
        var cases = CaseFiles.GetOrAdd(relative, r => LoadCases(SharedData.Require(r)));
        var item = cases[name];
        Assert.Equal(Text(item), Encoding.UTF8.GetString(Convert.FromHexString(item.GetProperty("text_utf8_hex").GetString()!)));
        return item;
    }

    public static string Text(JsonElement item) => item.GetProperty("text").GetString()!;

    public static string String(JsonElement item, string field) => item.GetProperty(field).GetString()!;

    public static int[] Ids(JsonElement item, string field) => item.GetProperty(field).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public static string[] Strings(JsonElement item, string field) => item.GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>A tokenizer built once per key and shared by all rows (they are thread-safe).</summary>
    public static T Shared<T>(string key, Func<T> create) where T : Tokenizer => (T)Tokenizers.GetOrAdd(key, _ => create());

    public static HfBpeTokenizer Gpt2(bool cleanUp = false, bool splitSpecial = false) => Shared($"gpt2 {cleanUp} {splitSpecial}", () =>
        HfBpeTokenizer.FromVocabAndMerges(
            Path.Combine(SharedData.Require(Gpt2Directory), "vocab.json"),
            Path.Combine(SharedData.Require(Gpt2Directory), "merges.txt"),
            new TokenizerOptions { CleanUpTokenizationSpaces = cleanUp, SplitSpecialTokens = splitSpecial }));

    /// <summary>The Llama-2 model as raw sentencepiece.</summary>
    public static SentencePieceBpeTokenizer LlamaSentencePiece() => Shared("llama sp", () =>
        SentencePieceBpeTokenizer.FromFile(SharedData.Require(LlamaModel), new TokenizerOptions { SentencePieceCompatibility = SentencePieceCompatibility.SentencePiece }));

    /// <summary>The Llama-2 model as HF <c>LlamaTokenizer(legacy=...)</c>.</summary>
    public static SentencePieceBpeTokenizer LlamaHf(bool legacy) => Shared($"llama hf {legacy}", () =>
        SentencePieceBpeTokenizer.FromFile(SharedData.Require(LlamaModel), new TokenizerOptions { Legacy = legacy }));

    private static Dictionary<string, JsonElement> LoadCases(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.GetProperty("cases").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
    }
}
