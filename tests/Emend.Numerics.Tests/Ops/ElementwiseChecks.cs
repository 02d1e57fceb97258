namespace Emend.Numerics.Tests.Ops;

internal delegate void UnaryOp(ReadOnlySpan<float> x, Span<float> y);

internal delegate void UnaryBackwardOp(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dx);

/// <summary>Forward and backward checks shared by the elementwise activations.</summary>
internal static class ElementwiseChecks
{
    /// <summary>Lengths around every SIMD width (4, 8, 16 lanes) and their tails.</summary>
    public static TheoryData<int> Lengths => new() { 0, 1, 3, 7, 15, 16, 17, 33, 100, 257, 1000 };

    /// <summary>Where activations saturate, under- or overflow their exponentials, or cube past float32 range.</summary>
    public static float[] Extremes
    {
        get
        {
            float[] magnitudes = [0, 1e-30f, 1e-6f, 0.5f, 1, 3, 5, 10, 20, 50, 88, 100, 1e4f, 1e10f, 1e30f, float.MaxValue];
            return magnitudes.Concat(magnitudes.Select(m => -m)).ToArray();
        }
    }

    /// <summary>Samples spread over the interesting range (±9) with every length's tail exercised.</summary>
    public static float[] Inputs(int length, int seed) => TestData.Normal(seed, length, scale: 3);

    public static void ForwardMatches(UnaryOp op, Func<double, double> reference, float[] x, double roundings, string what)
    {
        var y = new float[x.Length];
        op(x, y);
        var expected = x.Select(v => reference(v)).ToArray();
        Expect.Close(y, expected, i => roundings * Expect.Eps * ElementwiseBounds.ValueScale(reference, x[i]) + Expect.Tiny, what);
    }

    /// <summary>dx against dy·f′(x), f′ by central differences of the float64 reference (error ~1e-10, see FiniteDifference).</summary>
    public static void BackwardMatches(UnaryBackwardOp op, Func<double, double> reference, float[] x, double roundings, int seed, string what)
    {
        var dy = TestData.Normal(seed, x.Length);
        var dx = new float[x.Length];
        op(dy, x, dx);
        var expected = x.Select((v, i) => dy[i] * ElementwiseBounds.Slope(reference, v)).ToArray();
        Expect.Close(dx, expected,
            i => Math.Abs(dy[i]) * (roundings * Expect.Eps * ElementwiseBounds.SlopeScale(reference, x[i]) + 1e-9) + Expect.Tiny, what);
    }

    /// <summary>Writing the result over the input gives the same values as writing it elsewhere.</summary>
    public static void InPlaceMatches(UnaryOp op, float[] x)
    {
        var separate = new float[x.Length];
        op(x, separate);
        var inPlace = (float[])x.Clone();
        op(inPlace, inPlace);
        Assert.Equal(separate, inPlace);
    }
}
