using System.Diagnostics;

namespace Emend.Numerics;

/// <summary>
/// One GEMM shape to measure: C[M×N] = A[M×K]·op(B), with B stored [K, N] or, transposed, [N, K] (an [out, in]
/// weight). For SGEMM, B may be stored as bfloat16/float16 (a <see cref="MatrixView"/>, managed only); OpenBLAS then
/// runs the same product with float32 B as the reference.
/// </summary>
public sealed record GemmBenchmarkCase(bool DoublePrecision, Transpose TransB, int M, int K, int N, ElementType BType = ElementType.Float32)
{
    public string Name => $"{(DoublePrecision ? "dgemm" : "sgemm")} {(TransB == Transpose.None ? "NN" : "NT")} {M}x{K}x{N}"
        + BType switch { ElementType.BFloat16 => " bf16 B", ElementType.Float16 => " fp16 B", _ => "" };

    public double Flops => 2.0 * M * K * N;
}

/// <summary>Best-of-N wall-clock throughput of the managed kernels and of OpenBLAS (null when absent), measured interleaved.</summary>
/// <param name="Case">The shape measured.</param>
/// <param name="Threads">Threads given to both backends.</param>
/// <param name="ManagedGflops">Best wall-clock throughput of the managed kernels.</param>
/// <param name="OpenBlasGflops">Best wall-clock throughput of OpenBLAS, null when the library is absent.</param>
public sealed record GemmBenchmarkResult(GemmBenchmarkCase Case, int Threads, double ManagedGflops, double? OpenBlasGflops)
{
    /// <summary>Managed / OpenBLAS throughput; above 1 means the managed kernel was faster.</summary>
    public double? Ratio => OpenBlasGflops is { } reference ? ManagedGflops / reference : null;
}

/// <summary>
/// Measures the managed GEMM against OpenBLAS in the same process. The machine is shared, so the two are timed in
/// alternating bursts (ours, theirs, ours, …) and each keeps its best call: contention slows both alike and the
/// ratio stays meaningful where absolute GFLOP/s do not.
/// </summary>
public static class GemmBenchmark
{
    /// <summary>Back-to-back calls per backend and repetition, so each runs with its own threads awake.</summary>
    private const int Burst = 3;

    /// <summary>
    /// Pause after an OpenBLAS burst: its worker threads keep spinning for a while after a call (2^28 cycles by
    /// default), and on a small machine they would take a core from the managed burst that follows.
    /// </summary>
    private static readonly TimeSpan OpenBlasIdle = TimeSpan.FromMilliseconds(200);

    /// <summary>Transformer-shaped products (GPT-2 small MLP and LM head, decode and prefill) and Cholesky-shaped DGEMMs.</summary>
    public static IReadOnlyList<GemmBenchmarkCase> StandardCases { get; } =
    [
        .. new[] { Transpose.None, Transpose.Transposed }.SelectMany(transB => new GemmBenchmarkCase[]
        {
            new(false, transB, 32, 768, 3072),
            new(false, transB, 32, 3072, 768),
            new(false, transB, 512, 768, 3072),
            new(false, transB, 512, 768, 50257),
            new(false, transB, 2048, 2048, 2048),
        }),
        new(false, Transpose.Transposed, 32, 768, 3072, ElementType.BFloat16),
        new(false, Transpose.Transposed, 512, 768, 3072, ElementType.BFloat16),
        new(true, Transpose.None, 2048, 2048, 2048),
        new(true, Transpose.Transposed, 2048, 256, 2048),
    ];

    public static IReadOnlyList<GemmBenchmarkResult> Run(IEnumerable<GemmBenchmarkCase> cases, int threads, int repeat,
        IProgress<GemmBenchmarkResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var results = new List<GemmBenchmarkResult>();
        foreach (var benchmarkCase in cases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = Measure(benchmarkCase, threads, repeat, cancellationToken);
            results.Add(result);
            progress?.Report(result);
        }
        return results;
    }

