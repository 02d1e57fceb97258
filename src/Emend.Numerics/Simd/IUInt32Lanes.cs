namespace Emend.Numerics;

/// <summary>
/// A register of 32-bit lanes (16, 8 or 1 of them) with the handful of bit operations that element-wise format
/// conversions need. Writing each conversion once against this interface, and specialising it for Vector512,
/// Vector256 and a plain <see cref="uint"/>, keeps the three widths bit-for-bit identical by construction.
/// Masks are all-ones or all-zeros per lane.
/// </summary>
internal unsafe interface IUInt32Lanes<TSelf> where TSelf : struct, IUInt32Lanes<TSelf>
{
    static abstract int Count { get; }

    static abstract TSelf Splat(uint value);

    /// <summary>Loads <see cref="Count"/> 16-bit values, zero-extended into the lanes.</summary>
    static abstract TSelf LoadWidening(ushort* source);

    static abstract TSelf Load(uint* source);

    static abstract void Store(TSelf value, uint* destination);

    /// <summary>Stores the low 16 bits of each lane (the caller guarantees the high bits are zero).</summary>
    static abstract void StoreNarrowing(TSelf value, ushort* destination);

    static abstract TSelf And(TSelf left, TSelf right);

    static abstract TSelf Or(TSelf left, TSelf right);

    static abstract TSelf Add(TSelf left, TSelf right);

    static abstract TSelf Subtract(TSelf left, TSelf right);

    static abstract TSelf ShiftLeft(TSelf value, int count);

    static abstract TSelf ShiftRightLogical(TSelf value, int count);

    static abstract TSelf Equal(TSelf left, TSelf right);

    /// <summary>Unsigned comparison.</summary>
    static abstract TSelf GreaterThan(TSelf left, TSelf right);

    static abstract TSelf Select(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    /// <summary>Reinterprets both operands as float32, adds them with IEEE round-to-nearest-even and returns the bits.</summary>
    static abstract TSelf AddAsSingle(TSelf left, TSelf right);

    /// <summary>As <see cref="AddAsSingle"/>, for subtraction.</summary>
    static abstract TSelf SubtractAsSingle(TSelf left, TSelf right);
}
