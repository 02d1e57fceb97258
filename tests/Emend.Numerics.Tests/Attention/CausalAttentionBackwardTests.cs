using Emend.Numerics;

namespace Emend.Numerics.Tests.Attention;

/// <summary>
/// The float32 backward against central finite differences of the float64 reference loss Σ dOutput ⊙ output, so the
/// oracle shares no code or algebra with the kernel.
/// </summary>
public class CausalAttentionBackwardTests
{
    private const double Step = 1e-5;

    private sealed record Gradients(float[] Dq, float[] Dk, float[] Dv, float[] K, byte[]? Mask);

    /// <summary>Checks dq, dk, dv at every <c>sampleEvery</c>-th coordinate (all of them by default; large shapes sample to stay fast).</summary>
    private static Gradients CheckAgainstFiniteDifferences(AttentionShape s, byte[]? mask, int seed, int sampleEvery = 1)
    {
        var q = TestArrays.Uniform(s.QueryElements, seed, 2f);
        var k = TestArrays.Uniform(s.KeyValueElements, seed + 1, 2f);
        var v = TestArrays.Uniform(s.KeyValueElements, seed + 2);
        var dOutput = TestArrays.Uniform(s.QueryElements, seed + 3);

        var output = new float[s.QueryElements];
        var probabilities = new float[s.ProbabilityElements];
        CausalAttention.Forward(s, q, k, v, mask, output, probabilities);
        var dq = Filled(s.QueryElements, float.NaN);
        var dk = Filled(s.KeyValueElements, float.NaN);
        var dv = Filled(s.KeyValueElements, float.NaN);
        CausalAttention.Backward(s, dOutput, q, k, v, mask, probabilities, dq, dk, dv);

        double[] qd = TestArrays.Widen(q), kd = TestArrays.Widen(k), vd = TestArrays.Widen(v), weights = TestArrays.Widen(dOutput);
        double Loss() => AttentionReference.Loss(s, qd, kd, vd, mask, weights);
        AssertGradient(qd, dq, Loss, sampleEvery);
        AssertGradient(kd, dk, Loss, sampleEvery);
        AssertGradient(vd, dv, Loss, sampleEvery);
        return new Gradients(dq, dk, dv, k, mask);
    }

    private static void AssertGradient(double[] x, float[] gradient, Func<double> loss, int sampleEvery)
    {
        var count = (x.Length + sampleEvery - 1) / sampleEvery;
        var expected = new double[count];
        var actual = new float[count];
        for (var n = 0; n < count; n++)
        {
            var i = n * sampleEvery;
            var saved = x[i];
            x[i] = saved + Step;
            var up = loss();
            x[i] = saved - Step;
            var down = loss();
            x[i] = saved;
            expected[n] = (up - down) / (2 * Step);
            actual[n] = gradient[i];
        }
        TestArrays.AssertClose(expected, actual);
    }

    private static float[] Filled(int length, float value)
    {
        var x = new float[length];
        Array.Fill(x, value);
        return x;
    }

    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(72)]
    public void MultiHeadGradientsMatchFiniteDifferences(int headDim) =>
        CheckAgainstFiniteDifferences(new AttentionShape(2, 5, 5, 5, 2, 2, headDim), null, seed: headDim);

    [Fact]
    public void GroupedQueryGradientsSumOverTheGroupAndMatchFiniteDifferences() =>
        CheckAgainstFiniteDifferences(new AttentionShape(2, 6, 6, 6, 4, 2, 8), null, seed: 101);

    [Fact]
    public void PaddedKeysGetExactlyZeroGradient()
    {
        var s = new AttentionShape(3, 7, 7, 7, 4, 2, 8);
        var mask = TestArrays.RightPadded(7, 4, 7, 2);
        var leftMask = TestArrays.LeftPadded(7, 4, 7, 2);
        foreach (var m in new[] { mask, leftMask })
        {
            var g = CheckAgainstFiniteDifferences(s, m, seed: 111);
            var kvWidth = s.KvHeads * s.HeadDim;
            for (var b = 0; b < s.Batch; b++)
                for (var j = 0; j < s.KeyLength; j++)
                    if (m[b * s.KeyLength + j] == 0)
                    {
                        Assert.All(g.Dk.AsSpan((b * s.KeyStride + j) * kvWidth, kvWidth).ToArray(), x => Assert.Equal(0f, x));
                        Assert.All(g.Dv.AsSpan((b * s.KeyStride + j) * kvWidth, kvWidth).ToArray(), x => Assert.Equal(0f, x));
                    }
        }
    }

    [Fact]
    public void DecodeShapedCallMatchesFiniteDifferencesAndZeroesRowsPastKeyLength()
    {
        var s = new AttentionShape(2, 2, 5, 8, 4, 2, 8);
        var g = CheckAgainstFiniteDifferences(s, TestArrays.RightPadded(5, 5, 3), seed: 121);
        var kvWidth = s.KvHeads * s.HeadDim;
        for (var b = 0; b < s.Batch; b++)
        {
            Assert.All(g.Dk.AsSpan((b * s.KeyStride + s.KeyLength) * kvWidth, (s.KeyStride - s.KeyLength) * kvWidth).ToArray(), x => Assert.Equal(0f, x));
            Assert.All(g.Dv.AsSpan((b * s.KeyStride + s.KeyLength) * kvWidth, (s.KeyStride - s.KeyLength) * kvWidth).ToArray(), x => Assert.Equal(0f, x));
        }
    }

    [Fact]
    public void ParallelPathMatchesFiniteDifferences() =>
        CheckAgainstFiniteDifferences(new AttentionShape(2, 16, 16, 16, 4, 2, 16), TestArrays.RightPadded(16, 16, 11), seed: 131, sampleEvery: 5);

    [Fact]
    public void MissingProbabilitiesAreRejectedByName()
    {
        var s = new AttentionShape(1, 2, 2, 2, 1, 1, 8);
        var error = Assert.Throws<ArgumentException>(() => CausalAttention.Backward(s, new float[16], new float[16], new float[16],
            new float[16], [], [], new float[16], new float[16], new float[16]));
        Assert.Equal("probabilities", error.ParamName);
    }
}
