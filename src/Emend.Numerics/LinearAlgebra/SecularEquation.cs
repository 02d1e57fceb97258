namespace Emend.Numerics.LinearAlgebra;

/// <summary>
/// Roots of the secular equation f(λ) = 1/ρ + Σⱼ zⱼ²/(dⱼ − λ) = 0, whose roots are the eigenvalues of D + ρ·z·zᵀ
/// (the merge step of divide and conquer). Each root is found in the interval between two poles, relative to the
/// nearer pole, by the "middle way" rational model (the pole sums on either side are each matched in value and
/// slope by one pole plus a constant, and the resulting quadratic is solved) inside a bisection bracket, so it
/// converges fast and cannot fail. Storing λ as pole + offset keeps every dᵢ − λ accurate to working precision.
/// </summary>
internal static class SecularEquation
{
    private const int MaxIterations = 400;

    /// <summary>After this many model steps the iteration only bisects, which bounds the work for any input.</summary>
    private const int ModelIterations = 40;

    private const int ParallelThreshold = 256;

    /// <summary>
    /// Solves for all roots; requires strictly increasing <paramref name="d"/>, nonzero <paramref name="z"/> and ρ &gt; 0.
    /// Root k is <c>d[origin[k]] + offset[k]</c>.
    /// </summary>
    public static void Solve(double[] d, double[] z, double rho, int[] origin, double[] offset)
    {
        var count = d.Length;
        if (count == 1)
        {
            origin[0] = 0;
            offset[0] = rho * z[0] * z[0];
            return;
        }
        double zNormSquared = 0;
        foreach (var value in z)
            zNormSquared += value * value;
        var threads = ComputeSettings.ThreadCount;
        if (count < ParallelThreshold || threads == 1)
        {
            for (var k = 0; k < count; k++)
                (origin[k], offset[k]) = SolveRoot(d, z, rho, zNormSquared, k);
            return;
        }
        // Roots cost about the same each, so contiguous equal shares balance.
        ThreadTeam.Shared.Run(threads, worker =>
        {
            for (var k = (int)((long)count * worker / threads); k < (int)((long)count * (worker + 1) / threads); k++)
                (origin[k], offset[k]) = SolveRoot(d, z, rho, zNormSquared, k);
        });
    }

    private static (int Origin, double Offset) SolveRoot(double[] d, double[] z, double rho, double zNormSquared, int k)
    {
        var count = d.Length;
        var inverseRho = 1 / rho;
        var last = k == count - 1;
        int origin;
        double low, high;
        if (last)
        {
            origin = k;
            low = 0;
            high = rho * zNormSquared;
        }
        else
        {
            var gap = d[k + 1] - d[k];
            var half = gap / 2;
            var atMiddle = inverseRho;
            for (var j = 0; j < count; j++)
                atMiddle += z[j] * z[j] / (d[j] - d[k] - half);
            if (atMiddle >= 0)
            {
                origin = k;
                low = 0;
                high = half;
            }
            else
            {
                origin = k + 1;
                low = half - gap;
                high = 0;
            }
        }

        var pole = d[origin];
        var tau = (low + high) / 2;
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            double psi = 0, psiSlope = 0, phi = 0, phiSlope = 0;
            for (var j = 0; j <= k; j++)
            {
                var t = z[j] / (d[j] - pole - tau);
                psi += z[j] * t;
                psiSlope += t * t;
            }
            for (var j = k + 1; j < count; j++)
            {
                var t = z[j] / (d[j] - pole - tau);
                phi += z[j] * t;
                phiSlope += t * t;
            }
            var f = inverseRho + psi + phi;
            if (f < 0)
                low = tau;
            else
                high = tau;
            var roundingBound = TridiagonalQl.UnitRoundoff * (8 * (inverseRho + phi - psi) + Math.Abs(tau) * (psiSlope + phiSlope));
            if (Math.Abs(f) <= roundingBound || high - low <= 4 * TridiagonalQl.UnitRoundoff * Math.Max(Math.Abs(low), Math.Abs(high)))
                return (origin, tau);

            var next = tau + (last
                ? LastRootStep(d[k] - pole - tau, inverseRho, psi, psiSlope)
                : InteriorStep(d[k] - pole - tau, d[k + 1] - pole - tau, inverseRho, psi, psiSlope, phi, phiSlope));
            tau = iteration < ModelIterations && next > low && next < high ? next : (low + high) / 2;
        }
        throw new InvalidOperationException($"secular equation root {k} of {count} did not converge");
    }

    /// <summary>
    /// The step η that zeroes C + s₁/(a − η) + s₂/(b − η), the model of f around the current point where a = dₖ − λ &lt; 0
    /// and b = dₖ₊₁ − λ &gt; 0; the root wanted is the one in (a, b).
    /// </summary>
    private static double InteriorStep(double a, double b, double inverseRho, double psi, double psiSlope, double phi, double phiSlope)
    {
        var s1 = a * a * psiSlope;
        var s2 = b * b * phiSlope;
        var c = inverseRho + (psi - a * psiSlope) + (phi - b * phiSlope);
        if (c == 0)
            return (s1 * b + s2 * a) / (s1 + s2);
        var linear = c * (a + b) + s1 + s2;
        var constant = c * a * b + s1 * b + s2 * a;
        var root = Math.Sqrt(Math.Max(linear * linear - 4 * c * constant, 0));
        var q = linear >= 0 ? linear + root : linear - root;
        var small = 2 * constant / q;
        return small > a && small < b ? small : q / (2 * c);
    }

    /// <summary>The step for the largest root, modelling the pole sum (all poles to the left) by C + s/(a − η).</summary>
    private static double LastRootStep(double a, double inverseRho, double psi, double psiSlope)
    {
        var c = inverseRho + psi - a * psiSlope;
        return c > 0 ? a + a * a * psiSlope / c : double.NaN;
    }
}
