using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emend.Numerics.Lanes;

/// <summary>4 float32 lanes (SSE, NEON): the portable fallback.</summary>
internal readonly struct Float128 : IFloatLanes<Float128, Double128>
{
    private readonly Vector128<float> _value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Float128(Vector128<float> value) => _value = value;

    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 Create(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 Load(ref readonly float source, nuint offset) => new(Vector128.LoadUnsafe(in source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float destination, nuint offset) => _value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 operator +(Float128 left, Float128 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 operator -(Float128 left, Float128 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 operator *(Float128 left, Float128 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 operator /(Float128 left, Float128 right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 operator -(Float128 value) => new(-value._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 MultiplyAdd(Float128 left, Float128 right, Float128 addend) =>
        new(Vector128.FusedMultiplyAdd(left._value, right._value, addend._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 Min(Float128 left, Float128 right) => new(Vector128.Min(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 Max(Float128 left, Float128 right) => new(Vector128.Max(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 LessThan(Float128 left, Float128 right) => new(Vector128.LessThan(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 Select(Float128 mask, Float128 whenTrue, Float128 whenFalse) =>
        new(Vector128.ConditionalSelect(mask._value, whenTrue._value, whenFalse._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Widen(out Double128 lower, out Double128 upper)
    {
        var (low, high) = Vector128.Widen(_value);
        lower = new Double128(low);
        upper = new Double128(high);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 Narrow(Double128 lower, Double128 upper) => new(Vector128.Narrow(lower.Value, upper.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float ToScalar() => _value.ToScalar();
}

/// <summary>2 float64 lanes (SSE, NEON); also serves the scalar error function.</summary>
internal readonly struct Double128 : IDoubleLanes<Double128>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Double128(Vector128<double> value) => Value = value;

    public Vector128<double> Value { get; }

    public static int Count => Vector128<double>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 Create(double value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 Load(ref readonly double source, nuint offset) => new(Vector128.LoadUnsafe(in source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref double destination, nuint offset) => Value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 operator +(Double128 left, Double128 right) => new(left.Value + right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 operator -(Double128 left, Double128 right) => new(left.Value - right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 operator *(Double128 left, Double128 right) => new(left.Value * right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 operator /(Double128 left, Double128 right) => new(left.Value / right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 operator -(Double128 value) => new(-value.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 MultiplyAdd(Double128 left, Double128 right, Double128 addend) =>
        new(Vector128.FusedMultiplyAdd(left.Value, right.Value, addend.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 Abs(Double128 value) => new(Vector128.Abs(value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 Min(Double128 left, Double128 right) => new(Vector128.Min(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 Max(Double128 left, Double128 right) => new(Vector128.Max(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 AddToExponent(Double128 value, Double128 integerInLowBits) =>
        new((value.Value.AsUInt64() + Vector128.ShiftLeft(integerInLowBits.Value.AsUInt64(), 52)).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 LessThan(Double128 left, Double128 right) => new(Vector128.LessThan(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 EqualTo(Double128 left, Double128 right) => new(Vector128.Equals(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Double128 Select(Double128 mask, Double128 whenTrue, Double128 whenFalse) =>
        new(Vector128.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Sum() => Vector128.Sum(Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double ToScalar() => Value.ToScalar();
}
