namespace Emend.Models.Tests.Runtime;

/// <summary>
/// The comparison the hf-tiny README prescribes: |a − b| ≤ 1e-4·|b| + 1e-5·max|b| element-wise (a pure relative test
/// fails on near-zero entries even for an exact float64 implementation).
/// </summary>
internal static class Tolerance
{
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double relative = 1e-4, double scaleFraction = 1e-5)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        double max = 0;
        foreach (var e in expected) max = Math.Max(max, Math.Abs(e));
        var atol = scaleFraction * max;
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var a = actual[i];
            var bound = relative * Math.Abs(e) + atol;
            Assert.True(Math.Abs(a - e) <= bound, $"{what}[{i}]: expected {e}, got {a} (|diff| {Math.Abs(a - e):g3} > {bound:g3})");
        }
    }

    /// <summary>max|a − b| / max|b|.</summary>
    public static double NormalizedError(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        double max = 0, diff = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i]));
            diff = Math.Max(diff, Math.Abs(expected[i] - actual[i]));
        }
        return diff / max;
    }
}
