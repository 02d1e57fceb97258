using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emend.Numerics;

/// <summary>Sixteen 32-bit lanes in a Vector512 register.</summary>
internal readonly unsafe struct UInt32Lanes512(Vector512<uint> value) : IUInt32Lanes<UInt32Lanes512>
{
    private readonly Vector512<uint> _value = value;

    public static int Count => Vector512<uint>.Count;

    public static UInt32Lanes512 Splat(uint value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt32Lanes512 LoadWidening(ushort* source) => Avx512F.IsSupported
        ? new(Avx512F.ConvertToVector512UInt32(Vector256.Load(source)))
        : new(Vector512.WidenLower(Vector512.Create(Vector256.Load(source), Vector256<ushort>.Zero)));

    public static UInt32Lanes512 Load(uint* source) => new(Vector512.Load(source));

    public static void Store(UInt32Lanes512 value, uint* destination) => value._value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowing(UInt32Lanes512 value, ushort* destination) =>
        (Avx512F.IsSupported
            ? Avx512F.ConvertToVector256UInt16(value._value)
            : Vector512.Narrow(value._value, Vector512<uint>.Zero).GetLower()).Store(destination);

    public static UInt32Lanes512 And(UInt32Lanes512 left, UInt32Lanes512 right) => new(left._value & right._value);

    public static UInt32Lanes512 Or(UInt32Lanes512 left, UInt32Lanes512 right) => new(left._value | right._value);

    public static UInt32Lanes512 Add(UInt32Lanes512 left, UInt32Lanes512 right) => new(left._value + right._value);

    public static UInt32Lanes512 Subtract(UInt32Lanes512 left, UInt32Lanes512 right) => new(left._value - right._value);

    public static UInt32Lanes512 ShiftLeft(UInt32Lanes512 value, int count) => new(value._value << count);

    public static UInt32Lanes512 ShiftRightLogical(UInt32Lanes512 value, int count) => new(value._value >>> count);

    public static UInt32Lanes512 Equal(UInt32Lanes512 left, UInt32Lanes512 right) => new(Vector512.Equals(left._value, right._value));

    public static UInt32Lanes512 GreaterThan(UInt32Lanes512 left, UInt32Lanes512 right) => new(Vector512.GreaterThan(left._value, right._value));

    public static UInt32Lanes512 Select(UInt32Lanes512 mask, UInt32Lanes512 whenTrue, UInt32Lanes512 whenFalse) =>
        new(Vector512.ConditionalSelect(mask._value, whenTrue._value, whenFalse._value));

    public static UInt32Lanes512 AddAsSingle(UInt32Lanes512 left, UInt32Lanes512 right) =>
        new((left._value.AsSingle() + right._value.AsSingle()).AsUInt32());

    public static UInt32Lanes512 SubtractAsSingle(UInt32Lanes512 left, UInt32Lanes512 right) =>
        new((left._value.AsSingle() - right._value.AsSingle()).AsUInt32());
}

/// <summary>Eight 32-bit lanes in a Vector256 register.</summary>
internal readonly unsafe struct UInt32Lanes256(Vector256<uint> value) : IUInt32Lanes<UInt32Lanes256>
{
    private readonly Vector256<uint> _value = value;

    public static int Count => Vector256<uint>.Count;

    public static UInt32Lanes256 Splat(uint value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt32Lanes256 LoadWidening(ushort* source) => Avx2.IsSupported
        ? new(Avx2.ConvertToVector256Int32(Vector128.Load(source)).AsUInt32())
        : new(Vector256.WidenLower(Vector256.Create(Vector128.Load(source), Vector128<ushort>.Zero)));

    public static UInt32Lanes256 Load(uint* source) => new(Vector256.Load(source));

    public static void Store(UInt32Lanes256 value, uint* destination) => value._value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowing(UInt32Lanes256 value, ushort* destination) =>
        (Avx512F.VL.IsSupported
            ? Avx512F.VL.ConvertToVector128UInt16(value._value)
            : Vector256.Narrow(value._value, Vector256<uint>.Zero).GetLower()).Store(destination);

    public static UInt32Lanes256 And(UInt32Lanes256 left, UInt32Lanes256 right) => new(left._value & right._value);

    public static UInt32Lanes256 Or(UInt32Lanes256 left, UInt32Lanes256 right) => new(left._value | right._value);

    public static UInt32Lanes256 Add(UInt32Lanes256 left, UInt32Lanes256 right) => new(left._value + right._value);

    public static UInt32Lanes256 Subtract(UInt32Lanes256 left, UInt32Lanes256 right) => new(left._value - right._value);

    public static UInt32Lanes256 ShiftLeft(UInt32Lanes256 value, int count) => new(value._value << count);

    public static UInt32Lanes256 ShiftRightLogical(UInt32Lanes256 value, int count) => new(value._value >>> count);

    public static UInt32Lanes256 Equal(UInt32Lanes256 left, UInt32Lanes256 right) => new(Vector256.Equals(left._value, right._value));

    public static UInt32Lanes256 GreaterThan(UInt32Lanes256 left, UInt32Lanes256 right) => new(Vector256.GreaterThan(left._value, right._value));

    public static UInt32Lanes256 Select(UInt32Lanes256 mask, UInt32Lanes256 whenTrue, UInt32Lanes256 whenFalse) =>
        new(Vector256.ConditionalSelect(mask._value, whenTrue._value, whenFalse._value));

    public static UInt32Lanes256 AddAsSingle(UInt32Lanes256 left, UInt32Lanes256 right) =>
        new((left._value.AsSingle() + right._value.AsSingle()).AsUInt32());

    public static UInt32Lanes256 SubtractAsSingle(UInt32Lanes256 left, UInt32Lanes256 right) =>
        new((left._value.AsSingle() - right._value.AsSingle()).AsUInt32());
}

/// <summary>One 32-bit lane in a general-purpose register: the portable fallback and the tail of the vector loops.</summary>
internal readonly unsafe struct UInt32Lane(uint value) : IUInt32Lanes<UInt32Lane>
{
    private readonly uint _value = value;

    public static int Count => 1;

    public static UInt32Lane Splat(uint value) => new(value);

    public static UInt32Lane LoadWidening(ushort* source) => new(*source);

    public static UInt32Lane Load(uint* source) => new(*source);

    public static void Store(UInt32Lane value, uint* destination) => *destination = value._value;

    public static void StoreNarrowing(UInt32Lane value, ushort* destination) => *destination = (ushort)value._value;

    public static UInt32Lane And(UInt32Lane left, UInt32Lane right) => new(left._value & right._value);

    public static UInt32Lane Or(UInt32Lane left, UInt32Lane right) => new(left._value | right._value);

    public static UInt32Lane Add(UInt32Lane left, UInt32Lane right) => new(left._value + right._value);

    public static UInt32Lane Subtract(UInt32Lane left, UInt32Lane right) => new(left._value - right._value);

    public static UInt32Lane ShiftLeft(UInt32Lane value, int count) => new(value._value << count);

    public static UInt32Lane ShiftRightLogical(UInt32Lane value, int count) => new(value._value >> count);

    public static UInt32Lane Equal(UInt32Lane left, UInt32Lane right) => new(left._value == right._value ? uint.MaxValue : 0);

    public static UInt32Lane GreaterThan(UInt32Lane left, UInt32Lane right) => new(left._value > right._value ? uint.MaxValue : 0);

    public static UInt32Lane Select(UInt32Lane mask, UInt32Lane whenTrue, UInt32Lane whenFalse) =>
        new((mask._value & whenTrue._value) | (~mask._value & whenFalse._value));

    public static UInt32Lane AddAsSingle(UInt32Lane left, UInt32Lane right) =>
        new(BitConverter.SingleToUInt32Bits(BitConverter.UInt32BitsToSingle(left._value) + BitConverter.UInt32BitsToSingle(right._value)));

    public static UInt32Lane SubtractAsSingle(UInt32Lane left, UInt32Lane right) =>
        new(BitConverter.SingleToUInt32Bits(BitConverter.UInt32BitsToSingle(left._value) - BitConverter.UInt32BitsToSingle(right._value)));
}
