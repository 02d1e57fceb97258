using System.Globalization;
using System.Text;

namespace Emend.Models.Checkpoints;

/// <summary>
/// Produces the header bytes exactly as the HF writer behind the reference fixtures does: compact JSON, tensors in
/// ordinal name order with <c>dtype</c>, <c>shape</c>, <c>data_offsets</c> in that order, <c>__metadata__</c> last
/// (keys sorted), padded with spaces so that the data section starts at a multiple of 8. Non-ASCII characters are
/// written as raw UTF-8, as the Rust safetensors library does.
/// </summary>
internal static class SafetensorsHeaderWriter
{
    /// <summary>UTF-8 that throws on lone surrogates instead of silently writing U+FFFD into a name.</summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Header bytes (with padding) for tensors already sorted by name and laid out back to back.</summary>
    public static byte[] Build(IReadOnlyList<TensorData> sortedTensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new StringBuilder();
        json.Append('{');
        long offset = 0;
        foreach (var tensor in sortedTensors)
        {
            if (json.Length > 1) json.Append(',');
            AppendString(json, tensor.Name);
            json.Append(":{\"dtype\":");
            AppendString(json, tensor.DType.HeaderName());
            json.Append(",\"shape\":[");
            json.AppendJoin(',', tensor.Shape.Dimensions.ToArray().Select(d => d.ToString(CultureInfo.InvariantCulture)));
            var end = offset + tensor.Bytes.Length;
            json.Append(CultureInfo.InvariantCulture, $"],\"data_offsets\":[{offset},{end}]}}");
            offset = end;
        }
        if (metadata is not null)
        {
            if (json.Length > 1) json.Append(',');
            AppendString(json, SafetensorsHeader.MetadataKey);
            json.Append(":{");
            var first = true;
            foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!first) json.Append(',');
                first = false;
                AppendString(json, key);
                json.Append(':');
                AppendString(json, value);
            }
            json.Append('}');
        }
        json.Append('}');

        var length = StrictUtf8.GetByteCount(json.ToString());
        json.Append(' ', (8 - length % 8) % 8);
        return StrictUtf8.GetBytes(json.ToString());
    }

    /// <summary>JSON string literal with only the escapes JSON requires (quote, backslash, control characters).</summary>
    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case < ' ': json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: json.Append(c); break;
            }
        }
        json.Append('"');
    }
}
