using Emend.Numerics;

namespace Emend.Numerics.Tests.Attention;

public class CausalAttentionForwardTests
{
    private static (float[] Output, float[] Probabilities) RunForward(AttentionShape s, float[] q, float[] k, float[] v, byte[]? mask)
    {
        var output = new float[s.QueryElements];
        var probabilities = new float[s.ProbabilityElements];
        CausalAttention.Forward(s, q, k, v, mask, output, probabilities);
        return (output, probabilities);
    }

    private static void AssertMatchesReference(AttentionShape s, byte[]? mask, int seed)
    {
        var q = TestArrays.Uniform(s.QueryElements, seed);
        var k = TestArrays.Uniform(s.KeyValueElements, seed + 1);
        var v = TestArrays.Uniform(s.KeyValueElements, seed + 2);
        var expected = AttentionReference.Forward(s, TestArrays.Widen(q), TestArrays.Widen(k), TestArrays.Widen(v), mask);

        var (output, _) = RunForward(s, q, k, v, mask);
        TestArrays.AssertClose(expected, output);

        var withoutProbabilities = new float[s.QueryElements];
        CausalAttention.Forward(s, q, k, v, mask, withoutProbabilities, []);
        Assert.Equal(output, withoutProbabilities);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(16)]
    [InlineData(20)]
    [InlineData(64)]
    [InlineData(72)]
    public void MultiHeadMatchesFloat64Reference(int headDim) =>
        AssertMatchesReference(new AttentionShape(2, 9, 9, 9, 3, 3, headDim), null, seed: headDim);

    [Fact]
    public void GroupedQueryMatchesFloat64Reference() =>
        AssertMatchesReference(new AttentionShape(2, 7, 7, 7, 4, 2, 16), null, seed: 11);

    [Fact]
    public void RightPaddedBatchLikeHfFixturesMatchesReference() =>
        AssertMatchesReference(new AttentionShape(3, 12, 12, 12, 4, 2, 16), TestArrays.RightPadded(12, 7, 12, 5), seed: 21);

    [Fact]
    public void LeftPaddedBatchMatchesReferenceAndPaddedQueriesOutputZeros()
    {
        var s = new AttentionShape(2, 6, 6, 6, 2, 1, 8);
        var mask = TestArrays.LeftPadded(6, 3, 6);
        AssertMatchesReference(s, mask, seed: 31);

        var (output, probabilities) = RunForward(s, TestArrays.Uniform(s.QueryElements, 1), TestArrays.Uniform(s.KeyValueElements, 2),
            TestArrays.Uniform(s.KeyValueElements, 3), mask);
        for (var i = 0; i < 3; i++)
            for (var h = 0; h < s.Heads; h++)
                for (var d = 0; d < s.HeadDim; d++)
                    Assert.Equal(0f, output[AttentionReference.QueryIndex(s, 0, i, h, d)]);
        for (var h = 0; h < s.Heads; h++)
            Assert.All(probabilities.AsSpan((h * s.QueryLength) * s.KeyLength, 3 * s.KeyLength).ToArray(), p => Assert.Equal(0f, p));
    }

    [Fact]
    public void FullyMaskedSequenceOutputsZeros()
    {
        var s = new AttentionShape(2, 4, 4, 4, 2, 2, 8);
        var mask = TestArrays.RightPadded(4, 0, 4);
        var (output, _) = RunForward(s, TestArrays.Uniform(s.QueryElements, 4), TestArrays.Uniform(s.KeyValueElements, 5),
            TestArrays.Uniform(s.KeyValueElements, 6), mask);
        Assert.All(output.AsSpan(0, s.QueryElements / 2).ToArray(), x => Assert.Equal(0f, x));
        Assert.Contains(output.AsSpan(s.QueryElements / 2).ToArray(), x => x != 0f);
    }

    [Fact]
    public void ProbabilitiesMatchReferenceSoftmaxAndAreZeroAtInvisibleKeys()
    {
        var s = new AttentionShape(1, 5, 5, 5, 1, 1, 8);
        var q = TestArrays.Uniform(s.QueryElements, 41);
        var k = TestArrays.Uniform(s.KeyValueElements, 42);
        var (_, probabilities) = RunForward(s, q, k, TestArrays.Uniform(s.KeyValueElements, 43), null);
        for (var i = 0; i < 5; i++)
        {
            var scores = new double[i + 1];
            for (var j = 0; j <= i; j++)
                for (var d = 0; d < 8; d++)
                    scores[j] += (double)q[i * 8 + d] * k[j * 8 + d] / Math.Sqrt(8);
            var max = scores.Max();
            var total = scores.Sum(x => Math.Exp(x - max));
            var expected = new double[5];
            for (var j = 0; j <= i; j++) expected[j] = Math.Exp(scores[j] - max) / total;
            TestArrays.AssertClose(expected, probabilities.AsSpan(i * 5, 5));
            for (var j = i + 1; j < 5; j++) Assert.Equal(0f, probabilities[i * 5 + j]);
        }
    }

