namespace Emend.Numerics;

/// <summary>
/// How one GEMM call runs. Public calls take it from <see cref="ComputeSettings"/>; tests and benchmarks pass it
/// explicitly, so forcing a width or a thread count never races with other callers.
/// </summary>
/// <param name="Threads">Most workers to use (fewer for small products).</param>
/// <param name="Width">The kernel family.</param>
/// <param name="UseSmallMPath">False sends short A through the packed kernels too (to test and compare them).</param>
internal readonly record struct GemmOptions(int Threads, SimdWidth Width, bool UseSmallMPath = true)
{
    public static GemmOptions Current => new(ComputeSettings.ThreadCount, SimdWidths.Current);
}
