using System.CommandLine;
using System.Text.Json;
using Emend.Models.Tokenization;

namespace Emend.Cli;

/// <summary>
/// <c>emend bench tokenize</c>: encoding throughput of the GPT-2 BPE and Llama-2 sentencepiece tokenizers on
/// WikiText-2 test, relative to the same tokenizer without its word cache measured in the same run.
/// </summary>
internal static class BenchTokenizeCommand
{
    private const string Corpus = "corpora/wikitext-2-raw/wiki.test.raw";
    private const string Gpt2 = "reference/hf-tiny/tokenizers/gpt2";
    private const string Llama2 = "reference/hf-tiny/tokenizers/llama2/tokenizer.model";

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the results as JSON" };
        var repeat = new Option<int>("--repeat") { Description = "Timed passes per configuration (best is kept)", DefaultValueFactory = _ => 5 };
        var threads = new Option<int>("--threads") { Description = "Threads of the multi-threaded pass", DefaultValueFactory = _ => Environment.ProcessorCount };
        var corpus = new Option<FileInfo?>("--corpus") { Description = $"Text file to encode line by line (default: the shared {Corpus})" };
        var command = new Command("tokenize", "Tokenizer encoding throughput (tokens/s) on WikiText-2 test, line by line");
        command.Options.Add(json);
        command.Options.Add(repeat);
        command.Options.Add(threads);
        command.Options.Add(corpus);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var output = parseResult.InvocationConfiguration.Output;
            var (repetitions, threadCount) = (parseResult.GetValue(repeat), parseResult.GetValue(threads));
            if (repetitions < 1 || threadCount < 1)
            {
                error.WriteLine("error: --repeat and --threads must be at least 1");
                return Task.FromResult(2);
            }
            var corpusFile = parseResult.GetValue(corpus);
            if (corpusFile is { Exists: false })
            {
                error.WriteLine($"error: corpus file not found: {corpusFile.FullName}");
                return Task.FromResult(1);
            }
            var paths = new Dictionary<string, string>();
            foreach (var relative in corpusFile is null ? new[] { Corpus, Gpt2, Llama2 } : [Gpt2, Llama2])
            {
                if (!SharedDataLocator.TryResolve(relative, out var path, out var problem))
                {
                    error.WriteLine($"error: {problem}");
                    return Task.FromResult(1);
                }
                paths[relative] = path;
            }

            var corpusPath = corpusFile?.FullName ?? paths[Corpus];
            var lines = File.ReadAllLines(corpusPath);
            var asJson = parseResult.GetValue(json);
            if (!asJson)
            {
                output.WriteLine($"{Path.GetFileName(corpusPath)}: {lines.Length} lines, best of {repetitions}; rates in tokens/s, (×) = speed-up over the uncached pass");
                output.WriteLine($"{"tokenizer",-22} {"tokens",9} {"no cache (ref)",16} {"cold cache",20} {"warm, 1 thread",20} {$"warm, {threadCount} threads",20}");
            }
            var benchmarks = new (string Name, Func<TokenizerOptions, Tokenizer> Create)[]
            {
                ("gpt2 byte-level BPE", o => HfBpeTokenizer.FromVocabAndMerges(Path.Combine(paths[Gpt2], "vocab.json"), Path.Combine(paths[Gpt2], "merges.txt"), o)),
                ("llama2 sentencepiece", o => SentencePieceBpeTokenizer.FromFile(paths[Llama2], o with { Legacy = false })),
            };
            var reports = new List<TokenizerThroughputReport>();
            foreach (var (name, create) in benchmarks)
            {
                var report = TokenizerThroughput.Measure(name, create, lines, repetitions, threadCount, cancellationToken: cancellationToken);
                reports.Add(report);
                if (!asJson) PrintRow(report, output);
            }
            if (asJson) output.WriteLine(JsonSerializer.Serialize(reports.Select(ToJson), CliJson.Options));
            return Task.FromResult(0);
        });
        return command;
    }

    private static void PrintRow(TokenizerThroughputReport r, TextWriter output)
    {
        string Cell(ThroughputMeasurement m) => $"{m.TokensPerSecond / 1e6,7:F2} M ({r.Speedup(m),5:F2}×)";
        output.WriteLine($"{r.Tokenizer,-22} {r.Uncached.Tokens,9} {r.Uncached.TokensPerSecond / 1e6,14:F2} M {Cell(r.ColdCache),20} {Cell(r.WarmSingleThread),20} {Cell(r.WarmMultiThread),20}");
    }

    private static object ToJson(TokenizerThroughputReport r) => new
    {
        tokenizer = r.Tokenizer,
        lines = r.Lines,
        characters = r.Characters,
        tokens = r.Uncached.Tokens,
        measurements = new[] { r.Uncached, r.ColdCache, r.WarmSingleThread, r.WarmMultiThread }.Select(m => new
        {
            label = m.Label,
            threads = m.Threads,
            bestSeconds = m.BestSeconds,
            tokensPerSecond = m.TokensPerSecond,
            speedupOverUncached = r.Speedup(m),
        }),
    };
}