    [Fact]
    public void ParallelPathMatchesReference() =>
        AssertMatchesReference(new AttentionShape(4, 32, 32, 32, 4, 2, 32), TestArrays.RightPadded(32, 32, 20, 9, 31), seed: 51);

    [Fact]
    public void IncrementalDecodeOverGrowingCacheReproducesFullForwardRows()
    {
        const int tokens = 11, capacity = 16;
        var full = new AttentionShape(2, tokens, tokens, tokens, 4, 2, 16);
        var q = TestArrays.Uniform(full.QueryElements, 61);
        var k = TestArrays.Uniform(full.KeyValueElements, 62);
        var v = TestArrays.Uniform(full.KeyValueElements, 63);
        var (expected, _) = RunForward(full, q, k, v, null);

        var cacheShape = full with { KeyStride = capacity };
        var kCache = new float[cacheShape.KeyValueElements];
        var vCache = new float[cacheShape.KeyValueElements];
        var kvWidth = full.KvHeads * full.HeadDim;
        var qWidth = full.Heads * full.HeadDim;
        int[] stepLengths = [3, 1, 1, 2, 1, 3];
        var done = 0;
        foreach (var step in stepLengths)
        {
            for (var b = 0; b < full.Batch; b++)
                for (var t = done; t < done + step; t++)
                {
                    k.AsSpan((b * tokens + t) * kvWidth, kvWidth).CopyTo(kCache.AsSpan((b * capacity + t) * kvWidth));
                    v.AsSpan((b * tokens + t) * kvWidth, kvWidth).CopyTo(vCache.AsSpan((b * capacity + t) * kvWidth));
                }
            var stepShape = cacheShape with { QueryLength = step, KeyLength = done + step };
            var stepQ = new float[stepShape.QueryElements];
            for (var b = 0; b < full.Batch; b++)
                q.AsSpan((b * tokens + done) * qWidth, step * qWidth).CopyTo(stepQ.AsSpan(b * step * qWidth));
            var stepOutput = new float[stepShape.QueryElements];
            CausalAttention.Forward(stepShape, stepQ, kCache, vCache, [], stepOutput, []);

            for (var b = 0; b < full.Batch; b++)
                Assert.Equal(expected.AsSpan((b * tokens + done) * qWidth, step * qWidth).ToArray(),
                    stepOutput.AsSpan(b * step * qWidth, step * qWidth).ToArray());
            done += step;
        }
        Assert.Equal(tokens, done);
    }

    [Fact]
    public void DecodeStepWithPaddedCacheMatchesReference()
    {
        var s = new AttentionShape(3, 1, 9, 12, 4, 2, 16);
        AssertMatchesReference(s, TestArrays.LeftPadded(9, 9, 4, 6), seed: 71);
    }

    [Theory]
    [InlineData("q")]
    [InlineData("k")]
    [InlineData("v")]
    [InlineData("keyMask")]
    [InlineData("output")]
    [InlineData("probabilities")]
    public void WrongBufferSizeNamesTheBuffer(string wrong)
    {
        var s = new AttentionShape(1, 2, 3, 4, 2, 1, 8);
        float[] Sized(string name, int length) => new float[name == wrong ? length + 1 : length];
        var q = Sized("q", s.QueryElements);
        var k = Sized("k", s.KeyValueElements);
        var v = Sized("v", s.KeyValueElements);
        var mask = new byte[wrong == "keyMask" ? 2 : s.MaskElements];
        var output = Sized("output", s.QueryElements);
        var probabilities = Sized("probabilities", s.ProbabilityElements);
        var error = Assert.Throws<ArgumentException>(() => CausalAttention.Forward(s, q, k, v, mask, output, probabilities));
        Assert.Equal(wrong, error.ParamName);
    }

    [Theory]
    [InlineData(1, 3, 2, 4, 2, 1, 8)]
    [InlineData(1, 2, 5, 4, 2, 1, 8)]
    [InlineData(1, 2, 2, 2, 3, 2, 8)]
    [InlineData(0, 2, 2, 2, 2, 1, 8)]
    public void InvalidShapeIsRejected(int batch, int queryLength, int keyLength, int keyStride, int heads, int kvHeads, int headDim)
    {
        var s = new AttentionShape(batch, queryLength, keyLength, keyStride, heads, kvHeads, headDim);
        var error = Assert.Throws<ArgumentException>(() => CausalAttention.Forward(s, [], [], [], [], [], []));
        Assert.Equal("shape", error.ParamName);
    }
}
