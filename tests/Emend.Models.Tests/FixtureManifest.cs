using System.Text.Json;
using Emend.Tests;

namespace Emend.Models.Tests;

/// <summary>
/// The tensor lists of reference/hf-tiny/manifest.json (written by the Python tool that produced the fixtures), so
/// that our reader is checked against an independent description of every file rather than against itself.
/// </summary>
internal static class FixtureManifest
{
    public const string Root = "reference/hf-tiny";

    public sealed record ManifestTensor(string DType, int[] Shape);

    public sealed record ManifestFile(string RelativePath, IReadOnlyDictionary<string, string>? Metadata, IReadOnlyDictionary<string, ManifestTensor> Tensors);

    /// <summary>Every .safetensors file the manifest describes, keyed by its path relative to hf-tiny.</summary>
    public static IReadOnlyDictionary<string, ManifestFile> SafetensorsFiles()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(SharedData.Require($"{Root}/manifest.json")));
        var result = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
        foreach (var file in document.RootElement.GetProperty("files").EnumerateObject())
        {
            if (!file.Name.EndsWith(".safetensors", StringComparison.Ordinal)) continue;
            var tensors = file.Value.GetProperty("tensors").EnumerateObject().ToDictionary(
                t => t.Name,
                t => new ManifestTensor(t.Value.GetProperty("dtype").GetString()!, t.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray()),
                StringComparer.Ordinal);
            Dictionary<string, string>? metadata = file.Value.TryGetProperty("metadata", out var m)
                ? m.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
                : null;
            result.Add(file.Name, new ManifestFile(file.Name, metadata, tensors));
        }
        return result;
    }
}
