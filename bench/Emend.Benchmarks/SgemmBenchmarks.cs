using BenchmarkDotNet.Attributes;
using Emend.Numerics;

namespace Emend.Benchmarks;

/// <summary>
/// Managed SGEMM against OpenBLAS on transformer shapes (decode, prefill, square). <c>emend bench gemm</c> gives the
/// quick interleaved ratio table; this class gives BenchmarkDotNet's statistics for the same products.
/// </summary>
public class SgemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    public static IEnumerable<GemmShape> Shapes => [new(32, 768, 3072), new(512, 768, 3072), new(2048, 2048, 2048)];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = new(32, 768, 3072);

    [Params(Transpose.None, Transpose.Transposed)]
    public Transpose TransB { get; set; }

    [Params(2)]
    public int Threads { get; set; }

    private int Ldb => TransB == Transpose.None ? Shape.N : Shape.K;

    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.ThreadCount = Threads;
        var random = new Random(1);
        _a = Enumerable.Range(0, Shape.M * Shape.K).Select(_ => (float)random.NextDouble()).ToArray();
        _b = Enumerable.Range(0, Shape.K * Shape.N).Select(_ => (float)random.NextDouble()).ToArray();
        _c = new float[Shape.M * Shape.N];
    }

    [Benchmark(Baseline = true)]
    public void Managed() =>
        Gemm.Sgemm(GemmOptions.Current, Transpose.None, TransB, Shape.M, Shape.N, Shape.K, 1f, _a, Shape.K, _b, Ldb, 0f, _c, Shape.N);

    [Benchmark]
    public void OpenBlas()
    {
        if (!OpenBlasLibrary.IsAvailable)
            throw new InvalidOperationException("libopenblas.so.0 is not installed");
        Gemm.OpenBlasSgemm(Transpose.None, TransB, Shape.M, Shape.N, Shape.K, 1f, _a, Shape.K, _b, Ldb, 0f, _c, Shape.N);
    }
}

/// <summary>A GEMM shape, printed as M×K×N in BenchmarkDotNet's tables.</summary>
public sealed record GemmShape(int M, int K, int N)
{
    public override string ToString() => $"{M}x{K}x{N}";
}
