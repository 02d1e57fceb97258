using BenchmarkDotNet.Attributes;
using Emend.Numerics;

namespace Emend.Benchmarks;

/// <summary>
/// Causal attention at GPT-2-small head sizes (12 heads × 64): a training/editing-sized batch (32 sequences × 32
/// tokens) forward and backward, and one decode step of a single sequence against 512 cached keys in a 1024-row
/// cache. Run: <c>dotnet run -c Release --project bench/Emend.Benchmarks -- --filter *AttentionBenchmarks* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class AttentionBenchmarks
{
    private static readonly AttentionShape Batch = new(32, 32, 32, 32, 12, 12, 64);
    private static readonly AttentionShape Decode = new(1, 1, 512, 1024, 12, 12, 64);

    private float[] _q = [], _k = [], _v = [], _output = [], _probabilities = [];
    private float[] _dOutput = [], _dq = [], _dk = [], _dv = [];
    private float[] _decodeQ = [], _kCache = [], _vCache = [], _decodeOutput = [];

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.ThreadCount = Threads;
        var random = new Random(1);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        (_q, _k, _v, _dOutput) = (Random(Batch.QueryElements), Random(Batch.KeyValueElements), Random(Batch.KeyValueElements), Random(Batch.QueryElements));
        (_output, _dq) = (new float[Batch.QueryElements], new float[Batch.QueryElements]);
        (_dk, _dv) = (new float[Batch.KeyValueElements], new float[Batch.KeyValueElements]);
        _probabilities = new float[Batch.ProbabilityElements];
        CausalAttention.Forward(Batch, _q, _k, _v, [], _output, _probabilities);
        (_decodeQ, _kCache, _vCache) = (Random(Decode.QueryElements), Random(Decode.KeyValueElements), Random(Decode.KeyValueElements));
        _decodeOutput = new float[Decode.QueryElements];
    }

    [Benchmark]
    public void ForwardBatch32x32() => CausalAttention.Forward(Batch, _q, _k, _v, [], _output, []);

    [Benchmark]
    public void ForwardBatch32x32SavingProbabilities() => CausalAttention.Forward(Batch, _q, _k, _v, [], _output, _probabilities);

    [Benchmark]
    public void BackwardBatch32x32() => CausalAttention.Backward(Batch, _dOutput, _q, _k, _v, [], _probabilities, _dq, _dk, _dv);

    [Benchmark]
    public void DecodeOneTokenAgainst512Cached() => CausalAttention.Forward(Decode, _decodeQ, _kCache, _vCache, [], _decodeOutput, []);
}
