using System.Text.Json;

namespace Emend.Models.Tokenization;

/// <summary>
/// Reads an HF <c>tokenizer.json</c> with a BPE model. The components implemented are those of byte-level (GPT-2,
/// GPT-NeoX, Qwen2-style without a Split regex) and Llama-style tokenizers; any other component is reported by name
/// rather than silently ignored, since ignoring one would produce plausible but wrong ids.
/// </summary>
internal static class TokenizerJsonReader
{
    public static HfBpeDefinition Read(string path)
    {
        var root = HfJson.ReadObject(path);
        var model = HfJson.RequiredObject(root, "model", path);
        var modelType = HfJson.OptionalString(model, "type", path) ?? "BPE";
        if (modelType != "BPE") throw Unsupported(path, $"model type '{modelType}' (only BPE is implemented)");
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() != 0)
            throw Unsupported(path, "BPE dropout (it makes encoding random)");
        foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (!string.IsNullOrEmpty(HfJson.OptionalString(model, affix, path))) throw Unsupported(path, $"BPE {affix}");

        var vocabulary = HfJson.ReadVocabulary(HfJson.RequiredObject(model, "vocab", path), path);
        var merges = BpeMergeTable.FromRankedPairs(ReadMerges(HfJson.RequiredArray(model, "merges", path), path), vocabulary, path, rank => $"model.merges[{rank}]");
        var addedTokens = ReadAddedTokens(root, path);
        var (prefix, suffix) = ReadPostProcessor(root, path);
        var preTokenizer = ReadPreTokenizer(root, path);
        string? NameOf(IReadOnlyList<int> ids) => ids.Count == 1 ? addedTokens.FirstOrDefault(t => t.Id == ids[0])?.Content : null;
        var unknownToken = HfJson.OptionalString(model, "unk_token", path);

