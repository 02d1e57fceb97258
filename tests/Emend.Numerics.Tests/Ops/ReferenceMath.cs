namespace Emend.Numerics.Tests.Ops;

/// <summary>
/// Independent float64 references for the ops under test: plain scalar loops straight from the definitions, sharing
/// no code or formulas' rearrangements with the library (erf here is a Taylor series plus Laplace's continued
/// fraction, not the library's polynomials).
/// </summary>
internal static class ReferenceMath
{
    private static readonly double TwoOverSqrtPi = 2 / Math.Sqrt(Math.PI);

    public static double Erf(double z)
    {
        if (z < 0)
            return -Erf(-z);
        return z < 2 ? ErfSeries(z) : 1 - ErfcContinuedFraction(z);
    }

    public static double Erfc(double z)
    {
        if (z < 0)
            return 2 - Erfc(-z);
        return z < 2 ? 1 - ErfSeries(z) : ErfcContinuedFraction(z);
    }

    /// <summary>erf z = 2/√π Σ (−1)ⁿ z^(2n+1) / (n!(2n+1)); for z &lt; 2 the cancellation costs under 3 digits.</summary>
    private static double ErfSeries(double z)
    {
        double sum = 0, power = z;
        for (var n = 0; n < 200; n++)
        {
            var term = power / (2 * n + 1);
            sum += term;
            if (Math.Abs(term) < 1e-18 * Math.Abs(sum))
                break;
            power *= -z * z / (n + 1);
        }
        return TwoOverSqrtPi * sum;
    }

    /// <summary>erfc z = e^(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))), evaluated from the tail.</summary>
    private static double ErfcContinuedFraction(double z)
    {
        var tail = z;
        for (var k = 400; k >= 1; k--)
            tail = z + k / 2.0 / tail;
        return Math.Exp(-z * z) / (Math.Sqrt(Math.PI) * tail);
    }

    /// <summary>gelu_new exactly as the hf-tiny README states it: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    public static double GeluTanh(double x)
    {
        var u = Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
        // 1 + tanh u cancels for u ≪ 0; there 1 + tanh u = 2e^(2u)/(1 + e^(2u)) exactly.
        var onePlusTanh = u > -1 ? 1 + Math.Tanh(u) : 2 * Math.Exp(2 * u) / (1 + Math.Exp(2 * u));
        return 0.5 * x * onePlusTanh;
    }

    public static double GeluErf(double x) => 0.5 * x * Erfc(-x / Math.Sqrt(2));

    public static double Silu(double x) => x / (1 + Math.Exp(-x));

    public static double[] LayerNorm(double[] x, double[] weight, double[] bias, int dim, double eps)
    {
        var y = new double[x.Length];
        for (var start = 0; start < x.Length; start += dim)
        {
            double mean = 0, variance = 0;
            for (var j = 0; j < dim; j++)
                mean += x[start + j];
            mean /= dim;
            for (var j = 0; j < dim; j++)
                variance += (x[start + j] - mean) * (x[start + j] - mean);
            variance /= dim;
            var rstd = 1 / Math.Sqrt(variance + eps);
            for (var j = 0; j < dim; j++)
                y[start + j] = (x[start + j] - mean) * rstd * weight[j] + bias[j];
        }
        return y;
    }

    public static double[] RmsNorm(double[] x, double[] weight, int dim, double eps)
    {
        var y = new double[x.Length];
        for (var start = 0; start < x.Length; start += dim)
        {
            double meanSquare = 0;
            for (var j = 0; j < dim; j++)
                meanSquare += x[start + j] * x[start + j];
            var rstd = 1 / Math.Sqrt(meanSquare / dim + eps);
            for (var j = 0; j < dim; j++)
                y[start + j] = x[start + j] * rstd * weight[j];
        }
        return y;
    }

    /// <summary>The row maximum and log Σ exp(x − max), kept apart: max + log Σ would absorb log Σ for huge logits.</summary>
    public static (double Max, double LogSum) LogSumExp(ReadOnlySpan<double> row)
    {
        var max = double.NegativeInfinity;
        foreach (var v in row)
            max = Math.Max(max, v);
        double sum = 0;
        foreach (var v in row)
            sum += Math.Exp(v - max);
        return (max, Math.Log(sum));
    }

    public static double[] LogSoftmax(double[] x, int dim)
    {
        var y = new double[x.Length];
        for (var start = 0; start < x.Length; start += dim)
        {
            var (max, logSum) = LogSumExp(x.AsSpan(start, dim));
            for (var j = 0; j < dim; j++)
                y[start + j] = x[start + j] - max - logSum;
        }
        return y;
    }

    public static double[] Softmax(double[] x, int dim) => LogSoftmax(x, dim).Select(Math.Exp).ToArray();

    public static double[] CrossEntropy(double[] logits, int[] targets, int vocab)
    {
        var losses = new double[targets.Length];
        for (var r = 0; r < targets.Length; r++)
        {
            var (max, logSum) = LogSumExp(logits.AsSpan(r * vocab, vocab));
            losses[r] = logSum - (logits[r * vocab + targets[r]] - max);
        }
        return losses;
    }

    public static double[] KlDivergence(double[] logits, double[] referenceLogProbs, int vocab)
    {
        var logProbs = LogSoftmax(logits, vocab);
        var losses = new double[logits.Length / vocab];
        for (var i = 0; i < logits.Length; i++)
        {
            var p = Math.Exp(referenceLogProbs[i]);
            if (p > 0)
                losses[i / vocab] += p * (referenceLogProbs[i] - logProbs[i]);
        }
        return losses;
    }
}
