namespace Emend.Numerics;

/// <summary>
/// Causal scaled-dot-product self-attention with grouped-query heads, padding masks and a KV-cache decode form
/// (see <see cref="AttentionShape"/> for the layout). Query i of a sequence attends key j iff j is at or before its
/// position and <c>keyMask[b, j] == 1</c>; a query with no such key outputs zeros. Scores are q·k/√HeadDim and the
/// softmax runs in float32 over the visible keys only, as Hugging Face's eager attention does.
/// </summary>
public static unsafe class CausalAttention
{
    /// <summary>Below this many multiply-adds a call runs on the calling thread: waking workers would cost more.</summary>
    private const long ParallelWorkThreshold = 1 << 17;

    /// <summary>Computes the attention output and, when <paramref name="probabilities"/> is not empty, keeps the softmax for <see cref="Backward"/>.</summary>
    /// <param name="shape">sizes of the call; see <see cref="AttentionShape"/>.</param>
    /// <param name="q">[Batch, QueryLength, Heads·HeadDim]</param>
    /// <param name="k">[Batch, KeyStride, KvHeads·HeadDim]; only the first KeyLength rows of each sequence are read.</param>
    /// <param name="v">shaped like <paramref name="k"/></param>
    /// <param name="keyMask">[Batch, KeyLength], 1 = real token, 0 = padding; empty means every key is real.</param>
    /// <param name="output">[Batch, QueryLength, Heads·HeadDim], overwritten.</param>
    /// <param name="probabilities">[Batch, Heads, QueryLength, KeyLength] (zeros at invisible keys), or empty.</param>
    public static void Forward(in AttentionShape shape, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        ReadOnlySpan<byte> keyMask, Span<float> output, Span<float> probabilities)
    {
        shape.Validate();
        RequireLength(q.Length, shape.QueryElements, nameof(q), "Batch·QueryLength·Heads·HeadDim", shape);
        RequireLength(k.Length, shape.KeyValueElements, nameof(k), "Batch·KeyStride·KvHeads·HeadDim", shape);
        RequireLength(v.Length, shape.KeyValueElements, nameof(v), "Batch·KeyStride·KvHeads·HeadDim", shape);
        if (!keyMask.IsEmpty)
            RequireLength(keyMask.Length, shape.MaskElements, nameof(keyMask), "Batch·KeyLength (or empty)", shape);
        RequireLength(output.Length, shape.QueryElements, nameof(output), "Batch·QueryLength·Heads·HeadDim", shape);
        if (!probabilities.IsEmpty)
            RequireLength(probabilities.Length, shape.ProbabilityElements, nameof(probabilities), "Batch·Heads·QueryLength·KeyLength (or empty)", shape);

        var threads = ComputeSettings.ThreadCount;
        fixed (float* pq = q, pk = k, pv = v, po = output, pp = probabilities)
        fixed (byte* pm = keyMask)
        {
            RunItems(new AttentionForwardKernel(shape, pq, pk, pv, pm, po, pp, threads), threads);
        }
    }

    /// <summary>
    /// Gradients of the inputs of <see cref="Forward"/> given dLoss/dOutput and the probabilities it saved. dq, dk and
    /// dv are overwritten; dk/dv of a key/value head sum over the query heads of its group, and rows that no query
    /// saw (padding, rows past KeyLength) come out zero. The mask is already folded into the probabilities, so
    /// <paramref name="keyMask"/> is only checked for size.
    /// </summary>
    public static void Backward(in AttentionShape shape, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> q, ReadOnlySpan<float> k,
        ReadOnlySpan<float> v, ReadOnlySpan<byte> keyMask, ReadOnlySpan<float> probabilities, Span<float> dq, Span<float> dk, Span<float> dv)
    {
        shape.Validate();
        RequireLength(dOutput.Length, shape.QueryElements, nameof(dOutput), "Batch·QueryLength·Heads·HeadDim", shape);
        RequireLength(q.Length, shape.QueryElements, nameof(q), "Batch·QueryLength·Heads·HeadDim", shape);
        RequireLength(k.Length, shape.KeyValueElements, nameof(k), "Batch·KeyStride·KvHeads·HeadDim", shape);
        RequireLength(v.Length, shape.KeyValueElements, nameof(v), "Batch·KeyStride·KvHeads·HeadDim", shape);
        if (!keyMask.IsEmpty)
            RequireLength(keyMask.Length, shape.MaskElements, nameof(keyMask), "Batch·KeyLength (or empty)", shape);
        RequireLength(probabilities.Length, shape.ProbabilityElements, nameof(probabilities),
            "Batch·Heads·QueryLength·KeyLength, as saved by Forward", shape);
        RequireLength(dq.Length, shape.QueryElements, nameof(dq), "Batch·QueryLength·Heads·HeadDim", shape);
        RequireLength(dk.Length, shape.KeyValueElements, nameof(dk), "Batch·KeyStride·KvHeads·HeadDim", shape);
        RequireLength(dv.Length, shape.KeyValueElements, nameof(dv), "Batch·KeyStride·KvHeads·HeadDim", shape);

        var threads = ComputeSettings.ThreadCount;
        fixed (float* pdo = dOutput, pq = q, pk = k, pv = v, pp = probabilities, pdq = dq, pdk = dk, pdv = dv)
        {
            RunItems(new AttentionBackwardKernel(shape, pdo, pq, pk, pv, pp, pdq, pdk, pdv), threads);
        }
    }

    /// <summary>Runs small calls (a decode step of a short cache) inline, so they neither allocate nor wait on workers.</summary>
    private static void RunItems<TKernel>(TKernel kernel, int threads) where TKernel : struct, IAttentionWorkItems
    {
        if (threads == 1 || kernel.ItemCount == 1 || kernel.Work < ParallelWorkThreshold)
            for (var item = 0; item < kernel.ItemCount; item++)
                kernel.Run(item);
        else
            Parallel.For(0, kernel.ItemCount, new ParallelOptions { MaxDegreeOfParallelism = threads }, kernel.Run);
    }

    private static void RequireLength(int actual, int expected, string name, string formula, in AttentionShape shape)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} elements but {formula} = {expected} for {shape}", name);
    }
}
