using System.CommandLine;
using System.Text.Json;
using Emend.Numerics;

namespace Emend.Cli;

/// <summary><c>emend bench gemm</c>: managed SGEMM/DGEMM GFLOP/s against OpenBLAS on transformer shapes, interleaved, best-of-N.</summary>
internal static class BenchGemmCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the results as JSON" };
        var threads = new Option<int>("--threads") { Description = "Threads for both backends", DefaultValueFactory = _ => ComputeSettings.ThreadCount };
        var repeat = new Option<int>("--repeat") { Description = "Alternating bursts of 3 timed calls per backend (the fastest call is kept)", DefaultValueFactory = _ => 10 };
        var filter = new Option<string?>("--filter") { Description = "Only cases whose name contains this text, e.g. \"sgemm NT\"" };
        var command = new Command("gemm", "SGEMM/DGEMM throughput of the managed kernels and of OpenBLAS, measured in alternation");
        command.Options.Add(json);
        command.Options.Add(threads);
        command.Options.Add(repeat);
        command.Options.Add(filter);
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var threadCount = parseResult.GetValue(threads);
            var repetitions = parseResult.GetValue(repeat);
            if (threadCount < 1 || repetitions < 1)
            {
                parseResult.InvocationConfiguration.Error.WriteLine("--threads and --repeat must be at least 1");
                return 2;
            }
            var text = parseResult.GetValue(filter);
            var cases = GemmBenchmark.StandardCases.Where(c => text is null || c.Name.Contains(text, StringComparison.OrdinalIgnoreCase)).ToList();
            var asJson = parseResult.GetValue(json);
            if (!asJson)
            {
                output.WriteLine($"threads {threadCount}, best of {repetitions} bursts of 3 calls, OpenBLAS {(OpenBlasLibrary.IsAvailable ? "found" : "absent")}");
                output.WriteLine($"{"case",-34} {"managed GFLOP/s",16} {"OpenBLAS GFLOP/s",17} {"ratio",7}");
            }
            var progress = new SynchronousProgress<GemmBenchmarkResult>(r =>
            {
                if (!asJson)
                    output.WriteLine($"{r.Case.Name,-34} {r.ManagedGflops,16:F1} {Format(r.OpenBlasGflops, "F1"),17} {Format(r.Ratio, "F2"),7}");
            });
            var results = GemmBenchmark.Run(cases, threadCount, repetitions, progress);
            if (asJson)
                output.WriteLine(JsonSerializer.Serialize(results.Select(r => new
                {
                    name = r.Case.Name,
                    precision = r.Case.DoublePrecision ? "float64" : "float32",
                    transB = r.Case.TransB.ToString(),
                    m = r.Case.M,
                    k = r.Case.K,
                    n = r.Case.N,
                    threads = r.Threads,
                    managedGflops = r.ManagedGflops,
                    openBlasGflops = r.OpenBlasGflops,
                    ratio = r.Ratio,
                }), CliJson.Options));
            return 0;
        });
        return command;
    }

    private static string Format(double? value, string format) => value?.ToString(format) ?? "n/a";
}