    public static GemmBenchmarkResult Measure(GemmBenchmarkCase benchmarkCase, int threads, int repeat, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        var (managed, openBlas) = benchmarkCase.DoublePrecision
            ? DoubleOperations(benchmarkCase, threads)
            : SingleOperations(benchmarkCase, threads);
        var bestManaged = double.MaxValue;
        var bestOpenBlas = double.MaxValue;
        for (var r = 0; r < repeat; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bestManaged = Math.Min(bestManaged, BestOfBurst(managed));
            if (openBlas is null) continue;
            bestOpenBlas = Math.Min(bestOpenBlas, BestOfBurst(openBlas));
            Thread.Sleep(OpenBlasIdle);
        }
        return new GemmBenchmarkResult(benchmarkCase, threads, benchmarkCase.Flops / bestManaged / 1e9,
            openBlas is null ? null : benchmarkCase.Flops / bestOpenBlas / 1e9);
    }

    private static (Action Managed, Action? OpenBlas) SingleOperations(GemmBenchmarkCase c, int threads)
    {
        var (a, b, result, ldb) = Operands<float>(c);
        var options = new GemmOptions(threads, SimdWidths.Current);
        Action? openBlas = OpenBlasLibrary.IsAvailable ? () => OpenBlasSgemm(threads, c, a, b, ldb, result) : null;
        if (c.BType == ElementType.Float32)
            return (() => Gemm.Sgemm(options, Transpose.None, c.TransB, c.M, c.N, c.K, 1f, a, c.K, b, ldb, 0f, result, c.N), openBlas);
        var halves = new ushort[b.Length];
        if (c.BType == ElementType.BFloat16) HalfConversion.SingleToBFloat16(b, halves);
        else HalfConversion.SingleToHalf(b, halves);
        return (() => SixteenBitSgemm(options, c, a, halves, ldb, result), openBlas);
    }

    private static (Action Managed, Action? OpenBlas) DoubleOperations(GemmBenchmarkCase c, int threads)
    {
        var (a, b, result, ldb) = Operands<double>(c);
        var options = new GemmOptions(threads, SimdWidths.Current);
        return (() => Gemm.Dgemm(options, Transpose.None, c.TransB, c.M, c.N, c.K, 1, a, c.K, b, ldb, 0, result, c.N),
            OpenBlasLibrary.IsAvailable ? () => OpenBlasDgemm(threads, c, a, b, ldb, result) : null);
    }

    private static unsafe void SixteenBitSgemm(GemmOptions options, GemmBenchmarkCase c, float[] a, ushort[] b, int ldb, float[] result)
    {
        var (rows, cols) = c.TransB == Transpose.None ? (c.K, c.N) : (c.N, c.K);
        fixed (ushort* pb = b)
            Gemm.Sgemm(options, Transpose.None, c.TransB, c.M, c.N, c.K, 1f, a, c.K, new MatrixView(pb, c.BType, rows, cols, ldb), 0f, result, c.N);
    }

    private static unsafe void OpenBlasSgemm(int threads, GemmBenchmarkCase c, float[] a, float[] b, int ldb, float[] result)
    {
        fixed (float* pa = a, pb = b, pc = result)
            OpenBlasGemm.Sgemm(threads, Transpose.None, c.TransB, c.M, c.N, c.K, 1f, pa, c.K, pb, ldb, 0f, pc, c.N);
    }

    private static unsafe void OpenBlasDgemm(int threads, GemmBenchmarkCase c, double[] a, double[] b, int ldb, double[] result)
    {
        fixed (double* pa = a, pb = b, pc = result)
            OpenBlasGemm.Dgemm(threads, Transpose.None, c.TransB, c.M, c.N, c.K, 1, pa, c.K, pb, ldb, 0, pc, c.N);
    }

    /// <summary>Random A (M × K), B stored as op(B) requires, a C to overwrite, and B's leading dimension.</summary>
    private static (T[] A, T[] B, T[] C, int Ldb) Operands<T>(GemmBenchmarkCase c) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(42);
        return (RandomArray<T>(random, (long)c.M * c.K), RandomArray<T>(random, (long)c.K * c.N), new T[(long)c.M * c.N],
            c.TransB == Transpose.None ? c.N : c.K);
    }

    private static T[] RandomArray<T>(Random random, long length) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var values = new T[length];
        for (long i = 0; i < length; i++) values[i] = T.CreateTruncating(random.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>Fastest of <see cref="Burst"/> consecutive calls, after one untimed call (page faults, wake-up).</summary>
    private static double BestOfBurst(Action action)
    {
        action();
        var best = double.MaxValue;
        for (var i = 0; i < Burst; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return best;
    }
}
