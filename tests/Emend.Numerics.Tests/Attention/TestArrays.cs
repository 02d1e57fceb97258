namespace Emend.Numerics.Tests.Attention;

/// <summary>
/// Seeded random inputs and the comparison rule of the HF fixtures' README, |a−b| ≤ rtol·|b| + atol·max|b|: a pure
/// relative test fails on near-zero elements even for an exact implementation. The defaults fit one float32 op.
/// </summary>
internal static class TestArrays
{
    public static float[] Uniform(int length, int seed, float range = 1f)
    {
        var random = new Random(seed);
        var x = new float[length];
        for (var i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1) * range;
        return x;
    }

    public static double[] Widen(float[] x) => Array.ConvertAll(x, f => (double)f);

    /// <summary>Right-padding mask: sequence b has lengths[b] real tokens followed by padding.</summary>
    public static byte[] RightPadded(int keyLength, params int[] lengths)
    {
        var mask = new byte[lengths.Length * keyLength];
        for (var b = 0; b < lengths.Length; b++)
            for (var j = 0; j < lengths[b]; j++) mask[b * keyLength + j] = 1;
        return mask;
    }

    /// <summary>Left-padding mask: sequence b has padding first and its lengths[b] real tokens last.</summary>
    public static byte[] LeftPadded(int keyLength, params int[] lengths)
    {
        var mask = new byte[lengths.Length * keyLength];
        for (var b = 0; b < lengths.Length; b++)
            for (var j = keyLength - lengths[b]; j < keyLength; j++) mask[b * keyLength + j] = 1;
        return mask;
    }

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double rtol = 1e-5, double atol = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = 0.0;
        foreach (var e in expected) scale = Math.Max(scale, Math.Abs(e));
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= rtol * Math.Abs(expected[i]) + atol * scale,
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R} (error {error:E2}, scale {scale:E2})");
        }
    }
}
