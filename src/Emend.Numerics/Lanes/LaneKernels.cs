namespace Emend.Numerics.Lanes;

// The arithmetic of one register's worth of elements. Kernels are structs, so the loops in LaneLoops are specialised
// per kernel and the call inlines; per-row constants (a row max, an rstd) are fields.

/// <summary>One output lane from one input lane.</summary>
internal interface IUnaryMap
{
    TF Apply<TF, TD>(TF a) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>;
}

/// <summary>One output lane from two input lanes.</summary>
internal interface IBinaryMap
{
    TF Apply<TF, TD>(TF a, TF b) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>;
}

/// <summary>One output lane from three input lanes.</summary>
internal interface ITernaryMap
{
    TF Apply<TF, TD>(TF a, TF b, TF c) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>;
}

/// <summary>Two output lanes from three input lanes (a backward pass with two gradients, fused to read inputs once).</summary>
internal interface ITernaryPairMap
{
    void Apply<TF, TD>(TF a, TF b, TF c, out TF first, out TF second)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>;
}

/// <summary>Float64 summands from one input register, split as <see cref="IFloatLanes{TSelf,TWide}.Widen"/> splits.</summary>
internal interface IUnaryTerms
{
    void Terms<TF, TD>(TF a, out TD lower, out TD upper) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>;
}

/// <summary>Float64 summands from two input registers.</summary>
internal interface IBinaryTerms
{
    void Terms<TF, TD>(TF a, TF b, out TD lower, out TD upper) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>;
}

/// <summary>Float64 summands from three input registers.</summary>
internal interface ITernaryTerms
{
    void Terms<TF, TD>(TF a, TF b, TF c, out TD lower, out TD upper)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>;
}
