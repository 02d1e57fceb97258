using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using Emend.Numerics;
using Emend.Numerics.LinearAlgebra;

namespace Emend.Cli;

/// <summary>
/// <c>emend bench solve</c>: float64 SPD solve (Cholesky factor + solve, the MEMIT/D4S step) and symmetric
/// eigendecomposition (AlphaEdit's null space) against OpenBLAS LAPACK in the same run, interleaved, best-of-N.
/// </summary>
internal static class BenchSolveCommand
{
    public static Command Create()
    {
        var sizes = new Option<(int Order, int RightHandSides)[]>("--sizes")
        {
            Description = "SPD solve problems as order:rhs (comma or space separated); GPT-2 small and XL MLP widths by default",
            DefaultValueFactory = _ => [(3072, 768), (6400, 1600)],
            CustomParser = ParseSolveSizes,
            AllowMultipleArgumentsPerToken = true,
        };
        var eigenSizes = new Option<int[]>("--eigen-sizes")
        {
            Description = "Orders of the eigendecompositions (none with 0)",
            DefaultValueFactory = _ => [1024],
            AllowMultipleArgumentsPerToken = true,
        };
        var threads = new Option<int>("--threads") { Description = "Threads for both backends", DefaultValueFactory = _ => ComputeSettings.ThreadCount };
        var repeat = new Option<int>("--repeat") { Description = "Timed repetitions per backend (best is kept)", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON" };
        var command = new Command("solve", "float64 SPD solve and symmetric eigendecomposition, managed vs OpenBLAS LAPACK");
        command.Options.Add(sizes);
        command.Options.Add(eigenSizes);
        command.Options.Add(threads);
        command.Options.Add(repeat);
        command.Options.Add(json);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(Run(
            parseResult.GetValue(sizes) ?? [], (parseResult.GetValue(eigenSizes) ?? []).Where(n => n != 0).ToArray(),
            parseResult.GetValue(threads), parseResult.GetValue(repeat), parseResult.GetValue(json),
            parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken)));
        return command;
    }

    private static int Run((int Order, int RightHandSides)[] solveSizes, int[] eigenSizes, int threads, int repeat, bool asJson,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (threads < 1 || repeat < 1 || eigenSizes.Any(n => n < 1))
        {
            error.WriteLine("--threads, --repeat and --eigen-sizes must be at least 1");
            return 2;
        }
        var previousThreads = ComputeSettings.ThreadCount;
        ComputeSettings.ThreadCount = threads;
        try
        {
            if (!asJson)
            {
                output.WriteLine($"threads {threads}, best of {repeat}, OpenBLAS {(OpenBlasLibrary.IsAvailable ? "found" : "absent")}");
                if (solveSizes.Length > 0)
                    output.WriteLine($"{"SPD solve order",15} {"rhs",6} {"managed s",10} {"OpenBLAS s",11} {"ratio",6} {"residual",9} {"ref resid",9}");
            }
            var solves = new List<SpdSolveTiming>();
            foreach (var (order, rightHandSides) in solveSizes)
            {
                var timing = LinearAlgebraBenchmark.MeasureSpdSolve(order, rightHandSides, repeat, cancellationToken);
                solves.Add(timing);
                if (!asJson)
                    output.WriteLine($"{timing.Order,15} {timing.RightHandSides,6} {timing.ManagedSeconds,10:F3} {Format(timing.OpenBlasSeconds, "F3"),11} " +
                                      $"{Format(timing.Ratio, "F2"),6} {timing.ManagedResidual,9:E1} {Format(timing.OpenBlasResidual, "E1"),9}");
            }
            if (!asJson && eigenSizes.Length > 0)
                output.WriteLine($"{"eigen order",15} {"managed s",10} {"dsyevd s",9} {"ratio",6} {"max |Δλ|/|λ|",13}");
            var eigens = new List<EigenTiming>();
            foreach (var order in eigenSizes)
            {
                var timing = LinearAlgebraBenchmark.MeasureEigen(order, repeat, cancellationToken);
                eigens.Add(timing);
                if (!asJson)
                    output.WriteLine($"{timing.Order,15} {timing.ManagedSeconds,10:F3} {Format(timing.OpenBlasSeconds, "F3"),9} " +
                                      $"{Format(timing.Ratio, "F2"),6} {Format(timing.MaxEigenvalueDifference, "E1"),13}");
            }
            if (asJson)
                output.WriteLine(JsonSerializer.Serialize(new { threads, repeat, solve = solves, eigen = eigens },
                    CliJson.Options));
            return 0;
        }
        finally
        {
            ComputeSettings.ThreadCount = previousThreads;
        }
    }

    private static (int, int)[] ParseSolveSizes(ArgumentResult result)
    {
        var sizes = new List<(int, int)>();
        foreach (var token in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var parts = token.Split(':');
            if (parts.Length == 2 && int.TryParse(parts[0], out var order) && int.TryParse(parts[1], out var rhs) && order >= 1 && rhs >= 1)
                sizes.Add((order, rhs));
            else
                result.AddError($"--sizes expects order:rhs pairs of positive integers such as 3072:768, not '{token}'");
        }
        return [.. sizes];
    }

    private static string Format(double? value, string format) => value?.ToString(format) ?? "n/a";
}
