using System.CommandLine;
using System.Text.Json;
using Emend.Models;
using Emend.Models.Architecture;
using Emend.Models.Checkpoints;

namespace Emend.Cli;

/// <summary><c>emend info --model DIR [--json]</c>: prints what a model directory holds and whether config and weights agree.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Model directory (config.json + model.safetensors or a shard index)", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON" };
        var command = new Command("info", "Show a model's architecture, sizes, dtypes, parameter count and files; exit code 2 when the tensors do not match config.json");
        command.Options.Add(model);
        command.Options.Add(json);
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            CheckpointSummary summary;
            try
            {
                summary = CheckpointSummary.Read(parseResult.GetValue(model)!.FullName);
            }
            catch (Exception e) when (e is ModelConfigException or CheckpointFormatException or FileNotFoundException or DirectoryNotFoundException)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            if (parseResult.GetValue(json)) output.WriteLine(JsonSerializer.Serialize(summary, CliJson.Options));
            else PrintText(summary, output);
            return summary.Conformance.IsExact ? 0 : 2;
        });
        return command;
    }

    private static void PrintText(CheckpointSummary s, TextWriter o)
    {
        var spec = s.Spec;
        o.WriteLine($"model          {s.Location}");
        o.WriteLine($"architecture   {spec.ModelType}");
        o.WriteLine($"layers         {spec.LayerCount}");
        o.WriteLine($"hidden         {spec.HiddenSize}");
        o.WriteLine($"heads          {spec.HeadCount} query, {spec.KvHeadCount} key/value, head dim {spec.HeadDim}");
        o.WriteLine($"intermediate   {spec.IntermediateSize}");
        o.WriteLine($"vocab          {spec.VocabSize}");
        o.WriteLine($"positions      {spec.MaxPositions}");
        o.WriteLine($"norm           {spec.Norm} (eps {spec.NormEpsilon:G})");
        o.WriteLine($"mlp            {spec.Mlp}, {spec.Activation}");
        o.WriteLine(spec.Rotary is { } r
            ? string.Format("position       Rotary ({0} of {1} dims, {2}, theta {3:G})", r.Dimensions, spec.HeadDim, r.Layout, r.Theta)
            : $"position       {spec.Position}");
        o.WriteLine($"residual       {spec.Residual}");
        o.WriteLine($"lm head        {(spec.TiedEmbeddings ? "tied to the token embedding" : "separate")}");
        o.WriteLine($"dtypes         {string.Join(", ", s.DTypeCounts.Select(p => $"{p.Key} ×{p.Value}"))}");
        o.WriteLine($"tensors        {s.TensorCount}");
        o.WriteLine($"parameters     {s.ParameterCount:N0} (stored elements {s.StoredElements:N0})");
        o.WriteLine($"size           {s.FileBytes:N0} bytes in {s.Files.Count} file(s){(s.Sharded ? $", sharded by {Checkpoint.IndexFileName}" : "")}");
        foreach (var file in s.Files) o.WriteLine($"  {file.Name,-36} {file.Bytes,14:N0} bytes, {file.TensorCount} tensors");
        var conformance = s.Conformance;
        if (conformance.IsExact)
        {
            o.WriteLine("check          tensors match the config" + (conformance.StoresTiedHead ? " (plus a redundant copy of the tied head)" : ""));
            return;
        }
        o.WriteLine("check          tensors do NOT match the config:");
        foreach (var name in conformance.Missing) o.WriteLine($"  missing     {name}");
        foreach (var name in conformance.Unexpected) o.WriteLine($"  unexpected  {name}");
        foreach (var m in conformance.ShapeMismatches) o.WriteLine($"  shape       {m.Name}: expected {m.Expected}, stored {m.Actual}");
    }
}
