using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emend.Numerics.Lanes;

/// <summary>16 float32 lanes (AVX-512).</summary>
internal readonly struct Float512 : IFloatLanes<Float512, Double512>
{
    private readonly Vector512<float> _value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Float512(Vector512<float> value) => _value = value;

    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 Create(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 Load(ref readonly float source, nuint offset) => new(Vector512.LoadUnsafe(in source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float destination, nuint offset) => _value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 operator +(Float512 left, Float512 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 operator -(Float512 left, Float512 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 operator *(Float512 left, Float512 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 operator /(Float512 left, Float512 right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 operator -(Float512 value) => new(-value._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 MultiplyAdd(Float512 left, Float512 right, Float512 addend) =>
        new(Vector512.FusedMultiplyAdd(left._value, right._value, addend._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 Min(Float512 left, Float512 right) => new(Vector512.Min(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 Max(Float512 left, Float512 right) => new(Vector512.Max(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 LessThan(Float512 left, Float512 right) => new(Vector512.LessThan(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 Select(Float512 mask, Float512 whenTrue, Float512 whenFalse) =>
        new(Vector512.ConditionalSelect(mask._value, whenTrue._value, whenFalse._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Widen(out Double512 lower, out Double512 upper)
    {
        var (low, high) = Vector512.Widen(_value);
        lower = new Double512(low);
        upper = new Double512(high);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 Narrow(Double512 lower, Double512 upper) => new(Vector512.Narrow(lower.Value, upper.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float ToScalar() => _value.ToScalar();
}

/// <summary>8 float64 lanes (AVX-512).</summary>
internal readonly struct Double512 : IDoubleLanes<Double512>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Double512(Vector512<double> value) => Value = value;

    public Vector512<double> Value { get; }

    public static int Count => Vector512<double>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 Create(double value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 Load(ref readonly double source, nuint offset) => new(Vector512.LoadUnsafe(in source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref double destination, nuint offset) => Value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 operator +(Double512 left, Double512 right) => new(left.Value + right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 operator -(Double512 left, Double512 right) => new(left.Value - right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 operator *(Double512 left, Double512 right) => new(left.Value * right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 operator /(Double512 left, Double512 right) => new(left.Value / right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 operator -(Double512 value) => new(-value.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 MultiplyAdd(Double512 left, Double512 right, Double512 addend) =>
        new(Vector512.FusedMultiplyAdd(left.Value, right.Value, addend.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 Abs(Double512 value) => new(Vector512.Abs(value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 Min(Double512 left, Double512 right) => new(Vector512.Min(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 Max(Double512 left, Double512 right) => new(Vector512.Max(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 AddToExponent(Double512 value, Double512 integerInLowBits) =>
        new((value.Value.AsUInt64() + Vector512.ShiftLeft(integerInLowBits.Value.AsUInt64(), 52)).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 LessThan(Double512 left, Double512 right) => new(Vector512.LessThan(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 EqualTo(Double512 left, Double512 right) => new(Vector512.Equals(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double512 Select(Double512 mask, Double512 whenTrue, Double512 whenFalse) =>
        new(Vector512.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Sum() => Vector512.Sum(Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double ToScalar() => Value.ToScalar();
}
