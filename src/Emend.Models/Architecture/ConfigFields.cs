using System.Text.Json;

namespace Emend.Models.Architecture;

/// <summary>
/// Typed access to the fields of an HF <c>config.json</c>, turning every absent or ill-typed value into a
/// <see cref="ModelConfigException"/> that names the field. "Optional" readers treat JSON null like absence, as HF does.
/// </summary>
internal sealed class ConfigFields(JsonElement root, string path)
{
    public string Path => path;

    public bool IsPresent(string field) => root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

    public bool IsExplicitNull(string field) => root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Null;

    public int PositiveInt(string field) => OptionalPositiveInt(field) ?? throw Error(field, "is required (a positive integer)");

    public int PositiveInt(string field, int fallback) => OptionalPositiveInt(field) ?? fallback;

    public int? OptionalPositiveInt(string field)
    {
        if (!TryGet(field, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number <= 0)
            throw Error(field, $"must be a positive integer, got {value.GetRawText()}");
        return number;
    }

    public double PositiveDouble(string field, double fallback)
    {
        if (!TryGet(field, out var value)) return fallback;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number) || number <= 0)
            throw Error(field, $"must be a positive number, got {value.GetRawText()}");
        return number;
    }

    public bool Bool(string field, bool fallback)
    {
        if (!TryGet(field, out var value)) return fallback;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(field, $"must be true or false, got {value.GetRawText()}"),
        };
    }

    public string String(string field, string fallback) => OptionalString(field) ?? fallback;

    public string? OptionalString(string field)
    {
        if (!TryGet(field, out var value)) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Error(field, $"must be a string, got {value.GetRawText()}");
    }

    /// <summary>A token id or a list of them (HF allows both for eos). Negative ids, which old configs use for "none", are dropped.</summary>
    public IReadOnlyList<int> TokenIds(string field)
    {
        if (!TryGet(field, out var value)) return [];
        var items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToArray() : [value];
        var ids = new List<int>();
        foreach (var item in items)
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var id))
                throw Error(field, $"must be a token id or a list of token ids, got {value.GetRawText()}");
            if (id >= 0) ids.Add(id);
        }
        return ids;
    }

    public int? TokenId(string field) => TokenIds(field) switch
    {
        [] => null,
        [var id] => id,
        _ => throw Error(field, "must be a single token id"),
    };

    public ModelConfigException Error(string field, string problem) => new(path, field, problem);

    private bool TryGet(string field, out JsonElement value) =>
        root.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null;
}
