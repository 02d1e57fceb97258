using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emend.Numerics.Lanes;

/// <summary>8 float32 lanes (AVX2), the fallback where AVX-512 is absent.</summary>
internal readonly struct Float256 : IFloatLanes<Float256, Double256>
{
    private readonly Vector256<float> _value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Float256(Vector256<float> value) => _value = value;

    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 Create(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 Load(ref readonly float source, nuint offset) => new(Vector256.LoadUnsafe(in source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float destination, nuint offset) => _value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 operator +(Float256 left, Float256 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 operator -(Float256 left, Float256 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 operator *(Float256 left, Float256 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 operator /(Float256 left, Float256 right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 operator -(Float256 value) => new(-value._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 MultiplyAdd(Float256 left, Float256 right, Float256 addend) =>
        new(Vector256.FusedMultiplyAdd(left._value, right._value, addend._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 Min(Float256 left, Float256 right) => new(Vector256.Min(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 Max(Float256 left, Float256 right) => new(Vector256.Max(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 LessThan(Float256 left, Float256 right) => new(Vector256.LessThan(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 Select(Float256 mask, Float256 whenTrue, Float256 whenFalse) =>
        new(Vector256.ConditionalSelect(mask._value, whenTrue._value, whenFalse._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Widen(out Double256 lower, out Double256 upper)
    {
        var (low, high) = Vector256.Widen(_value);
        lower = new Double256(low);
        upper = new Double256(high);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 Narrow(Double256 lower, Double256 upper) => new(Vector256.Narrow(lower.Value, upper.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float ToScalar() => _value.ToScalar();
}

/// <summary>4 float64 lanes (AVX2).</summary>
internal readonly struct Double256 : IDoubleLanes<Double256>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Double256(Vector256<double> value) => Value = value;

    public Vector256<double> Value { get; }

    public static int Count => Vector256<double>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 Create(double value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 Load(ref readonly double source, nuint offset) => new(Vector256.LoadUnsafe(in source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref double destination, nuint offset) => Value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 operator +(Double256 left, Double256 right) => new(left.Value + right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 operator -(Double256 left, Double256 right) => new(left.Value - right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 operator *(Double256 left, Double256 right) => new(left.Value * right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 operator /(Double256 left, Double256 right) => new(left.Value / right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 operator -(Double256 value) => new(-value.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 MultiplyAdd(Double256 left, Double256 right, Double256 addend) =>
        new(Vector256.FusedMultiplyAdd(left.Value, right.Value, addend.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 Abs(Double256 value) => new(Vector256.Abs(value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 Min(Double256 left, Double256 right) => new(Vector256.Min(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 Max(Double256 left, Double256 right) => new(Vector256.Max(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 AddToExponent(Double256 value, Double256 integerInLowBits) =>
        new((value.Value.AsUInt64() + Vector256.ShiftLeft(integerInLowBits.Value.AsUInt64(), 52)).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 LessThan(Double256 left, Double256 right) => new(Vector256.LessThan(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 EqualTo(Double256 left, Double256 right) => new(Vector256.Equals(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double256 Select(Double256 mask, Double256 whenTrue, Double256 whenFalse) =>
        new(Vector256.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Sum() => Vector256.Sum(Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double ToScalar() => Value.ToScalar();
}
