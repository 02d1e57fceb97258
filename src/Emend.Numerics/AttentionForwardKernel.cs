using System.Buffers;
using System.Numerics.Tensors;

namespace Emend.Numerics;

/// <summary>
/// One causal attention forward over pinned buffers, split into independent work items of (sequence, head, block of
/// queries) so that a batch of one sequence (decoding) still spreads over the threads. Each query row is computed
/// from its own keys only, so a row comes out the same whether it was part of a full-sequence call or a decode step.
/// </summary>
internal readonly unsafe struct AttentionForwardKernel : IAttentionWorkItems
{
    private const int StackScoresLimit = 4096;

    private readonly AttentionShape _shape;
    private readonly float* _q, _k, _v, _output, _probabilities;
    private readonly byte* _keyMask;
    private readonly int _queryBlocks, _queryBlockSize;

    /// <summary>Pointers are the pinned spans of <see cref="CausalAttention.Forward"/>; probabilities and keyMask are null when absent.</summary>
    public AttentionForwardKernel(in AttentionShape shape, float* q, float* k, float* v, byte* keyMask, float* output,
        float* probabilities, int threads)
    {
        _shape = shape;
        _q = q;
        _k = k;
        _v = v;
        _keyMask = keyMask;
        _output = output;
        _probabilities = probabilities;
        var headItems = shape.Batch * shape.Heads;
        var blocksWanted = Math.Clamp(4 * threads / headItems, 1, shape.QueryLength);
        _queryBlockSize = (shape.QueryLength + blocksWanted - 1) / blocksWanted;
        _queryBlocks = (shape.QueryLength + _queryBlockSize - 1) / _queryBlockSize;
    }

    public int ItemCount => _shape.Batch * _shape.Heads * _queryBlocks;

    public long Work => (long)_shape.Batch * _shape.Heads * _shape.QueryLength * _shape.KeyLength * _shape.HeadDim * 2;

    public void Run(int item)
    {
        var s = _shape;
        var block = item % _queryBlocks;
        var head = item / _queryBlocks % s.Heads;
        var batch = item / _queryBlocks / s.Heads;
        var firstQuery = block * _queryBlockSize;
        var endQuery = Math.Min(firstQuery + _queryBlockSize, s.QueryLength);

        float[]? rented = null;
        var scratchLength = _probabilities == null ? s.KeyLength : 0;
        Span<float> scratch = scratchLength <= StackScoresLimit
            ? stackalloc float[scratchLength]
            : rented = ArrayPool<float>.Shared.Rent(scratchLength);
        try
        {
            fixed (float* scratchRow = scratch)
                RunQueries(batch, head, firstQuery, endQuery, scratchRow);
        }
        finally
        {
            if (rented != null) ArrayPool<float>.Shared.Return(rented);
        }
    }

    private void RunQueries(int batch, int head, int firstQuery, int endQuery, float* scratchRow)
    {
        var s = _shape;
        var qRowWidth = s.Heads * s.HeadDim;
        var kvRowWidth = s.KvHeads * s.HeadDim;
        var kvOffset = ((nint)batch * s.KeyStride * s.KvHeads + head / s.GroupSize) * s.HeadDim;
        var keys = _k + kvOffset;
        var values = _v + kvOffset;
        var mask = _keyMask == null ? null : _keyMask + (nint)batch * s.KeyLength;
        var scale = s.Scale;
        for (var i = firstQuery; i < endQuery; i++)
        {
            var rowOffset = ((nint)batch * s.QueryLength + i) * qRowWidth + (nint)head * s.HeadDim;
            var output = _output + rowOffset;
            var scores = _probabilities == null
                ? scratchRow
                : _probabilities + (((nint)batch * s.Heads + head) * s.QueryLength + i) * s.KeyLength;
            var visible = s.KeyLength - s.QueryLength + i + 1;

            AttentionRowMath.DotRows(_q + rowOffset, keys, kvRowWidth, visible, s.HeadDim, scale, scores);
            if (mask != null)
                for (var j = 0; j < visible; j++)
                    if (mask[j] == 0) scores[j] = float.NegativeInfinity;
            if (_probabilities != null)
                new Span<float>(scores + visible, s.KeyLength - visible).Clear();

            var row = new Span<float>(scores, visible);
            var max = TensorPrimitives.Max(row);
            if (float.IsNegativeInfinity(max))
            {
                row.Clear();
                new Span<float>(output, s.HeadDim).Clear();
                continue;
            }
            TensorPrimitives.Subtract(row, max, row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Multiply(row, 1f / TensorPrimitives.Sum(row), row);
            AttentionRowMath.WeightedRowSum(scores, values, kvRowWidth, visible, s.HeadDim, output);
        }
    }
}
