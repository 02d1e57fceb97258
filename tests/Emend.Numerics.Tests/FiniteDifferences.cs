namespace Emend.Numerics.Tests;

/// <summary>Central finite differences of a float64 loss, the oracle for every backward.</summary>
internal static class FiniteDifferences
{
    /// <summary>
    /// (loss(x + h·e_i) − loss(x − h·e_i)) / 2h for every <paramref name="sampleEvery"/>-th coordinate i, perturbing
    /// <paramref name="x"/> in place (the loss reads it) and restoring it.
    /// </summary>
    public static double[] Central(double[] x, Func<double> loss, double step, int sampleEvery = 1)
    {
        var gradient = new double[(x.Length + sampleEvery - 1) / sampleEvery];
        for (var n = 0; n < gradient.Length; n++)
        {
            var i = n * sampleEvery;
            var saved = x[i];
            x[i] = saved + step;
            var up = loss();
            x[i] = saved - step;
            var down = loss();
            x[i] = saved;
            gradient[n] = (up - down) / (2 * step);
        }
        return gradient;
    }
}