        return new HfBpeDefinition
        {
            SourcePath = path,
            Vocabulary = vocabulary,
            Merges = merges,
            UnknownToken = unknownToken,
            FuseUnknown = HfJson.OptionalBool(model, "fuse_unk", path) ?? false,
            ByteFallback = HfJson.OptionalBool(model, "byte_fallback", path) ?? false,
            IgnoreMerges = HfJson.OptionalBool(model, "ignore_merges", path) ?? false,
            Normalizers = ReadNormalizers(root, path),
            PreTokenizer = preTokenizer,
            Decoders = ReadDecoders(root, path),
            TemplatePrefix = prefix,
            TemplateSuffix = suffix,
            AddedTokens = addedTokens,
            DefaultBos = NameOf(prefix) is { } bos ? new SpecialTokenSpec(bos) : null,
            DefaultEos = NameOf(suffix) is { } eos ? new SpecialTokenSpec(eos) : null,
            DefaultUnknown = unknownToken is null ? null : new SpecialTokenSpec(unknownToken),
        };
    }

    /// <summary>Merges are "left right" strings (older files) or [left, right] pairs (newer files).</summary>
    private static List<(string, string)> ReadMerges(JsonElement array, string path)
    {
        var pairs = new List<(string, string)>(array.GetArrayLength());
        var index = 0;
        foreach (var merge in array.EnumerateArray())
        {
            if (merge.ValueKind == JsonValueKind.String)
            {
                var parts = merge.GetString()!.Split(' ');
                if (parts.Length != 2) throw new TokenizerFormatException(path, $"model.merges[{index}]: expected \"left right\", found '{merge.GetString()}'");
                pairs.Add((parts[0], parts[1]));
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                     && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
            {
                pairs.Add((merge[0].GetString()!, merge[1].GetString()!));
            }
            else
            {
                throw new TokenizerFormatException(path, $"model.merges[{index}]: expected a string or a pair of strings");
            }
            index++;
        }
        return pairs;
    }

    private static List<AddedToken> ReadAddedTokens(JsonElement root, string path)
    {
        if (!root.TryGetProperty("added_tokens", out var array) || array.ValueKind == JsonValueKind.Null) return [];
        if (array.ValueKind != JsonValueKind.Array) throw new TokenizerFormatException(path, "added_tokens must be an array");
        return array.EnumerateArray().Select(t => HfJson.ReadAddedToken(t, HfJson.RequiredInt(t, "id", path), path)).ToList();
    }

    private static IReadOnlyList<NormalizerStep> ReadNormalizers(JsonElement root, string path)
    {
        var steps = new List<NormalizerStep>();
        void Add(JsonElement normalizer)
        {
            var type = HfJson.RequiredString(normalizer, "type", path);
            switch (type)
            {
                case "Sequence":
                    foreach (var inner in HfJson.RequiredArray(normalizer, "normalizers", path).EnumerateArray()) Add(inner);
                    break;
                case "Prepend":
                    steps.Add(new PrependNormalizer(HfJson.RequiredString(normalizer, "prepend", path)));
                    break;
                case "Replace":
                    steps.Add(new ReplaceNormalizer(LiteralPattern(normalizer, "normalizer", path), HfJson.RequiredString(normalizer, "content", path)));
                    break;
                default:
                    throw Unsupported(path, $"normalizer '{type}'");
            }
        }
        if (HfJson.OptionalObject(root, "normalizer", path) is { } top) Add(top);
        return steps;
    }

    private static PreTokenizer ReadPreTokenizer(JsonElement root, string path)
    {
        if (HfJson.OptionalObject(root, "pre_tokenizer", path) is not { } pre) return new WholeTextPreTokenizer();
        var type = HfJson.RequiredString(pre, "type", path);
        return type switch
        {
            "ByteLevel" => new ByteLevelPreTokenizer(
                HfJson.OptionalBool(pre, "add_prefix_space", path) ?? true,
                HfJson.OptionalBool(pre, "use_regex", path) ?? true),
            "Metaspace" => new MetaspacePreTokenizer(
                Replacement(pre, path),
                PrependScheme(pre, path),
                HfJson.OptionalBool(pre, "split", path) ?? true),
            _ => throw Unsupported(path, $"pre_tokenizer '{type}'"),
        };
    }

    private static IReadOnlyList<DecoderStep>? ReadDecoders(JsonElement root, string path)
    {
        if (HfJson.OptionalObject(root, "decoder", path) is not { } top) return null;
        var steps = new List<DecoderStep>();
        void Add(JsonElement decoder)
        {
            var type = HfJson.RequiredString(decoder, "type", path);
            switch (type)
            {
                case "Sequence":
                    foreach (var inner in HfJson.RequiredArray(decoder, "decoders", path).EnumerateArray()) Add(inner);
                    break;
                case "ByteLevel":
                    steps.Add(new ByteLevelDecoder());
                    break;
                case "ByteFallback":
                    steps.Add(new ByteFallbackDecoder());
                    break;
                case "Fuse":
                    steps.Add(new FuseDecoder());
                    break;
                case "Replace":
                    steps.Add(new ReplaceDecoder(LiteralPattern(decoder, "decoder", path), HfJson.RequiredString(decoder, "content", path)));
                    break;
                case "Strip":
                    var content = HfJson.RequiredString(decoder, "content", path);
                    if (content.Length != 1) throw new TokenizerFormatException(path, "Strip decoder content must be one character");
                    steps.Add(new StripDecoder(content[0], HfJson.RequiredInt(decoder, "start", path), HfJson.RequiredInt(decoder, "stop", path)));
                    break;
                case "Metaspace":
                    steps.Add(new MetaspaceDecoder(Replacement(decoder, path), PrependScheme(decoder, path) != MetaspacePrependScheme.Never));
                    break;
                default:
                    throw Unsupported(path, $"decoder '{type}'");
            }
        }
        Add(top);
        return steps;
    }

    /// <summary>The special-token ids the post-processor adds before and after a single sequence.</summary>
    private static (IReadOnlyList<int> Prefix, IReadOnlyList<int> Suffix) ReadPostProcessor(JsonElement root, string path)
    {
        if (HfJson.OptionalObject(root, "post_processor", path) is not { } post) return ([], []);
        var type = HfJson.RequiredString(post, "type", path);
        if (type == "ByteLevel") return ([], []);
        if (type != "TemplateProcessing") throw Unsupported(path, $"post_processor '{type}'");

        var specials = HfJson.RequiredObject(post, "special_tokens", path);
        var prefix = new List<int>();
        var suffix = new List<int>();
        var seenSequence = false;
        foreach (var item in HfJson.RequiredArray(post, "single", path).EnumerateArray())
        {
            if (item.TryGetProperty("Sequence", out _))
            {
                seenSequence = true;
                continue;
            }
            if (!item.TryGetProperty("SpecialToken", out var special))
                throw new TokenizerFormatException(path, "post_processor.single items must be 'Sequence' or 'SpecialToken'");
            var name = HfJson.RequiredString(special, "id", path);
            if (!specials.TryGetProperty(name, out var entry))
                throw new TokenizerFormatException(path, $"post_processor names special token '{name}' but special_tokens does not define it");
            var ids = HfJson.RequiredArray(entry, "ids", path).EnumerateArray().Select(e => e.TryGetInt32(out var id) ? id
                : throw new TokenizerFormatException(path, $"post_processor special token '{name}' has a non-integer id"));
            (seenSequence ? suffix : prefix).AddRange(ids);
        }
        return (prefix, suffix);
    }

    private static string LiteralPattern(JsonElement step, string kind, string path)
    {
        var pattern = HfJson.RequiredObject(step, "pattern", path);
        return pattern.TryGetProperty("String", out var literal) && literal.ValueKind == JsonValueKind.String
            ? literal.GetString()!
            : throw Unsupported(path, $"{kind} Replace with a regex pattern");
    }

    private static char Replacement(JsonElement step, string path)
    {
        var replacement = HfJson.OptionalString(step, "replacement", path) ?? BpeModel.WordMarker.ToString();
        return replacement.Length == 1 ? replacement[0] : throw new TokenizerFormatException(path, "Metaspace replacement must be one character");
    }

    /// <summary>Newer files give <c>prepend_scheme</c>; older ones <c>add_prefix_space</c> (true = always).</summary>
    private static MetaspacePrependScheme PrependScheme(JsonElement step, string path) => HfJson.OptionalString(step, "prepend_scheme", path) switch
    {
        "always" => MetaspacePrependScheme.Always,
        "first" => MetaspacePrependScheme.First,
        "never" => MetaspacePrependScheme.Never,
        null => HfJson.OptionalBool(step, "add_prefix_space", path) ?? true ? MetaspacePrependScheme.Always : MetaspacePrependScheme.Never,
        var other => throw new TokenizerFormatException(path, $"unknown Metaspace prepend_scheme '{other}'"),
    };

    private static TokenizerFormatException Unsupported(string path, string what) =>
        new(path, $"uses {what}, which Emend's tokenizers do not implement");
}
