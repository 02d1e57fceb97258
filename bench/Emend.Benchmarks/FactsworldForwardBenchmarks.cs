using BenchmarkDotNet.Attributes;
using Emend.Cli;
using Emend.Models.Generation;
using Emend.Models.Runtime;
using Emend.Numerics;

namespace Emend.Benchmarks;

/// <summary>
/// The runtime on factsworld-gpt2 (6 layers, width 192, vocabulary 26476): a forward pass over 32 × 32 tokens with
/// logits at every token, the same kept for backward plus NLL and backward to every parameter (a training step
/// without the optimiser), and greedy KV-cached decoding of 64 tokens after a 16-token prompt. Needs the shared data
/// folder (EMEND_SHARED or ../shared). Run:
/// <c>dotnet run -c Release --project bench/Emend.Benchmarks -- --filter *FactsworldForwardBenchmarks* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class FactsworldForwardBenchmarks
{
    private Transformer? _model;
    private TokenBatch? _batch;
    private int[] _targets = [];
    private float[] _logits = [], _dLogits = [];
    private Gradients? _gradients;
    private IReadOnlyList<int>[] _prompt = [];

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (!SharedDataLocator.TryResolve("models/factsworld-gpt2", out var path, out var problem))
            throw new InvalidOperationException(problem);
        ComputeSettings.ThreadCount = Threads;
        _model = Transformer.Load(path);
        var vocabulary = _model.Spec.VocabSize;
        var random = new SeededRandom(1);
        var sequences = Enumerable.Range(0, 32)
            .Select(_ => Enumerable.Range(0, 33).Select(_ => (int)(random.NextUInt64() % (ulong)vocabulary)).ToArray()).ToArray();
        _batch = TokenBatch.RightPadded(sequences.Select(s => (IReadOnlyList<int>)s[..^1]).ToArray());
        _targets = sequences.SelectMany(s => s[1..]).ToArray();
        _logits = new float[_targets.Length * vocabulary];
        _dLogits = new float[_logits.Length];
        _gradients = _model.CreateGradients(_model.Parameters);
        _prompt = [sequences[0][..16]];
    }

    [GlobalCleanup]
    public void Cleanup() => _model?.Dispose();

    [Benchmark]
    public void Forward32x32() => _model!.Forward(_batch!, ForwardOptions.Default, _logits);

    [Benchmark]
    public void ForwardBackward32x32()
    {
        var result = _model!.Forward(_batch!, new ForwardOptions { KeepForBackward = true }, _logits);
        LogitLoss.NegativeLogLikelihood(result.Logits, _targets, _model.Spec.VocabSize, _dLogits, 1f / _targets.Length);
        _gradients!.Clear();
        _model.Backward(result, _dLogits, _gradients);
    }

    [Benchmark]
    public void Decode64Tokens() => _model!.Generate(_prompt, new GenerationOptions { MaxNewTokens = 64 });
}
