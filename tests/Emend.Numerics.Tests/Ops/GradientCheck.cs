namespace Emend.Numerics.Tests.Ops;

/// <summary>
/// Compares an analytic float32 gradient of a scalar loss with central differences of the float64 reference loss:
/// coordinate by coordinate for small inputs, along random directions for large ones.
/// </summary>
internal static class GradientCheck
{
    private const int MaxCoordinates = 64;
    private const int Directions = 3;

    /// <summary>
    /// <paramref name="bound"/> is the float32 error allowed for coordinate i; <paramref name="lossScale"/> is Σ|terms|
    /// of the loss, which sets the finite-difference rounding error (≈ 2⁻⁵³·lossScale/h ≈ 1e-10·lossScale; allowed
    /// 1e-9·lossScale).
    /// </summary>
    public static void Matches(float[] analytic, Func<double[], double> loss, double[] point, Func<int, double> bound,
        double lossScale, int seed, string what)
    {
        var differenceError = 1e-9 * lossScale;
        if (point.Length <= MaxCoordinates)
        {
            var expected = Enumerable.Range(0, point.Length).Select(i => FiniteDifference.Partial(loss, point, i)).ToArray();
            Expect.Close(analytic, expected, i => bound(i) + differenceError, what);
            return;
        }
        for (var d = 0; d < Directions; d++)
        {
            var direction = TestData.Wide(TestData.Normal(seed + d, point.Length));
            var expected = FiniteDifference.Directional(loss, point, direction);
            double actual = 0, allowed = 0;
            for (var i = 0; i < point.Length; i++)
            {
                actual += direction[i] * analytic[i];
                allowed += Math.Abs(direction[i]) * bound(i);
            }
            Expect.Close(actual, expected, allowed + differenceError * direction.Max(Math.Abs), $"{what} along direction {d}");
        }
    }
}
