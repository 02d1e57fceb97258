using System.Runtime.CompilerServices;
using Emend.Numerics.Lanes;

namespace Emend.Numerics;

/// <summary>
/// erf and erfc in float64 (.NET has no Math.Erf), accurate to a few ulp: relative error below 1e-15 for erf and
/// below 1e-13 for erfc down to its underflow, so GELU-erf is exact to float32 rounding even far in the negative
/// tail. Piecewise polynomials of our own derivation (tools/erf_coefficients.py, Chebyshev interpolation):
/// erf(z) = z·P(z²) for |z| &lt; 1, and erfc(z) = exp(−z²)·t·Q(u) for z ≥ 1 with t = 2/(2+z) and u an affine map of t
/// onto [−1, 1]. Written on SIMD lanes so the GELU kernels share it; the scalar entry points use one lane.
/// </summary>
public static class ErrorFunction
{
    private const double SmallLimit = 1.0;
    private const double LargeTMin = 2.0 / 29.0;
    private const double LargeTMax = 2.0 / 3.0;
    private const double LargeTMid = (LargeTMax + LargeTMin) / 2;
    private const double LargeTInverseHalfWidth = 2 / (LargeTMax - LargeTMin);
    private const double MinusInverseSqrt2 = -0.70710678118654752440;

    private static ReadOnlySpan<double> Small =>
    [
        9.428596956834164e-09, -1.5188281247335167e-07, 1.631035651387174e-06, -1.4913300906316395e-05,
        0.00012054681918310599, -0.0008548304871782741, 0.005223977154105304, -0.026866170586496874,
        0.11283791670580423, -0.376126389031744, 1.1283791670955121,
    ];

    private static ReadOnlySpan<double> Large =>
    [
        5.854891886578824e-11, -5.537251472184647e-10, 2.341083141324407e-10, 6.246329070174879e-09,
        -1.1719725281286462e-08, -4.1761912563036815e-08, 1.6825898260125478e-07, 2.0873979595671024e-07,
        -1.987249626760414e-06, -8.187119701694928e-07, 2.4650228853698266e-05, 1.0399403051306443e-05,
        -0.00036379028978834275, -0.0006673338274577687, 0.0057339589465790096, 0.04339549025725483,
        0.16390303571837142, 0.42934143025604116,
    ];

    /// <summary>The error function, 2/√π ∫₀ˣ exp(−t²) dt.</summary>
    public static double Erf(double x) => Erf(Double128.Create(x)).ToScalar();

    /// <summary>The complementary error function 1 − erf(x), without the cancellation of computing it that way.</summary>
    public static double Erfc(double x) => Erfc(Double128.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TD Erf<TD>(TD x) where TD : struct, IDoubleLanes<TD>
    {
        var z = TD.Abs(x);
        var fromTail = TD.Create(1) - LargeErfc(z);
        fromTail = TD.Select(TD.LessThan(x, TD.Create(0)), -fromTail, fromTail);
        return TD.Select(TD.LessThan(z, TD.Create(SmallLimit)), SmallErf(x), fromTail);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TD Erfc<TD>(TD x) where TD : struct, IDoubleLanes<TD>
    {
        var z = TD.Abs(x);
        var ofMagnitude = TD.Select(TD.LessThan(z, TD.Create(SmallLimit)), TD.Create(1) - SmallErf(z), LargeErfc(z));
        return TD.Select(TD.LessThan(x, TD.Create(0)), TD.Create(2) - ofMagnitude, ofMagnitude);
    }

    /// <summary>
    /// Φ(x), the standard normal CDF, as 0.5·erfc(−x/√2) so that it keeps full relative accuracy for x ≪ 0. Kept out
    /// of line: inlined into a GELU kernel it would exhaust the JIT's inlining limits and leave lane operators as calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static TD NormalCdf<TD>(TD x) where TD : struct, IDoubleLanes<TD> =>
        TD.Create(0.5) * Erfc(x * TD.Create(MinusInverseSqrt2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TD SmallErf<TD>(TD x) where TD : struct, IDoubleLanes<TD> => x * Horner(Small, x * x);

    /// <summary>erfc(z) for z ≥ 1; meaningless below, where the callers select the other piece.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TD LargeErfc<TD>(TD z) where TD : struct, IDoubleLanes<TD>
    {
        var t = TD.Create(2) / (TD.Create(2) + z);
        var u = (t - TD.Create(LargeTMid)) * TD.Create(LargeTInverseHalfWidth);
        return Exponential.Of(-(z * z)) * t * Horner(Large, u);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TD Horner<TD>(ReadOnlySpan<double> highestFirst, TD x) where TD : struct, IDoubleLanes<TD>
    {
        var sum = TD.Create(highestFirst[0]);
        for (var k = 1; k < highestFirst.Length; k++)
            sum = TD.MultiplyAdd(sum, x, TD.Create(highestFirst[k]));
        return sum;
    }
}
