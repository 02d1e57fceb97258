using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emend.Numerics;

/// <summary>
/// The AVX-512 tile: 6 rows × 4 registers (6×64 float32, 6×32 float64). 24 accumulators + 4 B registers + one
/// broadcast use 29 of the 32 zmm registers, and each step issues 24 FMAs for 4 loads and 6 broadcasts, enough
/// independent chains to cover FMA latency on both pipes.
/// </summary>
internal readonly unsafe struct MicroKernel512<T> : IGemmMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Mr => 6;

    public static int Nr => 4 * Vector512<T>.Count;

    public static int Kc => typeof(T) == typeof(float) ? 384 : 256;

    public static int Nc => typeof(T) == typeof(float) ? 384 : 256;

    public static int Mc => 3072;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(int kc, T* a, T* b, T* c, nint ldc, T alpha, T beta)
    {
        var w = Vector512<T>.Count;
        Vector512<T> c00 = Vector512<T>.Zero, c01 = Vector512<T>.Zero, c02 = Vector512<T>.Zero, c03 = Vector512<T>.Zero;
        Vector512<T> c10 = Vector512<T>.Zero, c11 = Vector512<T>.Zero, c12 = Vector512<T>.Zero, c13 = Vector512<T>.Zero;
        Vector512<T> c20 = Vector512<T>.Zero, c21 = Vector512<T>.Zero, c22 = Vector512<T>.Zero, c23 = Vector512<T>.Zero;
        Vector512<T> c30 = Vector512<T>.Zero, c31 = Vector512<T>.Zero, c32 = Vector512<T>.Zero, c33 = Vector512<T>.Zero;
        Vector512<T> c40 = Vector512<T>.Zero, c41 = Vector512<T>.Zero, c42 = Vector512<T>.Zero, c43 = Vector512<T>.Zero;
        Vector512<T> c50 = Vector512<T>.Zero, c51 = Vector512<T>.Zero, c52 = Vector512<T>.Zero, c53 = Vector512<T>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + w);
            var b2 = Vector512.Load(b + 2 * w);
            var b3 = Vector512.Load(b + 3 * w);
            var a0 = Vector512.Create(a[0]);
            c00 = SimdMath.MultiplyAdd(a0, b0, c00);
            c01 = SimdMath.MultiplyAdd(a0, b1, c01);
            c02 = SimdMath.MultiplyAdd(a0, b2, c02);
            c03 = SimdMath.MultiplyAdd(a0, b3, c03);
            var a1 = Vector512.Create(a[Kc]);
            c10 = SimdMath.MultiplyAdd(a1, b0, c10);
            c11 = SimdMath.MultiplyAdd(a1, b1, c11);
            c12 = SimdMath.MultiplyAdd(a1, b2, c12);
            c13 = SimdMath.MultiplyAdd(a1, b3, c13);
            var a2 = Vector512.Create(a[2 * Kc]);
            c20 = SimdMath.MultiplyAdd(a2, b0, c20);
            c21 = SimdMath.MultiplyAdd(a2, b1, c21);
            c22 = SimdMath.MultiplyAdd(a2, b2, c22);
            c23 = SimdMath.MultiplyAdd(a2, b3, c23);
            var a3 = Vector512.Create(a[3 * Kc]);
            c30 = SimdMath.MultiplyAdd(a3, b0, c30);
            c31 = SimdMath.MultiplyAdd(a3, b1, c31);
            c32 = SimdMath.MultiplyAdd(a3, b2, c32);
            c33 = SimdMath.MultiplyAdd(a3, b3, c33);
            var a4 = Vector512.Create(a[4 * Kc]);
            c40 = SimdMath.MultiplyAdd(a4, b0, c40);
            c41 = SimdMath.MultiplyAdd(a4, b1, c41);
            c42 = SimdMath.MultiplyAdd(a4, b2, c42);
            c43 = SimdMath.MultiplyAdd(a4, b3, c43);
            var a5 = Vector512.Create(a[5 * Kc]);
            c50 = SimdMath.MultiplyAdd(a5, b0, c50);
            c51 = SimdMath.MultiplyAdd(a5, b1, c51);
            c52 = SimdMath.MultiplyAdd(a5, b2, c52);
            c53 = SimdMath.MultiplyAdd(a5, b3, c53);
            a++;
            b += 4 * w;
        }

        StoreRow(c + 0 * ldc, c00, c01, c02, c03, alpha, beta);
        StoreRow(c + 1 * ldc, c10, c11, c12, c13, alpha, beta);
        StoreRow(c + 2 * ldc, c20, c21, c22, c23, alpha, beta);
        StoreRow(c + 3 * ldc, c30, c31, c32, c33, alpha, beta);
        StoreRow(c + 4 * ldc, c40, c41, c42, c43, alpha, beta);
        StoreRow(c + 5 * ldc, c50, c51, c52, c53, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, Vector512<T> x0, Vector512<T> x1, Vector512<T> x2, Vector512<T> x3, T alpha, T beta)
    {
        var w = Vector512<T>.Count;
        var scale = Vector512.Create(alpha);
        if (beta == T.Zero)
        {
            (scale * x0).Store(c);
            (scale * x1).Store(c + w);
            (scale * x2).Store(c + 2 * w);
            (scale * x3).Store(c + 3 * w);
            return;
        }
        var keep = Vector512.Create(beta);
        SimdMath.MultiplyAdd(scale, x0, keep * Vector512.Load(c)).Store(c);
        SimdMath.MultiplyAdd(scale, x1, keep * Vector512.Load(c + w)).Store(c + w);
        SimdMath.MultiplyAdd(scale, x2, keep * Vector512.Load(c + 2 * w)).Store(c + 2 * w);
        SimdMath.MultiplyAdd(scale, x3, keep * Vector512.Load(c + 3 * w)).Store(c + 3 * w);
    }
}
