using Emend.Numerics.Lanes;

namespace Emend.Numerics.Tests.Ops;

/// <summary>
/// The public entry points run the widest SIMD lanes the machine accelerates; these tests run the same kernels at the
/// other widths (emulated in software where the hardware lacks them) and require the same answers. Elementwise
/// kernels do identical per-lane arithmetic, so they must agree to the bit; row kernels sum float64 terms in a
/// width-dependent order, which can move a float32 result by at most one ulp.
/// </summary>
public class LaneWidthTests
{
    private const int Dim = 37;
    private const int Rows = 3;

    [Fact]
    public void Vector256LanesMatchVector512Lanes() => AssertSame(RunAll<Float512, Double512>(), RunAll<Float256, Double256>());

    [Fact]
    public void Vector128LanesMatchVector512Lanes() => AssertSame(RunAll<Float512, Double512>(), RunAll<Float128, Double128>());

    private static void AssertSame(Dictionary<string, (float[] Values, int Ulps)> expected, Dictionary<string, (float[] Values, int Ulps)> actual)
    {
        foreach (var (name, (values, ulps)) in expected)
        {
            var other = actual[name].Values;
            for (var i = 0; i < values.Length; i++)
            {
                var distance = Math.Abs((long)BitConverter.SingleToInt32Bits(values[i]) - BitConverter.SingleToInt32Bits(other[i]));
                Assert.True(distance <= ulps, $"{name}[{i}]: {other[i]:R} vs {values[i]:R} ({distance} ulp apart, {ulps} allowed)");
            }
        }
    }

    private static Dictionary<string, (float[] Values, int Ulps)> RunAll<TF, TD>()
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        var x = TestData.Normal(600, Rows * Dim, scale: 3);
        var other = TestData.Normal(601, Rows * Dim, scale: 2);
        var dy = TestData.Normal(602, Rows * Dim);
        var (weight, bias) = LayerNormTests.Parameters(603, Dim);
        int[] targets = [0, 17, 36];
        float[] dLoss = [1f, -0.5f, 2f];
        var results = new Dictionary<string, (float[], int)>();

        void Elementwise(string name, Action<float[]> run) => results[name] = (Run(run), 0);
        void RowWise(string name, Action<float[]> run) => results[name] = (Run(run), 1);
        float[] Run(Action<float[]> run)
        {
            var output = new float[x.Length];
            run(output);
            return output;
        }

        foreach (var kind in new[] { GeluKind.Tanh, GeluKind.Erf })
        {
            Elementwise($"gelu {kind}", y => Gelu.Forward<TF, TD>(x, y, kind));
            Elementwise($"gelu' {kind}", dx => Gelu.Backward<TF, TD>(dy, x, dx, kind));
        }
        Elementwise("silu", y => Silu.Forward<TF, TD>(x, y));
        Elementwise("silu'", dx => Silu.Backward<TF, TD>(dy, x, dx));
        Elementwise("gated", y => GatedSilu.Forward<TF, TD>(x, other, y));
        Elementwise("gated dGate", dGate => GatedSilu.Backward<TF, TD>(dy, x, other, dGate, new float[x.Length]));
        Elementwise("gated dUp", dUp => GatedSilu.Backward<TF, TD>(dy, x, other, new float[x.Length], dUp));

        var probabilities = Run(y => Softmax.Forward<TF, TD>(x, y, Dim));
        var logProbabilities = Run(y => Softmax.LogForward<TF, TD>(x, y, Dim));
        results["softmax"] = (probabilities, 1);
        results["log-softmax"] = (logProbabilities, 1);
        RowWise("softmax dx", dx => Softmax.Backward<TF, TD>(dy, probabilities, dx, Dim));
        RowWise("log-softmax dx", dx => Softmax.LogBackward<TF, TD>(dy, logProbabilities, dx, Dim));
        RowWise("cross-entropy", losses => CrossEntropy.Forward<TF, TD>(x, targets, losses.AsSpan(0, Rows), Dim));
        RowWise("cross-entropy dx", dx => CrossEntropy.Backward<TF, TD>(x, targets, dLoss, dx, Dim));
        RowWise("KL", losses => KlDivergence.Forward<TF, TD>(x, logProbabilities, losses.AsSpan(0, Rows), Dim));
        RowWise("KL dx", dx => KlDivergence.Backward<TF, TD>(other, logProbabilities, dLoss, dx, Dim));

        var (mean, rstd) = (new float[Rows], new float[Rows]);
        RowWise("LayerNorm y", y => LayerNorm.Forward<TF, TD>(x, weight, bias, y, mean, rstd, Dim, 1e-5f));
        RowWise("LayerNorm dx", dx => LayerNorm.Backward<TF, TD>(dy, x, weight, mean, rstd, dx, [], [], Dim));
        RowWise("LayerNorm dWeight dBias", grads => LayerNorm.Backward<TF, TD>(dy, x, weight, mean, rstd, new float[x.Length],
            grads.AsSpan(0, Dim), grads.AsSpan(Dim, Dim), Dim));
        RowWise("RmsNorm y", y => RmsNorm.Forward<TF, TD>(x, weight, y, rstd, Dim, 1e-6f));
        RowWise("RmsNorm dx", dx => RmsNorm.Backward<TF, TD>(dy, x, weight, rstd, dx, [], Dim));
        RowWise("RmsNorm dWeight", grads => RmsNorm.Backward<TF, TD>(dy, x, weight, rstd, new float[x.Length], grads.AsSpan(0, Dim), Dim));
        return results;
    }
}
