using Emend.Models.Generation;
using Emend.Models.Runtime;
using Emend.Numerics;

namespace Emend.Models.Tests.Runtime;

/// <summary>Split by rows over the threads, each op must give exactly what it gives in one call.</summary>
public class RowParallelOpsTests
{
    private const int Rows = 601, Width = 1000;

    private static float[] Random(ulong seed, float scale = 3)
    {
        var random = new SeededRandom(seed);
        return Enumerable.Range(0, Rows * Width).Select(_ => (float)(scale * random.NextGaussian())).ToArray();
    }

    [Theory]
    [InlineData(GeluKind.Tanh)]
    [InlineData(GeluKind.Erf)]
    public void GeluForwardAndBackwardEqualOneCall(GeluKind kind)
    {
        var (x, dy) = (Random(1), Random(2));
        var (expected, actual) = (new float[x.Length], new float[x.Length]);
        Gelu.Forward(x, expected, kind);
        RowParallelOps.Gelu(x, actual, Width, kind);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "forward");
        Gelu.Backward(dy, x, expected, kind);
        RowParallelOps.GeluBackward(dy, x, actual, Width, kind);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "backward");
    }

    [Fact]
    public void GatedSiluForwardAndBackwardEqualOneCall()
    {
        var (gate, up, dy) = (Random(3), Random(4), Random(5));
        var (expected, actual) = (new float[gate.Length], new float[gate.Length]);
        GatedSilu.Forward(gate, up, expected);
        RowParallelOps.GatedSilu(gate, up, actual, Width);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "forward");
        var (expectedUp, actualUp) = (new float[gate.Length], new float[gate.Length]);
        GatedSilu.Backward(dy, gate, up, expected, expectedUp);
        RowParallelOps.GatedSiluBackward(dy, gate, up, actual, actualUp, Width);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "dGate");
        Assert.True(expectedUp.AsSpan().SequenceEqual(actualUp), "dUp");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NormsEqualOneCall(bool rms)
    {
        var x = Random(6);
        var (weight, bias) = (Random(7, 1)[..Width], rms ? [] : Random(8, 1)[..Width]);
        var (expected, actual) = (new float[x.Length], new float[x.Length]);
        var (expectedMean, expectedRstd, actualMean, actualRstd) = (new float[Rows], new float[Rows], new float[Rows], new float[Rows]);
        if (rms) RmsNorm.Forward(x, weight, expected, expectedRstd, Width, 1e-6f);
        else LayerNorm.Forward(x, weight, bias, expected, expectedMean, expectedRstd, Width, 1e-5f);
        RowParallelOps.Norm(rms, x, weight, bias, actual, actualMean, actualRstd, Width, rms ? 1e-6f : 1e-5f);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "output");
        Assert.Equal(expectedRstd, actualRstd);
        Assert.Equal(expectedMean, actualMean);
    }
}
