using Emend.Numerics;

namespace Emend.Numerics.Tests.Attention;

/// <summary>
/// Textbook causal attention in float64, written from the definition (one query, one head at a time), used as the
/// oracle for the float32 kernels and, through finite differences, for their backward.
/// </summary>
internal static class AttentionReference
{
    public static double[] Forward(AttentionShape s, double[] q, double[] k, double[] v, byte[]? keyMask)
    {
        var output = new double[s.Batch * s.QueryLength * s.Heads * s.HeadDim];
        var weights = new double[s.KeyLength];
        for (var b = 0; b < s.Batch; b++)
            for (var h = 0; h < s.Heads; h++)
            {
                var kvHead = h / (s.Heads / s.KvHeads);
                for (var i = 0; i < s.QueryLength; i++)
                {
                    var position = s.KeyLength - s.QueryLength + i;
                    var max = double.NegativeInfinity;
                    for (var j = 0; j < s.KeyLength; j++)
                    {
                        weights[j] = double.NegativeInfinity;
                        var attendable = j <= position && (keyMask is null || keyMask[b * s.KeyLength + j] == 1);
                        if (!attendable) continue;
                        double dot = 0;
                        for (var d = 0; d < s.HeadDim; d++)
                            dot += q[QueryIndex(s, b, i, h, d)] * k[KeyIndex(s, b, j, kvHead, d)];
                        weights[j] = dot / Math.Sqrt(s.HeadDim);
                        max = Math.Max(max, weights[j]);
                    }
                    if (double.IsNegativeInfinity(max)) continue;
                    double total = 0;
                    for (var j = 0; j < s.KeyLength; j++)
                    {
                        weights[j] = Math.Exp(weights[j] - max);
                        total += weights[j];
                    }
                    for (var j = 0; j < s.KeyLength; j++)
                        for (var d = 0; d < s.HeadDim; d++)
                            output[QueryIndex(s, b, i, h, d)] += weights[j] / total * v[KeyIndex(s, b, j, kvHead, d)];
                }
            }
        return output;
    }

    /// <summary>Σ weights ⊙ Forward(q, k, v): a scalar loss whose gradient is the backward applied to dOutput = weights.</summary>
    public static double Loss(AttentionShape s, double[] q, double[] k, double[] v, byte[]? keyMask, double[] weights)
    {
        var output = Forward(s, q, k, v, keyMask);
        double sum = 0;
        for (var i = 0; i < output.Length; i++) sum += output[i] * weights[i];
        return sum;
    }

    public static int QueryIndex(AttentionShape s, int b, int i, int h, int d) => ((b * s.QueryLength + i) * s.Heads + h) * s.HeadDim + d;

    public static int KeyIndex(AttentionShape s, int b, int j, int kvHead, int d) => ((b * s.KeyStride + j) * s.KvHeads + kvHead) * s.HeadDim + d;
}
