using System.Diagnostics;

namespace Emend.Numerics;

/// <summary>
/// Throughput of one conversion in G elements/s: the vector path in use, the scalar fallback, and a float32 memory
/// copy of the same element count as the same-run bandwidth reference (widening is memory-bound, so "close to the
/// copy" is the goal, not a compute figure).
/// </summary>
public sealed record ConversionBenchmarkResult(string Conversion, long Elements, double GigaElementsPerSecond,
    double ScalarGigaElementsPerSecond, double CopyGigaElementsPerSecond);

/// <summary>Measures <see cref="HalfConversion"/> on a large buffer, best of N, each conversion interleaved with its references.</summary>
public static class ConversionBenchmark
{
    public static IReadOnlyList<ConversionBenchmarkResult> Run(int elements, int repeat, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elements, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        var random = new Random(7);
        var singles = new float[elements];
        for (var i = 0; i < elements; i++) singles[i] = (float)(random.NextDouble() * 8 - 4);
        var halves = new ushort[elements];
        var wide = new float[elements];
        var copy = new float[elements];
        HalfConversion.SingleToBFloat16(singles, halves);
        var width = SimdWidths.Current;

        (string Name, Action<SimdWidth> Convert)[] conversions =
        [
            ("bf16->fp32", w => HalfConversion.BFloat16ToSingle(halves, wide, w)),
            ("fp16->fp32", w => HalfConversion.HalfToSingle(halves, wide, w)),
            ("fp32->bf16", w => HalfConversion.SingleToBFloat16(singles, halves, w)),
            ("fp32->fp16", w => HalfConversion.SingleToHalf(singles, halves, w)),
        ];
        var results = new List<ConversionBenchmarkResult>();
        foreach (var (name, convert) in conversions)
        {
            double vector = double.MaxValue, scalar = double.MaxValue, copied = double.MaxValue;
            convert(width);
            for (var r = 0; r < repeat; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                vector = Math.Min(vector, Seconds(() => convert(width)));
                scalar = Math.Min(scalar, Seconds(() => convert(SimdWidth.Scalar)));
                copied = Math.Min(copied, Seconds(() => singles.AsSpan().CopyTo(copy)));
            }
            results.Add(new ConversionBenchmarkResult(name, elements, elements / vector / 1e9, elements / scalar / 1e9, elements / copied / 1e9));
        }
        return results;
    }

    private static double Seconds(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
