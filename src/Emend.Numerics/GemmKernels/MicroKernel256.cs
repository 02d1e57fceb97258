using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emend.Numerics;

/// <summary>
/// The AVX2 tile: 6 rows × 2 registers (6×16 float32, 6×8 float64). 12 accumulators + 2 B registers + one
/// broadcast fit the 16 ymm registers of a machine without AVX-512.
/// </summary>
internal readonly unsafe struct MicroKernel256<T> : IGemmMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Mr => 6;

    public static int Nr => 2 * Vector256<T>.Count;

    public static int Kc => 256;

    public static int Nc => 384;

    public static int Mc => 3072;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(int kc, T* a, T* b, T* c, nint ldc, T alpha, T beta)
    {
        var w = Vector256<T>.Count;
        Vector256<T> c00 = Vector256<T>.Zero, c01 = Vector256<T>.Zero;
        Vector256<T> c10 = Vector256<T>.Zero, c11 = Vector256<T>.Zero;
        Vector256<T> c20 = Vector256<T>.Zero, c21 = Vector256<T>.Zero;
        Vector256<T> c30 = Vector256<T>.Zero, c31 = Vector256<T>.Zero;
        Vector256<T> c40 = Vector256<T>.Zero, c41 = Vector256<T>.Zero;
        Vector256<T> c50 = Vector256<T>.Zero, c51 = Vector256<T>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + w);
            var a0 = Vector256.Create(a[0]);
            c00 = SimdMath.MultiplyAdd(a0, b0, c00);
            c01 = SimdMath.MultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[Kc]);
            c10 = SimdMath.MultiplyAdd(a1, b0, c10);
            c11 = SimdMath.MultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2 * Kc]);
            c20 = SimdMath.MultiplyAdd(a2, b0, c20);
            c21 = SimdMath.MultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3 * Kc]);
            c30 = SimdMath.MultiplyAdd(a3, b0, c30);
            c31 = SimdMath.MultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4 * Kc]);
            c40 = SimdMath.MultiplyAdd(a4, b0, c40);
            c41 = SimdMath.MultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5 * Kc]);
            c50 = SimdMath.MultiplyAdd(a5, b0, c50);
            c51 = SimdMath.MultiplyAdd(a5, b1, c51);
            a++;
            b += 2 * w;
        }

        StoreRow(c + 0 * ldc, c00, c01, alpha, beta);
        StoreRow(c + 1 * ldc, c10, c11, alpha, beta);
        StoreRow(c + 2 * ldc, c20, c21, alpha, beta);
        StoreRow(c + 3 * ldc, c30, c31, alpha, beta);
        StoreRow(c + 4 * ldc, c40, c41, alpha, beta);
        StoreRow(c + 5 * ldc, c50, c51, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, Vector256<T> x0, Vector256<T> x1, T alpha, T beta)
    {
        var w = Vector256<T>.Count;
        var scale = Vector256.Create(alpha);
        if (beta == T.Zero)
        {
            (scale * x0).Store(c);
            (scale * x1).Store(c + w);
            return;
        }
        var keep = Vector256.Create(beta);
        SimdMath.MultiplyAdd(scale, x0, keep * Vector256.Load(c)).Store(c);
        SimdMath.MultiplyAdd(scale, x1, keep * Vector256.Load(c + w)).Store(c + w);
    }
}
