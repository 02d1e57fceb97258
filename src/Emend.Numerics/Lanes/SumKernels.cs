using System.Runtime.CompilerServices;

namespace Emend.Numerics.Lanes;

/// <summary>Σ a, each float widened to float64 before it is added.</summary>
internal readonly struct Identity : IUnaryTerms
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Terms<TF, TD>(TF a, out TD lower, out TD upper)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> => a.Widen(out lower, out upper);
}

/// <summary>Σ a², squares formed in float64 (exact for float32 inputs).</summary>
internal readonly struct Square : IUnaryTerms
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Terms<TF, TD>(TF a, out TD lower, out TD upper)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        a.Widen(out var low, out var high);
        lower = low * low;
        upper = high * high;
    }
}

/// <summary>Σ a·b, products formed in float64 (exact for float32 inputs), as a dot product.</summary>
internal readonly struct Product : IBinaryTerms
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Terms<TF, TD>(TF a, TF b, out TD lower, out TD upper)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        a.Widen(out var aLow, out var aHigh);
        b.Widen(out var bLow, out var bHigh);
        lower = aLow * bLow;
        upper = aHigh * bHigh;
    }
}
