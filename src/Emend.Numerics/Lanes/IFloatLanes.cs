namespace Emend.Numerics.Lanes;

/// <summary>
/// One SIMD register of float32 lanes. Kernels are written once against this interface and instantiated for
/// Vector512, Vector256 and Vector128 (the BCL's own <c>ISimdVector</c> is internal); a struct wrapping one vector is
/// kept in a register by the JIT, so the indirection costs nothing at run time.
/// </summary>
internal interface IFloatLanes<TSelf, TWide>
    where TSelf : struct, IFloatLanes<TSelf, TWide>
    where TWide : struct, IDoubleLanes<TWide>
{
    static abstract int Count { get; }

    static abstract TSelf Create(float value);

    static abstract TSelf Load(ref readonly float source, nuint offset);

    void Store(ref float destination, nuint offset);

    static abstract TSelf operator +(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf left, TSelf right);

    static abstract TSelf operator *(TSelf left, TSelf right);

    static abstract TSelf operator /(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf value);

    /// <summary>left·right + addend rounded once, so every width gives bit-identical results.</summary>
    static abstract TSelf MultiplyAdd(TSelf left, TSelf right, TSelf addend);

    /// <summary>IEEE minimum: NaN propagates, so clamping never hides a NaN input.</summary>
    static abstract TSelf Min(TSelf left, TSelf right);

    static abstract TSelf Max(TSelf left, TSelf right);

    /// <summary>All-ones lanes where left &lt; right, zero lanes elsewhere; feed to <see cref="Select"/>.</summary>
    static abstract TSelf LessThan(TSelf left, TSelf right);

    static abstract TSelf Select(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    /// <summary>The lanes as float64: <paramref name="lower"/> holds elements [0, Count/2), <paramref name="upper"/> the rest.</summary>
    void Widen(out TWide lower, out TWide upper);

    /// <summary>Inverse of <see cref="Widen"/>, rounding each lane to float32.</summary>
    static abstract TSelf Narrow(TWide lower, TWide upper);

    float ToScalar();
}
