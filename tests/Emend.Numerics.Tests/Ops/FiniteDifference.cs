namespace Emend.Numerics.Tests.Ops;

/// <summary>
/// Central differences of a float64 scalar function. With h = 1e-6·max(1, |p|) the truncation error (h²·f‴/6) and the
/// rounding error (2⁻⁵³·|f|/h) both sit near 1e-10 relative, far below the float32 errors being tested.
/// </summary>
internal static class FiniteDifference
{
    private const double RelativeStep = 1e-6;

    /// <summary>∂f/∂p[index] at p.</summary>
    public static double Partial(Func<double[], double> f, double[] p, int index)
    {
        var h = RelativeStep * Math.Max(1, Math.Abs(p[index]));
        var shifted = (double[])p.Clone();
        shifted[index] = p[index] + h;
        var plus = f(shifted);
        shifted[index] = p[index] - h;
        var minus = f(shifted);
        return (plus - minus) / (2 * h);
    }

    /// <summary>The directional derivative ∇f(p)·direction.</summary>
    public static double Directional(Func<double[], double> f, double[] p, double[] direction)
    {
        var h = RelativeStep * Math.Max(1, p.Max(Math.Abs));
        var plus = f(p.Zip(direction, (a, d) => a + h * d).ToArray());
        var minus = f(p.Zip(direction, (a, d) => a - h * d).ToArray());
        return (plus - minus) / (2 * h);
    }

    /// <summary>The scalar Σ weights·values: an upstream gradient contracted with an op's output.</summary>
    public static double Contract(double[] weights, double[] values)
    {
        double sum = 0;
        for (var i = 0; i < values.Length; i++)
            sum += weights[i] * values[i];
        return sum;
    }
}
