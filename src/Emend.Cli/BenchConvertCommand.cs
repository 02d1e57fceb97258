using System.CommandLine;
using System.Text.Json;
using Emend.Numerics;

namespace Emend.Cli;

/// <summary><c>emend bench convert</c>: bf16/fp16 ↔ fp32 conversion throughput against a same-run float32 copy.</summary>
internal static class BenchConvertCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the results as JSON" };
        var elements = new Option<int>("--elements") { Description = "Elements per conversion", DefaultValueFactory = _ => 1 << 22 };
        var repeat = new Option<int>("--repeat") { Description = "Timed repetitions (best is kept)", DefaultValueFactory = _ => 10 };
        var command = new Command("convert", "bf16/fp16 <-> fp32 conversion throughput (G elements/s) with the scalar path and a memory copy as references");
        command.Options.Add(json);
        command.Options.Add(elements);
        command.Options.Add(repeat);
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var count = parseResult.GetValue(elements);
            var repetitions = parseResult.GetValue(repeat);
            if (count < 1 || repetitions < 1)
            {
                parseResult.InvocationConfiguration.Error.WriteLine("--elements and --repeat must be at least 1");
                return 2;
            }
            var results = ConversionBenchmark.Run(count, repetitions);
            if (parseResult.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(results.Select(r => new
                {
                    conversion = r.Conversion,
                    elements = r.Elements,
                    gElementsPerSecond = r.GigaElementsPerSecond,
                    scalarGElementsPerSecond = r.ScalarGigaElementsPerSecond,
                    copyGElementsPerSecond = r.CopyGigaElementsPerSecond,
                }), CliJson.Options));
                return 0;
            }
            output.WriteLine($"{count} elements, best of {repetitions} (G elements/s)");
            output.WriteLine($"{"conversion",-12} {"vector",8} {"scalar",8} {"fp32 copy",10}");
            foreach (var r in results)
                output.WriteLine($"{r.Conversion,-12} {r.GigaElementsPerSecond,8:F2} {r.ScalarGigaElementsPerSecond,8:F2} {r.CopyGigaElementsPerSecond,10:F2}");
            return 0;
        });
        return command;
    }
}
