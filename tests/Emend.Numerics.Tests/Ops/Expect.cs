namespace Emend.Numerics.Tests.Ops;

/// <summary>Element-wise comparison with a per-element bound, reporting the worst element when it fails.</summary>
internal static class Expect
{
    /// <summary>float32 unit roundoff, 2⁻²⁴: the relative error of one correctly rounded float32 operation.</summary>
    public const double Eps = 1.0 / (1 << 24);

    /// <summary>The smallest normal float32: below it results lose relative precision by construction.</summary>
    public const double Tiny = 1.1754943508222875e-38;

    public static void Close(ReadOnlySpan<float> actual, IReadOnlyList<double> expected, Func<int, double> allowed, string what)
    {
        Assert.Equal(expected.Count, actual.Length);
        int worst = -1;
        double worstRatio = 1;
        for (var i = 0; i < actual.Length; i++)
        {
            var bound = allowed(i);
            Assert.False(double.IsNaN(bound), $"{what}: the test's bound for element {i} is NaN");
            if (double.IsInfinity(expected[i]))
            {
                Assert.True(actual[i] == expected[i], $"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R}");
                continue;
            }
            var error = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(actual[i]) || error > bound && error / bound > worstRatio)
            {
                worst = i;
                worstRatio = double.IsNaN(actual[i]) ? double.PositiveInfinity : error / bound;
            }
        }
        if (worst >= 0)
            Assert.Fail($"{what}: element {worst} is {actual[worst]:R}, expected {expected[worst]:R} within {allowed(worst):E3} " +
                        $"(error {Math.Abs(actual[worst] - expected[worst]):E3}, {worstRatio:F1}x the bound; {actual.Length} elements)");
    }

    /// <summary>Both values must be within the bound of each other (one scalar).</summary>
    public static void Close(double actual, double expected, double allowed, string what)
    {
        if (!(Math.Abs(actual - expected) <= allowed))
            Assert.Fail($"{what}: {actual:R}, expected {expected:R} within {allowed:E3} (error {Math.Abs(actual - expected):E3})");
    }
}
