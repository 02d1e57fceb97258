namespace Emend.Numerics.Tests.Ops;

public class GatedSiluTests
{
    // SiLU's four roundings (see SiluTests) plus the products with up and dy.
    private const double Roundings = 6;

    public static TheoryData<int> Lengths => ElementwiseChecks.Lengths;

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ForwardMatchesFloat64Reference(int length) =>
        CheckForward(ElementwiseChecks.Inputs(length, seed: 70 + length), TestData.Normal(71 + length, length, scale: 2));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void BackwardMatchesFiniteDifferencesForGateAndUp(int length) =>
        CheckBackward(ElementwiseChecks.Inputs(length, seed: 80 + length), TestData.Normal(81 + length, length, scale: 2), seed: 82 + length);

    [Fact]
    public void ExtremeGatesSaturateWithoutNaN()
    {
        var gate = ElementwiseChecks.Extremes;
        // |up| < 1 so that SiLU(float.MaxValue)·up stays inside float32 range.
        var up = gate.Select((_, i) => (i % 7 - 3) / 4f).ToArray();
        CheckForward(gate, up);
        CheckBackward(gate, up, seed: 8);
    }

    [Fact]
    public void OutputsMayOverwriteTheirInputs()
    {
        var gate = ElementwiseChecks.Inputs(29, seed: 9);
        var up = TestData.Normal(10, 29);
        var dy = TestData.Normal(11, 29);
        var y = new float[29];
        var dGate = new float[29];
        var dUp = new float[29];
        GatedSilu.Forward(gate, up, y);
        GatedSilu.Backward(dy, gate, up, dGate, dUp);

        var yInPlace = (float[])up.Clone();
        GatedSilu.Forward(gate, yInPlace, yInPlace);
        Assert.Equal(y, yInPlace);
        var gateInPlace = (float[])gate.Clone();
        var upInPlace = (float[])up.Clone();
        GatedSilu.Backward(dy, gateInPlace, upInPlace, gateInPlace, upInPlace);
        Assert.Equal(dGate, gateInPlace);
        Assert.Equal(dUp, upInPlace);
    }

    [Fact]
    public void RejectsMismatchedLengths()
    {
        var error = Assert.Throws<ArgumentException>(() => GatedSilu.Forward(new float[8], new float[7], new float[8]));
        Assert.Equal("up", error.ParamName);
        Assert.Throws<ArgumentException>(() => GatedSilu.Backward(new float[8], new float[8], new float[8], new float[8], new float[9]));
    }

    private static void CheckForward(float[] gate, float[] up)
    {
        var y = new float[gate.Length];
        GatedSilu.Forward(gate, up, y);
        var expected = gate.Select((g, i) => ReferenceMath.Silu(g) * up[i]).ToArray();
        Expect.Close(y, expected, i => Roundings * Expect.Eps * Math.Abs(up[i]) * ElementwiseBounds.ValueScale(ReferenceMath.Silu, gate[i]) + Expect.Tiny, "silu(gate)·up");
    }

    /// <summary>L = Σ dy·SiLU(gate)·up is separable, so each partial derivative is a scalar central difference.</summary>
    private static void CheckBackward(float[] gate, float[] up, int seed)
    {
        var dy = TestData.Normal(seed, gate.Length);
        var dGate = new float[gate.Length];
        var dUp = new float[gate.Length];
        GatedSilu.Backward(dy, gate, up, dGate, dUp);

        var expectedGate = gate.Select((g, i) => dy[i] * ElementwiseBounds.Slope(v => ReferenceMath.Silu(v) * up[i], g)).ToArray();
        Expect.Close(dGate, expectedGate,
            i => Math.Abs(dy[i] * up[i]) * (Roundings * Expect.Eps * ElementwiseBounds.SlopeScale(ReferenceMath.Silu, gate[i]) + 1e-9) + Expect.Tiny, "dGate");
        var expectedUp = up.Select((u, i) => dy[i] * ElementwiseBounds.Slope(v => ReferenceMath.Silu(gate[i]) * v, u)).ToArray();
        Expect.Close(dUp, expectedUp,
            i => Math.Abs(dy[i]) * (Roundings * Expect.Eps * ElementwiseBounds.ValueScale(ReferenceMath.Silu, gate[i]) + 1e-9 * Math.Max(1, Math.Abs(up[i]))) + Expect.Tiny, "dUp");
    }
}
