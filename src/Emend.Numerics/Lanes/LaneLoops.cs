using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Emend.Numerics.Lanes;

/// <summary>
/// The loops shared by every pointwise and row kernel: whole registers over the body, then one zero-padded register
/// for the tail, so a kernel's arithmetic is written once and no length has to be a multiple of the lane count.
/// Callers validate lengths; an output may be the very same memory as an input (each register is loaded before it
/// is stored), but partially overlapping spans are not supported.
/// The loops are compiled fully optimised on first use: a layer op may run only a few times, each on a large buffer,
/// and the tier-0/on-stack-replacement code the JIT would otherwise start with is several times slower.
/// </summary>
internal static class LaneLoops
{
    private const int MaxLanes = 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<TF, TD, TK>(TK kernel, ReadOnlySpan<float> a, Span<float> result)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> where TK : struct, IUnaryMap
    {
        Debug.Assert(a.Length == result.Length);
        ref readonly var pa = ref MemoryMarshal.GetReference(a);
        ref var pr = ref MemoryMarshal.GetReference(result);
        var n = (nuint)result.Length;
        nuint i = 0;
        for (; i + (nuint)TF.Count <= n; i += (nuint)TF.Count)
            kernel.Apply<TF, TD>(TF.Load(in pa, i)).Store(ref pr, i);
        if (i < n)
            StoreTail<TF, TD>(kernel.Apply<TF, TD>(LoadTail<TF, TD>(a, i)), result, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<TF, TD, TK>(TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> result)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> where TK : struct, IBinaryMap
    {
        Debug.Assert(a.Length == result.Length && b.Length == result.Length);
        ref readonly var pa = ref MemoryMarshal.GetReference(a);
        ref readonly var pb = ref MemoryMarshal.GetReference(b);
        ref var pr = ref MemoryMarshal.GetReference(result);
        var n = (nuint)result.Length;
        nuint i = 0;
        for (; i + (nuint)TF.Count <= n; i += (nuint)TF.Count)
            kernel.Apply<TF, TD>(TF.Load(in pa, i), TF.Load(in pb, i)).Store(ref pr, i);
        if (i < n)
            StoreTail<TF, TD>(kernel.Apply<TF, TD>(LoadTail<TF, TD>(a, i), LoadTail<TF, TD>(b, i)), result, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<TF, TD, TK>(TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, Span<float> result)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> where TK : struct, ITernaryMap
    {
        Debug.Assert(a.Length == result.Length && b.Length == result.Length && c.Length == result.Length);
        ref readonly var pa = ref MemoryMarshal.GetReference(a);
        ref readonly var pb = ref MemoryMarshal.GetReference(b);
        ref readonly var pc = ref MemoryMarshal.GetReference(c);
        ref var pr = ref MemoryMarshal.GetReference(result);
        var n = (nuint)result.Length;
        nuint i = 0;
        for (; i + (nuint)TF.Count <= n; i += (nuint)TF.Count)
            kernel.Apply<TF, TD>(TF.Load(in pa, i), TF.Load(in pb, i), TF.Load(in pc, i)).Store(ref pr, i);
        if (i < n)
            StoreTail<TF, TD>(kernel.Apply<TF, TD>(LoadTail<TF, TD>(a, i), LoadTail<TF, TD>(b, i), LoadTail<TF, TD>(c, i)), result, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<TF, TD, TK>(TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c,
        Span<float> first, Span<float> second)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> where TK : struct, ITernaryPairMap
    {
        Debug.Assert(a.Length == first.Length && b.Length == first.Length && c.Length == first.Length && second.Length == first.Length);
        ref readonly var pa = ref MemoryMarshal.GetReference(a);
        ref readonly var pb = ref MemoryMarshal.GetReference(b);
        ref readonly var pc = ref MemoryMarshal.GetReference(c);
        ref var p1 = ref MemoryMarshal.GetReference(first);
        ref var p2 = ref MemoryMarshal.GetReference(second);
        var n = (nuint)first.Length;
        nuint i = 0;
        for (; i + (nuint)TF.Count <= n; i += (nuint)TF.Count)
        {
            kernel.Apply<TF, TD>(TF.Load(in pa, i), TF.Load(in pb, i), TF.Load(in pc, i), out var r1, out var r2);
            r1.Store(ref p1, i);
            r2.Store(ref p2, i);
        }
        if (i < n)
        {
            kernel.Apply<TF, TD>(LoadTail<TF, TD>(a, i), LoadTail<TF, TD>(b, i), LoadTail<TF, TD>(c, i), out var r1, out var r2);
            StoreTail<TF, TD>(r1, first, i);
            StoreTail<TF, TD>(r2, second, i);
        }
    }

    /// <summary>Σ of the kernel's terms, accumulated in float64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sum<TF, TD, TK>(TK kernel, ReadOnlySpan<float> a)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> where TK : struct, IUnaryTerms
    {
        ref readonly var pa = ref MemoryMarshal.GetReference(a);
        var n = (nuint)a.Length;
        var lowSum = TD.Create(0);
        var highSum = lowSum;
        nuint i = 0;
        for (; i + (nuint)TF.Count <= n; i += (nuint)TF.Count)
        {
            kernel.Terms<TF, TD>(TF.Load(in pa, i), out var low, out var high);
            lowSum += low;
            highSum += high;
        }
        var total = (lowSum + highSum).Sum();
        if (i < n)
        {
            kernel.Terms<TF, TD>(LoadTail<TF, TD>(a, i), out var low, out var high);
            total += SumLeading(low, high, (int)(n - i));
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sum<TF, TD, TK>(TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> where TK : struct, IBinaryTerms
    {
        Debug.Assert(a.Length == b.Length);
        ref readonly var pa = ref MemoryMarshal.GetReference(a);
        ref readonly var pb = ref MemoryMarshal.GetReference(b);
        var n = (nuint)a.Length;
        var lowSum = TD.Create(0);
        var highSum = lowSum;
        nuint i = 0;
        for (; i + (nuint)TF.Count <= n; i += (nuint)TF.Count)
        {
            kernel.Terms<TF, TD>(TF.Load(in pa, i), TF.Load(in pb, i), out var low, out var high);
            lowSum += low;
            highSum += high;
        }
        var total = (lowSum + highSum).Sum();
        if (i < n)
        {
            kernel.Terms<TF, TD>(LoadTail<TF, TD>(a, i), LoadTail<TF, TD>(b, i), out var low, out var high);
            total += SumLeading(low, high, (int)(n - i));
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sum<TF, TD, TK>(TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> where TK : struct, ITernaryTerms
    {
        Debug.Assert(a.Length == b.Length && a.Length == c.Length);
        ref readonly var pa = ref MemoryMarshal.GetReference(a);
        ref readonly var pb = ref MemoryMarshal.GetReference(b);
        ref readonly var pc = ref MemoryMarshal.GetReference(c);
        var n = (nuint)a.Length;
        var lowSum = TD.Create(0);
        var highSum = lowSum;
        nuint i = 0;
        for (; i + (nuint)TF.Count <= n; i += (nuint)TF.Count)
        {
            kernel.Terms<TF, TD>(TF.Load(in pa, i), TF.Load(in pb, i), TF.Load(in pc, i), out var low, out var high);
            lowSum += low;
            highSum += high;
        }
        var total = (lowSum + highSum).Sum();
        if (i < n)
        {
            kernel.Terms<TF, TD>(LoadTail<TF, TD>(a, i), LoadTail<TF, TD>(b, i), LoadTail<TF, TD>(c, i), out var low, out var high);
            total += SumLeading(low, high, (int)(n - i));
        }
        return total;
    }

    /// <summary>sums[j] += term(a[j]) in float64: parameter gradients summed over many rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddTerms<TF, TD, TK>(TK kernel, ReadOnlySpan<float> a, Span<double> sums)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> where TK : struct, IUnaryTerms
    {
        Debug.Assert(a.Length == sums.Length);
        ref readonly var pa = ref MemoryMarshal.GetReference(a);
        ref var ps = ref MemoryMarshal.GetReference(sums);
        var n = (nuint)a.Length;
        nuint i = 0;
        for (; i + (nuint)TF.Count <= n; i += (nuint)TF.Count)
        {
            kernel.Terms<TF, TD>(TF.Load(in pa, i), out var low, out var high);
            AddInto(low, high, ref ps, i);
        }
        if (i < n)
        {
            kernel.Terms<TF, TD>(LoadTail<TF, TD>(a, i), out var low, out var high);
            AddLeadingInto(low, high, sums[(int)i..]);
        }
    }

    /// <summary>sums[j] += term(a[j], b[j]) in float64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddTerms<TF, TD, TK>(TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<double> sums)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> where TK : struct, IBinaryTerms
    {
        Debug.Assert(a.Length == sums.Length && b.Length == sums.Length);
        ref readonly var pa = ref MemoryMarshal.GetReference(a);
        ref readonly var pb = ref MemoryMarshal.GetReference(b);
        ref var ps = ref MemoryMarshal.GetReference(sums);
        var n = (nuint)a.Length;
        nuint i = 0;
        for (; i + (nuint)TF.Count <= n; i += (nuint)TF.Count)
        {
            kernel.Terms<TF, TD>(TF.Load(in pa, i), TF.Load(in pb, i), out var low, out var high);
            AddInto(low, high, ref ps, i);
        }
        if (i < n)
        {
            kernel.Terms<TF, TD>(LoadTail<TF, TD>(a, i), LoadTail<TF, TD>(b, i), out var low, out var high);
            AddLeadingInto(low, high, sums[(int)i..]);
        }
    }

    private static TF LoadTail<TF, TD>(ReadOnlySpan<float> source, nuint start)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        Span<float> padded = stackalloc float[MaxLanes];
        padded.Clear();
        source[(int)start..].CopyTo(padded);
        return TF.Load(in MemoryMarshal.GetReference(padded), 0);
    }

    private static void StoreTail<TF, TD>(TF value, Span<float> destination, nuint start)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        Span<float> padded = stackalloc float[MaxLanes];
        value.Store(ref MemoryMarshal.GetReference(padded), 0);
        var tail = destination[(int)start..];
        padded[..tail.Length].CopyTo(tail);
    }

    private static void AddInto<TD>(TD low, TD high, ref double sums, nuint offset) where TD : struct, IDoubleLanes<TD>
    {
        (TD.Load(in sums, offset) + low).Store(ref sums, offset);
        (TD.Load(in sums, offset + (nuint)TD.Count) + high).Store(ref sums, offset + (nuint)TD.Count);
    }

    private static double SumLeading<TD>(TD low, TD high, int count) where TD : struct, IDoubleLanes<TD>
    {
        Span<double> lanes = stackalloc double[MaxLanes];
        low.Store(ref MemoryMarshal.GetReference(lanes), 0);
        high.Store(ref MemoryMarshal.GetReference(lanes), (nuint)TD.Count);
        double total = 0;
        foreach (var lane in lanes[..count])
            total += lane;
        return total;
    }

    private static void AddLeadingInto<TD>(TD low, TD high, Span<double> sums) where TD : struct, IDoubleLanes<TD>
    {
        Span<double> lanes = stackalloc double[MaxLanes];
        low.Store(ref MemoryMarshal.GetReference(lanes), 0);
        high.Store(ref MemoryMarshal.GetReference(lanes), (nuint)TD.Count);
        for (var j = 0; j < sums.Length; j++)
            sums[j] += lanes[j];
    }
}
