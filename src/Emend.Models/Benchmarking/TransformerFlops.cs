using Emend.Models.Architecture;

namespace Emend.Models.Benchmarking;

/// <summary>
/// Matrix-multiply work of a transformer pass, the numerator of an achieved-GFLOP/s figure. Per token, every linear
/// weight (q/k/v, attention output, MLP up/gate/down and the LM head) costs 2 flops per element (one multiply-add),
/// and attention costs 4·T·q per layer (scores q·kᵀ and the weighted sum of values, 2·T·q each, T the sequence length,
/// q = heads·head dim). That is the convention of the PaLM paper's model-flops utilisation: it counts the full T×T
/// score matrix although causal attention computes only about half, and it ignores norms, activations, softmax and
/// embedding lookups. Backward costs twice the forward matmuls (gradients of inputs and of weights), so a training
/// step is 3× the forward count.
/// </summary>
public static class TransformerFlops
{
    /// <summary>Elements of every weight matrix used as a GEMM operand per token, the (tied or separate) LM head included.</summary>
    public static long LinearWeightElements(TransformerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        long d = spec.HiddenSize;
        long mlpInputs = spec.Mlp == MlpKind.Gated ? 2 : 1;
        var perLayer = d * (spec.QueryWidth + 2L * spec.KvWidth) + (long)spec.QueryWidth * d + (mlpInputs + 1) * d * spec.IntermediateSize;
        return spec.LayerCount * perLayer + spec.VocabSize * d;
    }

    /// <summary>Forward flops per token for sequences of <paramref name="sequenceLength"/> tokens (logits at every token).</summary>
    public static double ForwardPerToken(TransformerSpec spec, int sequenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceLength);
        return 2.0 * LinearWeightElements(spec) + 4.0 * spec.LayerCount * sequenceLength * spec.QueryWidth;
    }

    /// <summary>Forward plus full backward (inputs and every weight) per token: three times the forward.</summary>
    public static double TrainingStepPerToken(TransformerSpec spec, int sequenceLength) => 3 * ForwardPerToken(spec, sequenceLength);
}
