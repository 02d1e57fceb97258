using System.Text.Json;
using System.Text.Json.Serialization;

namespace Emend.Cli;

/// <summary>The JSON settings every <c>--json</c> output uses: indented, camelCase, enums as names.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };
}
