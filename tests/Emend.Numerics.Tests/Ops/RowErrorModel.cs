namespace Emend.Numerics.Tests.Ops;

/// <summary>
/// The error model of the vocabulary-wide ops, in units of the float32 unit roundoff ε. The log-sum-exp is float64
/// throughout (max, then Σexp(x − max) with float64 exponentials), so its error is float64 rounding,
/// <see cref="Float64Slack"/> relative. Probabilities written out are float32: e_j = exp(fl(x_j − max)) is off by
/// (|x_j − max| + 2.1)·ε relative, from the rounded argument and the 0.51 ulp (≤ 2.04ε) of the float32 exp, and they are
/// normalised by the float64 sum of those float32 values, which is off by the p-weighted mean of the same errors.
/// </summary>
internal sealed class RowErrorModel
{
    /// <summary>A generous allowance for a few float64 roundings on quantities of order 1.</summary>
    public const double Float64Slack = 1e-14;

    public RowErrorModel(double[] row)
    {
        Max = row.Max();
        LogSum = ReferenceMath.LogSumExp(row).LogSum;
        Probabilities = row.Select(x => Math.Exp(x - Max - LogSum)).ToArray();
        ExpErrors = row.Select(x => double.IsNegativeInfinity(x) ? 0 : Math.Abs(x - Max) + 2.1).ToArray();
        MeanExpError = Probabilities.Zip(ExpErrors, (p, e) => p * e).Sum();
    }

    public double Max { get; }

    /// <summary>log Σexp(x − max).</summary>
    public double LogSum { get; }

    public double[] Probabilities { get; }

    /// <summary>Relative error of each float32 exp(fl(x_j − max)), in units of ε.</summary>
    public double[] ExpErrors { get; }

    /// <summary>Relative error of the float64 sum of the float32 exponentials, in units of ε.</summary>
    public double MeanExpError { get; }

    /// <summary>Absolute error of Σ_{k≠skip} e_k relative to Σe, in units of ε.</summary>
    public double ExpErrorWithout(int skip) => MeanExpError - Probabilities[skip] * ExpErrors[skip];
}
