using System.CommandLine;
using System.Text.Json;
using Emend.Models.Benchmarking;
using Emend.Models.Runtime;
using Emend.Numerics;

namespace Emend.Cli;

/// <summary>
/// <c>emend bench forward</c>: forward, forward+backward and KV-cached decode throughput of factsworld-gpt2 and of a
/// random GPT-2-small-shaped model, as fractions of the SGEMM rate measured in the same run, and the peak resident
/// memory of loading a bf16 GPT-2-small checkpoint (measured in child processes, against an empty one).
/// </summary>
internal static class BenchForwardCommand
{
    private const string FactsworldPath = "models/factsworld-gpt2";

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the results as JSON" };
        var threads = new Option<int>("--threads") { Description = "Compute threads", DefaultValueFactory = _ => ComputeSettings.ThreadCount };
        var repeat = new Option<int>("--repeat") { Description = "Timed repetitions of each measurement, interleaved (best is kept)", DefaultValueFactory = _ => 3 };
        var breakdown = new Option<bool>("--breakdown") { Description = "Also print where a forward and a forward+backward pass spend their time" };
        var command = new Command("forward", "Model forward / forward+backward / decode throughput against the same run's SGEMM rate, and bf16 load memory");
        command.Options.Add(json);
        command.Options.Add(threads);
        command.Options.Add(repeat);
        command.Options.Add(breakdown);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(Run(parseResult.GetValue(threads), parseResult.GetValue(repeat),
            parseResult.GetValue(breakdown), parseResult.GetValue(json), parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error, cancellationToken)));
        return command;
    }

    private static int Run(int threads, int repeat, bool breakdown, bool asJson, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (threads < 1 || repeat < 1)
        {
            error.WriteLine("--threads and --repeat must be at least 1");
            return 2;
        }
        var options = new TransformerBenchmarkOptions { Repeat = repeat, Breakdown = breakdown };
        var previousThreads = ComputeSettings.ThreadCount;
        ComputeSettings.ThreadCount = threads;
        try
        {
            if (!asJson)
            {
                output.WriteLine($"threads {threads}, best of {repeat}, batch {options.BatchSize}x{options.SequenceLength} tokens, " +
                                 $"SGEMM reference {options.ReferenceShape.M}x{options.ReferenceShape.K}x{options.ReferenceShape.N}");
                output.WriteLine($"{"model",-18} {"params",7} {"fwd tok/s",10} {"f+b tok/s",10} {"fwd GF/s",9} {"f+b GF/s",9} {"SGEMM GF/s",11} {"fwd/SGEMM",10} {"f+b/SGEMM",10} {"decode tok/s",13}");
            }
            var results = new List<TransformerBenchmarkResult>();
            void Report(TransformerBenchmarkResult r)
            {
                results.Add(r);
                if (!asJson) PrintResult(r, output);
            }
            if (SharedDataLocator.TryResolve(FactsworldPath, out var factsworld, out var problem))
            {
                using var model = Transformer.Load(factsworld);
                Report(TransformerBenchmark.Run(model, "factsworld-gpt2", options, cancellationToken));
            }
            else if (!asJson) output.WriteLine($"factsworld-gpt2 skipped: {problem}");

            var scratch = Directory.CreateTempSubdirectory("emend-bench-");
            try
            {
                long checkpointBytes;
                using (var model = Transformer.Initialize(Gpt2SmallShape.Spec, seed: 1))
                {
                    Report(TransformerBenchmark.Run(model, "gpt2-small-shape", options, cancellationToken));
                    checkpointBytes = Gpt2SmallShape.WriteBFloat16Checkpoint(model, scratch.FullName, cancellationToken);
                }
                var memory = MeasureLoadMemory(scratch.FullName, checkpointBytes, cancellationToken);
                if (asJson) output.WriteLine(JsonSerializer.Serialize(new { threads, repeat, models = results.Select(ToJson), loadMemory = memory }, CliJson.Options));
                else PrintMemory(memory, output);
            }
            finally
            {
                scratch.Delete(recursive: true);
            }
            return 0;
        }
        finally
        {
            ComputeSettings.ThreadCount = previousThreads;
        }
    }

    /// <summary>Peak resident memory of a fresh process that loads the checkpoint, and of one that loads nothing.</summary>
    private static LoadMemoryFigures MeasureLoadMemory(string directory, long checkpointBytes, CancellationToken cancellationToken)
    {
        LoadMemoryReport Child(params string[] arguments) =>
            JsonSerializer.Deserialize<LoadMemoryReport>(SelfProcess.Run(["bench", BenchLoadMemoryCommand.Name, .. arguments], cancellationToken), CliJson.Options)
            ?? throw new InvalidOperationException("the load-memory child printed no report");
        var baseline = Child();
        var loaded = Child("--model", directory);
        return new LoadMemoryFigures(checkpointBytes, loaded.PeakResidentBytes, loaded.ResidentAfterLoadBytes, baseline.PeakResidentBytes);
    }

    /// <param name="CheckpointBytes">Size of the bf16 weights file.</param>
    /// <param name="PeakResidentBytes">VmHWM of the process that loaded it and ran one forward pass.</param>
    /// <param name="ResidentAfterLoadBytes">VmRSS of that process right after loading.</param>
    /// <param name="BaselinePeakResidentBytes">VmHWM of the same executable loading nothing.</param>
    private sealed record LoadMemoryFigures(long CheckpointBytes, long PeakResidentBytes, long ResidentAfterLoadBytes, long BaselinePeakResidentBytes)
    {
        public double PeakOverFile => (double)PeakResidentBytes / CheckpointBytes;

        public double PeakAboveBaselineOverFile => (double)(PeakResidentBytes - BaselinePeakResidentBytes) / CheckpointBytes;
    }

    private static void PrintResult(TransformerBenchmarkResult r, TextWriter o)
    {
        o.WriteLine($"{r.Model,-18} {r.ParameterCount / 1e6,6:F1}M {r.ForwardTokensPerSecond,10:F0} {r.ForwardBackwardTokensPerSecond,10:F0} " +
                    $"{r.ForwardGflops,9:F1} {r.ForwardBackwardGflops,9:F1} {r.ReferenceGflops,11:F1} {r.ForwardFractionOfSgemm,10:P0} " +
                    $"{r.ForwardBackwardFractionOfSgemm,10:P0} {r.DecodeTokensPerSecond,13:F1}");
        PrintBreakdown("forward", r.ForwardBreakdown, o);
        PrintBreakdown("forward+backward", r.ForwardBackwardBreakdown, o);
        PrintBreakdown("decode", r.DecodeBreakdown, o);
    }

    private static void PrintBreakdown(string pass, IReadOnlyList<RuntimeProfileSection>? sections, TextWriter o)
    {
        if (sections is null) return;
        var total = sections.Sum(s => s.Seconds);
        o.WriteLine($"    {pass}: {total * 1e3:F1} ms in sections");
        foreach (var s in sections)
            o.WriteLine($"      {s.Name,-30} {s.Seconds * 1e3,9:F2} ms {s.Seconds / total,6:P1} {s.Calls,6} calls");
    }

    private static void PrintMemory(LoadMemoryFigures m, TextWriter o)
    {
        const double MiB = 1024 * 1024;
        o.WriteLine($"bf16 GPT-2-small checkpoint {m.CheckpointBytes / MiB:F1} MiB: peak RSS after load + one forward {m.PeakResidentBytes / MiB:F1} MiB " +
                    $"= {m.PeakOverFile:F2}x the file (after load {m.ResidentAfterLoadBytes / MiB:F1} MiB); empty emend process {m.BaselinePeakResidentBytes / MiB:F1} MiB; " +
                    $"(peak - empty) / file = {m.PeakAboveBaselineOverFile:F2}");
    }

    private static object ToJson(TransformerBenchmarkResult r) => new
    {
        model = r.Model,
        parameters = r.ParameterCount,
        threads = r.Threads,
        batchSize = r.BatchSize,
        sequenceLength = r.SequenceLength,
        forwardFlopsPerToken = r.ForwardFlopsPerToken,
        forwardTokensPerSecond = r.ForwardTokensPerSecond,
        forwardBackwardTokensPerSecond = r.ForwardBackwardTokensPerSecond,
        forwardGflops = r.ForwardGflops,
        forwardBackwardGflops = r.ForwardBackwardGflops,
        referenceSgemmGflops = r.ReferenceGflops,
        forwardFractionOfSgemm = r.ForwardFractionOfSgemm,
        forwardBackwardFractionOfSgemm = r.ForwardBackwardFractionOfSgemm,
        decodePromptTokens = r.DecodePromptLength,
        decodeNewTokens = r.DecodeTokens,
        decodeTokensPerSecond = r.DecodeTokensPerSecond,
        forwardBreakdown = r.ForwardBreakdown,
        forwardBackwardBreakdown = r.ForwardBackwardBreakdown,
        decodeBreakdown = r.DecodeBreakdown,
    };
}
