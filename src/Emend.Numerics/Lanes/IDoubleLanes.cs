namespace Emend.Numerics.Lanes;

/// <summary>
/// One SIMD register of float64 lanes: the partner of <see cref="IFloatLanes{TSelf,TWide}"/> for sums that must not
/// lose float32 precision over long rows and for the float64 error function.
/// </summary>
internal interface IDoubleLanes<TSelf>
    where TSelf : struct, IDoubleLanes<TSelf>
{
    static abstract int Count { get; }

    static abstract TSelf Create(double value);

    static abstract TSelf Load(ref readonly double source, nuint offset);

    void Store(ref double destination, nuint offset);

    static abstract TSelf operator +(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf left, TSelf right);

    static abstract TSelf operator *(TSelf left, TSelf right);

    static abstract TSelf operator /(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf value);

    static abstract TSelf MultiplyAdd(TSelf left, TSelf right, TSelf addend);

    static abstract TSelf Abs(TSelf value);

    /// <summary>IEEE minimum: NaN propagates.</summary>
    static abstract TSelf Min(TSelf left, TSelf right);

    static abstract TSelf Max(TSelf left, TSelf right);

    /// <summary>
    /// value·2ⁿ, where n is the integer held in the low mantissa bits of <paramref name="integerInLowBits"/> (a double
    /// in ±2⁵¹ plus 1.5·2⁵²): an exponent-field add, valid while the result stays a normal number.
    /// </summary>
    static abstract TSelf AddToExponent(TSelf value, TSelf integerInLowBits);

    static abstract TSelf LessThan(TSelf left, TSelf right);

    static abstract TSelf EqualTo(TSelf left, TSelf right);

    static abstract TSelf Select(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    /// <summary>Sum across the lanes.</summary>
    double Sum();

    double ToScalar();
}
