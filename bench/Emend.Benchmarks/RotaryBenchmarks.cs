using BenchmarkDotNet.Attributes;
using Emend.Numerics;

namespace Emend.Benchmarks;

/// <summary>
/// Rotary embedding of a 32 × 32-token batch with 12 heads × 64 (GPT-2-small sized), for the two pair layouts.
/// Run: <c>dotnet run -c Release --project bench/Emend.Benchmarks -- --filter *RotaryBenchmarks* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class RotaryBenchmarks
{
    private const int Rows = 32 * 32, Heads = 12, HeadDim = 64;

    private readonly float[] _x = new float[Rows * Heads * HeadDim];
    private readonly int[] _positions = Enumerable.Range(0, Rows).Select(row => row % 32).ToArray();
    private RotaryEmbedding _rope = null!;

    [Params(RotaryLayout.HalfSplit, RotaryLayout.Interleaved)]
    public RotaryLayout Layout { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rope = new RotaryEmbedding(HeadDim, HeadDim, 10000, Layout);
        for (var i = 0; i < _x.Length; i++) _x[i] = (i % 17) * 0.1f - 0.8f;
    }

    [Benchmark]
    public void ApplyBatch32x32() => _rope.Apply(_x, _positions, Heads);
}
