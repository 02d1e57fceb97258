using System.Buffers;
using System.Numerics.Tensors;

namespace Emend.Numerics;

/// <summary>
/// The backward of <see cref="AttentionForwardKernel"/> from the saved probabilities P. Per query row:
/// dV_j += P_j·dO, dP_j = dO·V_j, dS_j = P_j(dP_j − Σ_l P_l dP_l), dQ = scale·Σ_j dS_j K_j, dK_j += scale·dS_j·Q.
/// A work item owns one (sequence, key/value head) and walks every query head of its group, so the gradients of a
/// shared key/value head are summed without locks or per-thread copies.
/// </summary>
internal readonly unsafe struct AttentionBackwardKernel : IAttentionWorkItems
{
    private const int StackRowLimit = 4096;

    private readonly AttentionShape _shape;
    private readonly float* _dOutput, _q, _k, _v, _probabilities, _dq, _dk, _dv;

    public AttentionBackwardKernel(in AttentionShape shape, float* dOutput, float* q, float* k, float* v,
        float* probabilities, float* dq, float* dk, float* dv)
    {
        _shape = shape;
        _dOutput = dOutput;
        _q = q;
        _k = k;
        _v = v;
        _probabilities = probabilities;
        _dq = dq;
        _dk = dk;
        _dv = dv;
    }

    public int ItemCount => _shape.Batch * _shape.KvHeads;

    public long Work => (long)_shape.Batch * _shape.Heads * _shape.QueryLength * _shape.KeyLength * _shape.HeadDim * 4;

    public void Run(int item)
    {
        var keyLength = _shape.KeyLength;
        float[]? rented = null;
        Span<float> scratch = keyLength <= StackRowLimit
            ? stackalloc float[keyLength]
            : rented = ArrayPool<float>.Shared.Rent(keyLength);
        try
        {
            fixed (float* dScores = scratch)
                RunGroup(item / _shape.KvHeads, item % _shape.KvHeads, dScores);
        }
        finally
        {
            if (rented != null) ArrayPool<float>.Shared.Return(rented);
        }
    }

    private void RunGroup(int batch, int kvHead, float* dScores)
    {
        var s = _shape;
        var d = s.HeadDim;
        var qRowWidth = s.Heads * d;
        var kvRowWidth = s.KvHeads * d;
        var kvOffset = ((nint)batch * s.KeyStride * s.KvHeads + kvHead) * d;
        var keys = _k + kvOffset;
        var values = _v + kvOffset;
        var dKeys = _dk + kvOffset;
        var dValues = _dv + kvOffset;
        for (var j = 0; j < s.KeyStride; j++)
        {
            new Span<float>(dKeys + (nint)j * kvRowWidth, d).Clear();
            new Span<float>(dValues + (nint)j * kvRowWidth, d).Clear();
        }

        var scale = s.Scale;
        for (var head = kvHead * s.GroupSize; head < (kvHead + 1) * s.GroupSize; head++)
            for (var i = 0; i < s.QueryLength; i++)
            {
                var rowOffset = ((nint)batch * s.QueryLength + i) * qRowWidth + (nint)head * d;
                var dOut = _dOutput + rowOffset;
                var query = _q + rowOffset;
                var p = _probabilities + (((nint)batch * s.Heads + head) * s.QueryLength + i) * s.KeyLength;
                var visible = s.KeyLength - s.QueryLength + i + 1;

                AttentionRowMath.DotRows(dOut, values, kvRowWidth, visible, d, 1f, dScores);
                var probs = new ReadOnlySpan<float>(p, visible);
                var dRow = new Span<float>(dScores, visible);
                var expected = TensorPrimitives.Dot(probs, dRow);
                TensorPrimitives.Subtract(dRow, expected, dRow);
                TensorPrimitives.Multiply(dRow, probs, dRow);
                TensorPrimitives.Multiply(dRow, scale, dRow);

                AttentionRowMath.WeightedRowSum(dScores, keys, kvRowWidth, visible, d, _dq + rowOffset);
                for (var j = 0; j < visible; j++)
                {
                    if (p[j] == 0) continue;
                    AttentionRowMath.AddScaled(dValues + (nint)j * kvRowWidth, dOut, p[j], d);
                    AttentionRowMath.AddScaled(dKeys + (nint)j * kvRowWidth, query, dScores[j], d);
                }
            }
    }
}
