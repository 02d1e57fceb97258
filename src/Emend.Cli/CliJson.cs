using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Emend.Cli;

/// <summary>
/// The JSON settings every <c>--json</c> output uses: indented, camelCase, enums as names, and non-ASCII text (token
/// strings such as "Ġworld", generated text) written as itself rather than \u escapes, since people read this output.
/// </summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
