using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Emend.Numerics.Lanes;

/// <summary>
/// The loops shared by every pointwise and row kernel: whole registers over the body, then the tail copied into one
/// zero-padded register and run through the same loop again, so a kernel's arithmetic is written once, instantiated
/// once per loop, and no length has to be a multiple of the lane count. Callers validate lengths; an output may be
/// the very same memory as an input (each register is loaded before it is stored), but partially overlapping spans
/// are not supported.
/// Each loop is compiled fully optimised on first use (a layer op may run only a few times, each on a large buffer,
/// and tier-0 or on-stack-replacement code is several times slower) and is never inlined into its caller: there the
/// JIT's inlining limits run out and leave the lane operators as calls, measured 9× slower.
/// </summary>
internal static class LaneLoops
{
    private const int MaxLanes = 16;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
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
        {
            Span<float> padded = stackalloc float[MaxLanes];
            Map<TF, TD, TK>(kernel, Pad<TF, TD>(a[(int)i..], stackalloc float[MaxLanes]), padded[..TF.Count]);
            padded[..result[(int)i..].Length].CopyTo(result[(int)i..]);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
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
        {
            Span<float> padded = stackalloc float[MaxLanes];
            Map<TF, TD, TK>(kernel, Pad<TF, TD>(a[(int)i..], stackalloc float[MaxLanes]), Pad<TF, TD>(b[(int)i..], stackalloc float[MaxLanes]),
                padded[..TF.Count]);
            padded[..result[(int)i..].Length].CopyTo(result[(int)i..]);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
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
        {
            Span<float> padded = stackalloc float[MaxLanes];
            Map<TF, TD, TK>(kernel, Pad<TF, TD>(a[(int)i..], stackalloc float[MaxLanes]), Pad<TF, TD>(b[(int)i..], stackalloc float[MaxLanes]),
                Pad<TF, TD>(c[(int)i..], stackalloc float[MaxLanes]), padded[..TF.Count]);
            padded[..result[(int)i..].Length].CopyTo(result[(int)i..]);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
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
            Span<float> padded1 = stackalloc float[MaxLanes];
            Span<float> padded2 = stackalloc float[MaxLanes];
            Map<TF, TD, TK>(kernel, Pad<TF, TD>(a[(int)i..], stackalloc float[MaxLanes]), Pad<TF, TD>(b[(int)i..], stackalloc float[MaxLanes]),
                Pad<TF, TD>(c[(int)i..], stackalloc float[MaxLanes]), padded1[..TF.Count], padded2[..TF.Count]);
            padded1[..first[(int)i..].Length].CopyTo(first[(int)i..]);
            padded2[..second[(int)i..].Length].CopyTo(second[(int)i..]);
        }
    }

    /// <summary>Σ of the kernel's terms, accumulated in float64.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
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
            var lanes = ZeroedLanes<TF, TD>(stackalloc double[MaxLanes]);
            AddTerms<TF, TD, TK>(kernel, Pad<TF, TD>(a[(int)i..], stackalloc float[MaxLanes]), lanes);
            total += SumLeading(lanes, (int)(n - i));
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
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
            var lanes = ZeroedLanes<TF, TD>(stackalloc double[MaxLanes]);
            AddTerms<TF, TD, TK>(kernel, Pad<TF, TD>(a[(int)i..], stackalloc float[MaxLanes]), Pad<TF, TD>(b[(int)i..], stackalloc float[MaxLanes]), lanes);
            total += SumLeading(lanes, (int)(n - i));
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
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
            var lanes = ZeroedLanes<TF, TD>(stackalloc double[MaxLanes]);
            AddTerms<TF, TD, TK>(kernel, Pad<TF, TD>(a[(int)i..], stackalloc float[MaxLanes]), Pad<TF, TD>(b[(int)i..], stackalloc float[MaxLanes]),
                Pad<TF, TD>(c[(int)i..], stackalloc float[MaxLanes]), lanes);
            total += SumLeading(lanes, (int)(n - i));
        }
        return total;
    }

    /// <summary>sums[j] += term(a[j]) in float64: parameter gradients summed over many rows.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
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
            var lanes = ZeroedLanes<TF, TD>(stackalloc double[MaxLanes]);
            AddTerms<TF, TD, TK>(kernel, Pad<TF, TD>(a[(int)i..], stackalloc float[MaxLanes]), lanes);
            AddLeading(lanes, sums[(int)i..]);
        }
    }

    /// <summary>sums[j] += term(a[j], b[j]) in float64.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
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
            var lanes = ZeroedLanes<TF, TD>(stackalloc double[MaxLanes]);
            AddTerms<TF, TD, TK>(kernel, Pad<TF, TD>(a[(int)i..], stackalloc float[MaxLanes]), Pad<TF, TD>(b[(int)i..], stackalloc float[MaxLanes]), lanes);
            AddLeading(lanes, sums[(int)i..]);
        }
    }

    /// <summary>sums[j] += term(a[j], b[j], c[j]) in float64; the tail of the three-input <see cref="Sum{TF,TD,TK}(TK,ReadOnlySpan{float},ReadOnlySpan{float},ReadOnlySpan{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void AddTerms<TF, TD, TK>(TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, Span<double> sums)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> where TK : struct, ITernaryTerms
    {
        Debug.Assert(a.Length == TF.Count && b.Length == TF.Count && c.Length == TF.Count && sums.Length == TF.Count);
        kernel.Terms<TF, TD>(TF.Load(in MemoryMarshal.GetReference(a), 0), TF.Load(in MemoryMarshal.GetReference(b), 0),
            TF.Load(in MemoryMarshal.GetReference(c), 0), out var low, out var high);
        AddInto(low, high, ref MemoryMarshal.GetReference(sums), 0);
    }

    /// <summary>The tail copied into the first register-width of <paramref name="buffer"/>, zeros after it.</summary>
    private static ReadOnlySpan<float> Pad<TF, TD>(ReadOnlySpan<float> tail, Span<float> buffer)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        var padded = buffer[..TF.Count];
        padded.Clear();
        tail.CopyTo(padded);
        return padded;
    }

    private static Span<double> ZeroedLanes<TF, TD>(Span<double> buffer)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        var lanes = buffer[..TF.Count];
        lanes.Clear();
        return lanes;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddInto<TD>(TD low, TD high, ref double sums, nuint offset) where TD : struct, IDoubleLanes<TD>
    {
        (TD.Load(in sums, offset) + low).Store(ref sums, offset);
        (TD.Load(in sums, offset + (nuint)TD.Count) + high).Store(ref sums, offset + (nuint)TD.Count);
    }

    private static double SumLeading(ReadOnlySpan<double> lanes, int count)
    {
        double total = 0;
        foreach (var lane in lanes[..count])
            total += lane;
        return total;
    }

    private static void AddLeading(ReadOnlySpan<double> lanes, Span<double> sums)
    {
        for (var j = 0; j < sums.Length; j++)
            sums[j] += lanes[j];
    }
}
