using System.Text.Json;

namespace Emend.Models.Tokenization;

/// <summary>A special token named in a config file, before it is resolved to an id.</summary>
internal sealed record SpecialTokenSpec(string Content, bool LStrip = false, bool RStrip = false, bool SingleWord = false);

/// <summary>
/// What HF's <c>tokenizer_config.json</c> and <c>special_tokens_map.json</c> say about a tokenizer (each value null
/// when not given). As in <c>from_pretrained</c>, the special tokens map overrides the config for the special tokens.
/// </summary>
internal sealed record TokenizerConfig
{
    public static readonly TokenizerConfig Empty = new();

    public string? TokenizerClass { get; init; }
    public bool? AddBosToken { get; init; }
    public bool? AddEosToken { get; init; }
    public bool? Legacy { get; init; }
    public bool? CleanUpTokenizationSpaces { get; init; }
    public bool? SplitSpecialTokens { get; init; }
    public bool? AddPrefixSpace { get; init; }
    public SpecialTokenSpec? Bos { get; init; }
    public SpecialTokenSpec? Eos { get; init; }
    public SpecialTokenSpec? Unknown { get; init; }
    public SpecialTokenSpec? Padding { get; init; }
    public IReadOnlyList<SpecialTokenSpec> AdditionalSpecialTokens { get; init; } = [];

    /// <summary>Tokens listed with their ids under <c>added_tokens_decoder</c>.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; init; } = [];

    /// <summary>Whether the class is one whose HF default for <c>clean_up_tokenization_spaces</c> is false.</summary>
    public bool IsLlamaClass => TokenizerClass?.StartsWith("Llama", StringComparison.Ordinal) == true
                                || TokenizerClass?.StartsWith("CodeLlama", StringComparison.Ordinal) == true;

    /// <summary>Reads the two files from <paramref name="directory"/>; either may be absent.</summary>
    public static TokenizerConfig Read(string directory)
    {
        var config = Empty;
        var configPath = Path.Combine(directory, "tokenizer_config.json");
        if (File.Exists(configPath)) config = ApplyConfig(config, configPath);
        var mapPath = Path.Combine(directory, "special_tokens_map.json");
        if (File.Exists(mapPath)) config = ApplySpecialTokens(config, HfJson.ReadObject(mapPath), mapPath);
        return config;
    }

    private static TokenizerConfig ApplyConfig(TokenizerConfig config, string path)
    {
        var root = HfJson.ReadObject(path);
        config = ApplySpecialTokens(config, root, path) with
        {
            TokenizerClass = HfJson.OptionalString(root, "tokenizer_class", path),
            AddBosToken = HfJson.OptionalBool(root, "add_bos_token", path),
            AddEosToken = HfJson.OptionalBool(root, "add_eos_token", path),
            Legacy = HfJson.OptionalBool(root, "legacy", path),
            CleanUpTokenizationSpaces = HfJson.OptionalBool(root, "clean_up_tokenization_spaces", path),
            SplitSpecialTokens = HfJson.OptionalBool(root, "split_special_tokens", path),
            AddPrefixSpace = HfJson.OptionalBool(root, "add_prefix_space", path),
        };
        if (!root.TryGetProperty("added_tokens_decoder", out var decoder) || decoder.ValueKind == JsonValueKind.Null) return config;
        if (decoder.ValueKind != JsonValueKind.Object) throw new TokenizerFormatException(path, "added_tokens_decoder must be an object of id → token");
        var added = new List<AddedToken>();
        foreach (var entry in decoder.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, out var id) || id < 0)
                throw new TokenizerFormatException(path, $"added_tokens_decoder key '{entry.Name}' is not a token id");
            added.Add(HfJson.ReadAddedToken(entry.Value, id, path));
        }
        return config with { AddedTokens = added };
    }

    private static TokenizerConfig ApplySpecialTokens(TokenizerConfig config, JsonElement root, string path) => config with
    {
        Bos = ReadSpec(root, "bos_token", path) ?? config.Bos,
        Eos = ReadSpec(root, "eos_token", path) ?? config.Eos,
        Unknown = ReadSpec(root, "unk_token", path) ?? config.Unknown,
        Padding = ReadSpec(root, "pad_token", path) ?? config.Padding,
        AdditionalSpecialTokens = root.TryGetProperty("additional_special_tokens", out var extra) && extra.ValueKind == JsonValueKind.Array
            ? extra.EnumerateArray().Select(e => ToSpec(e, "additional_special_tokens", path)).ToArray()
            : config.AdditionalSpecialTokens,
    };

    private static SpecialTokenSpec? ReadSpec(JsonElement root, string name, string path) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? ToSpec(value, name, path) : null;

    private static SpecialTokenSpec ToSpec(JsonElement value, string name, string path)
    {
        if (value.ValueKind == JsonValueKind.String) return new SpecialTokenSpec(value.GetString()!);
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
            throw new TokenizerFormatException(path, $"{name} must be a string or an object with a string 'content'");
        return new SpecialTokenSpec(
            content.GetString()!,
            HfJson.OptionalBool(value, "lstrip", path) ?? false,
            HfJson.OptionalBool(value, "rstrip", path) ?? false,
            HfJson.OptionalBool(value, "single_word", path) ?? false);
    }
}
