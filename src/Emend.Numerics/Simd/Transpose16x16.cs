using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emend.Numerics;

/// <summary>
/// In-register transpose of a 16 × 16 float32 block with AVX-512: four rounds of 16 shuffles (32-bit interleave,
/// 64-bit interleave, two 128-bit lane shuffles) instead of 256 scalar moves. Packing a transposed B (an [out, in]
/// weight) into GEMM panels is a transpose, so this keeps the packing cost small next to the multiply.
/// </summary>
internal static unsafe class Transpose16x16
{
    public static bool IsSupported => Avx512F.IsSupported;

    /// <summary>destination[j · destinationStride + i] = source[i · sourceStride + j] for i, j &lt; 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(float* source, nint sourceStride, float* destination, nint destinationStride)
    {
        var r0 = Vector512.Load(source);
        var r1 = Vector512.Load(source + sourceStride);
        var r2 = Vector512.Load(source + 2 * sourceStride);
        var r3 = Vector512.Load(source + 3 * sourceStride);
        var r4 = Vector512.Load(source + 4 * sourceStride);
        var r5 = Vector512.Load(source + 5 * sourceStride);
        var r6 = Vector512.Load(source + 6 * sourceStride);
        var r7 = Vector512.Load(source + 7 * sourceStride);
        var r8 = Vector512.Load(source + 8 * sourceStride);
        var r9 = Vector512.Load(source + 9 * sourceStride);
        var r10 = Vector512.Load(source + 10 * sourceStride);
        var r11 = Vector512.Load(source + 11 * sourceStride);
        var r12 = Vector512.Load(source + 12 * sourceStride);
        var r13 = Vector512.Load(source + 13 * sourceStride);
        var r14 = Vector512.Load(source + 14 * sourceStride);
        var r15 = Vector512.Load(source + 15 * sourceStride);

        // Round 1: interleave 32-bit elements of row pairs.
        var t0 = Avx512F.UnpackLow(r0, r1);
        var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3);
        var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5);
        var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7);
        var t7 = Avx512F.UnpackHigh(r6, r7);
        var t8 = Avx512F.UnpackLow(r8, r9);
        var t9 = Avx512F.UnpackHigh(r8, r9);
        var t10 = Avx512F.UnpackLow(r10, r11);
        var t11 = Avx512F.UnpackHigh(r10, r11);
        var t12 = Avx512F.UnpackLow(r12, r13);
        var t13 = Avx512F.UnpackHigh(r12, r13);
        var t14 = Avx512F.UnpackLow(r14, r15);
        var t15 = Avx512F.UnpackHigh(r14, r15);

        // Round 2: interleave 64-bit pairs, giving 4 × 4 blocks in each 128-bit lane.
        r0 = Avx512F.UnpackLow(t0.AsDouble(), t2.AsDouble()).AsSingle();
        r1 = Avx512F.UnpackHigh(t0.AsDouble(), t2.AsDouble()).AsSingle();
        r2 = Avx512F.UnpackLow(t1.AsDouble(), t3.AsDouble()).AsSingle();
        r3 = Avx512F.UnpackHigh(t1.AsDouble(), t3.AsDouble()).AsSingle();
        r4 = Avx512F.UnpackLow(t4.AsDouble(), t6.AsDouble()).AsSingle();
        r5 = Avx512F.UnpackHigh(t4.AsDouble(), t6.AsDouble()).AsSingle();
        r6 = Avx512F.UnpackLow(t5.AsDouble(), t7.AsDouble()).AsSingle();
        r7 = Avx512F.UnpackHigh(t5.AsDouble(), t7.AsDouble()).AsSingle();
        r8 = Avx512F.UnpackLow(t8.AsDouble(), t10.AsDouble()).AsSingle();
        r9 = Avx512F.UnpackHigh(t8.AsDouble(), t10.AsDouble()).AsSingle();
        r10 = Avx512F.UnpackLow(t9.AsDouble(), t11.AsDouble()).AsSingle();
        r11 = Avx512F.UnpackHigh(t9.AsDouble(), t11.AsDouble()).AsSingle();
        r12 = Avx512F.UnpackLow(t12.AsDouble(), t14.AsDouble()).AsSingle();
        r13 = Avx512F.UnpackHigh(t12.AsDouble(), t14.AsDouble()).AsSingle();
        r14 = Avx512F.UnpackLow(t13.AsDouble(), t15.AsDouble()).AsSingle();
        r15 = Avx512F.UnpackHigh(t13.AsDouble(), t15.AsDouble()).AsSingle();

        // Round 3: gather 128-bit lanes 0,2 / 1,3 of row groups (0-3 with 4-7, 8-11 with 12-15).
        t0 = Avx512F.Shuffle4x128(r0, r4, 0x88);
        t1 = Avx512F.Shuffle4x128(r1, r5, 0x88);
        t2 = Avx512F.Shuffle4x128(r2, r6, 0x88);
        t3 = Avx512F.Shuffle4x128(r3, r7, 0x88);
        t4 = Avx512F.Shuffle4x128(r0, r4, 0xDD);
        t5 = Avx512F.Shuffle4x128(r1, r5, 0xDD);
        t6 = Avx512F.Shuffle4x128(r2, r6, 0xDD);
        t7 = Avx512F.Shuffle4x128(r3, r7, 0xDD);
        t8 = Avx512F.Shuffle4x128(r8, r12, 0x88);
        t9 = Avx512F.Shuffle4x128(r9, r13, 0x88);
        t10 = Avx512F.Shuffle4x128(r10, r14, 0x88);
        t11 = Avx512F.Shuffle4x128(r11, r15, 0x88);
        t12 = Avx512F.Shuffle4x128(r8, r12, 0xDD);
        t13 = Avx512F.Shuffle4x128(r9, r13, 0xDD);
        t14 = Avx512F.Shuffle4x128(r10, r14, 0xDD);
        t15 = Avx512F.Shuffle4x128(r11, r15, 0xDD);

        // Round 4: combine the two row halves.
        Avx512F.Shuffle4x128(t0, t8, 0x88).Store(destination);
        Avx512F.Shuffle4x128(t1, t9, 0x88).Store(destination + destinationStride);
        Avx512F.Shuffle4x128(t2, t10, 0x88).Store(destination + 2 * destinationStride);
        Avx512F.Shuffle4x128(t3, t11, 0x88).Store(destination + 3 * destinationStride);
        Avx512F.Shuffle4x128(t4, t12, 0x88).Store(destination + 4 * destinationStride);
        Avx512F.Shuffle4x128(t5, t13, 0x88).Store(destination + 5 * destinationStride);
        Avx512F.Shuffle4x128(t6, t14, 0x88).Store(destination + 6 * destinationStride);
        Avx512F.Shuffle4x128(t7, t15, 0x88).Store(destination + 7 * destinationStride);
        Avx512F.Shuffle4x128(t0, t8, 0xDD).Store(destination + 8 * destinationStride);
        Avx512F.Shuffle4x128(t1, t9, 0xDD).Store(destination + 9 * destinationStride);
        Avx512F.Shuffle4x128(t2, t10, 0xDD).Store(destination + 10 * destinationStride);
        Avx512F.Shuffle4x128(t3, t11, 0xDD).Store(destination + 11 * destinationStride);
        Avx512F.Shuffle4x128(t4, t12, 0xDD).Store(destination + 12 * destinationStride);
        Avx512F.Shuffle4x128(t5, t13, 0xDD).Store(destination + 13 * destinationStride);
        Avx512F.Shuffle4x128(t6, t14, 0xDD).Store(destination + 14 * destinationStride);
        Avx512F.Shuffle4x128(t7, t15, 0xDD).Store(destination + 15 * destinationStride);
    }
}
