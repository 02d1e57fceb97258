using System.Text.Json;

namespace Emend.Models.Tokenization;

/// <summary>Small typed readers for HF's JSON files that turn every shape problem into a <see cref="TokenizerFormatException"/>.</summary>
internal static class HfJson
{
    /// <summary>Parses a whole file whose root must be an object. The document is cloned so the file can be released.</summary>
    public static JsonElement ReadObject(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new TokenizerFormatException(path, $"expected a JSON object at the top level, found {document.RootElement.ValueKind}");
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException(path, $"invalid JSON: {e.Message}", e);
        }
    }

    public static bool? OptionalBool(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new TokenizerFormatException(path, $"'{name}' must be true or false, found {value.ValueKind}"),
        };
    }

    public static string? OptionalString(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new TokenizerFormatException(path, $"'{name}' must be a string, found {value.ValueKind}");
    }

    public static string RequiredString(JsonElement obj, string name, string path) =>
        OptionalString(obj, name, path) ?? throw new TokenizerFormatException(path, $"missing string '{name}'");

    public static int RequiredInt(JsonElement obj, string name, string path) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new TokenizerFormatException(path, $"missing integer '{name}'");

    public static JsonElement RequiredObject(JsonElement obj, string name, string path) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : throw new TokenizerFormatException(path, $"missing object '{name}'");

    /// <summary>An object or null (absent is null too).</summary>
    public static JsonElement? OptionalObject(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.Object ? value : throw new TokenizerFormatException(path, $"'{name}' must be an object or null");
    }

    public static JsonElement RequiredArray(JsonElement obj, string name, string path) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value
            : throw new TokenizerFormatException(path, $"missing array '{name}'");

    /// <summary>Reads HF's AddedToken shape (<c>content</c>, <c>special</c>, <c>lstrip</c>, <c>rstrip</c>, <c>single_word</c>).</summary>
    public static AddedToken ReadAddedToken(JsonElement value, int id, string path)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new TokenizerFormatException(path, $"added token {id} must be an object");
        return new AddedToken(
            RequiredString(value, "content", path),
            id,
            OptionalBool(value, "special", path) ?? false,
            OptionalBool(value, "lstrip", path) ?? false,
            OptionalBool(value, "rstrip", path) ?? false,
            OptionalBool(value, "single_word", path) ?? false);
    }

    /// <summary>Reads a token → id object such as <c>vocab.json</c>, rejecting negative or repeated ids.</summary>
    public static Dictionary<string, int> ReadVocabulary(JsonElement obj, string path)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var owners = new Dictionary<int, string>();
        foreach (var entry in obj.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
                throw new TokenizerFormatException(path, $"vocabulary entry '{entry.Name}' must map to a non-negative integer id");
            if (owners.TryGetValue(id, out var other))
                throw new TokenizerFormatException(path, $"id {id} is given to both '{other}' and '{entry.Name}'");
            if (!vocabulary.TryAdd(entry.Name, id))
                throw new TokenizerFormatException(path, $"token '{entry.Name}' appears twice");
            owners[id] = entry.Name;
        }
        if (vocabulary.Count == 0) throw new TokenizerFormatException(path, "the vocabulary is empty");
        return vocabulary;
    }
}
