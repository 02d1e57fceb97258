using System.Buffers;
using System.Runtime.CompilerServices;

namespace Emend.Numerics;

/// <summary>
/// One causal attention forward over pinned buffers, split into independent work items of (sequence, head, block of
/// queries) so that a batch of one sequence (decoding) still spreads over the threads. An item with enough queries
/// first copies its head's keys and values into contiguous scratch: in place they sit KvHeads·HeadDim floats apart, a
/// stride that maps the rows onto few cache sets, and re-reading them for every query then thrashes the caches.
/// Each query row is computed from its own keys only, so a row comes out the same whether it was part of a
/// full-sequence call or a decode step.
/// </summary>
internal readonly unsafe struct AttentionForwardKernel : IAttentionWorkItems
{
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

    [SkipLocalsInit]
    public void Run(int item)
    {
        var s = _shape;
        var block = item % _queryBlocks;
        var head = item / _queryBlocks % s.Heads;
        var batch = item / _queryBlocks / s.Heads;
        var firstQuery = block * _queryBlockSize;
        var endQuery = Math.Min(firstQuery + _queryBlockSize, s.QueryLength);
        var keyCount = s.KeyLength - s.QueryLength + endQuery;
        var scoresLength = _probabilities == null ? s.KeyLength : 0;
        var packs = endQuery - firstQuery >= AttentionRowMath.PackMinimumReuse && s.KvHeads > 1;
        var packLength = packs ? 2 * keyCount * s.HeadDim : 0;

        float[]? rented = null;
        var length = scoresLength + packLength;
        Span<float> scratch = length <= AttentionRowMath.StackScratchLimit
            ? stackalloc float[length]
            : rented = ArrayPool<float>.Shared.Rent(length);
        try
        {
            fixed (float* buffer = scratch)
            {
                var kvOffset = ((nint)batch * s.KeyStride * s.KvHeads + head / s.GroupSize) * s.HeadDim;
                var keys = _k + kvOffset;
                var values = _v + kvOffset;
                var stride = s.KvHeads * s.HeadDim;
                if (packLength > 0)
                {
                    keys = AttentionRowMath.PackRows(keys, stride, keyCount, s.HeadDim, buffer + scoresLength);
                    values = AttentionRowMath.PackRows(values, stride, keyCount, s.HeadDim, keys + (nint)keyCount * s.HeadDim);
                    stride = s.HeadDim;
                }
                RunQueries(batch, head, firstQuery, endQuery, keys, values, stride, buffer);
            }
        }
        finally
        {
            if (rented != null) ArrayPool<float>.Shared.Return(rented);
        }
    }

    private void RunQueries(int batch, int head, int firstQuery, int endQuery, float* keys, float* values, int stride, float* scratchRow)
    {
        var s = _shape;
        var qRowWidth = s.Heads * s.HeadDim;
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

            AttentionRowMath.DotRows(_q + rowOffset, keys, stride, visible, s.HeadDim, scale, scores);
            if (mask != null)
                for (var j = 0; j < visible; j++)
                    if (mask[j] == 0) scores[j] = float.NegativeInfinity;
            if (_probabilities != null)
                new Span<float>(scores + visible, s.KeyLength - visible).Clear();

            if (!AttentionRowMath.SoftmaxInPlace(scores, visible))
            {
                new Span<float>(output, s.HeadDim).Clear();
                continue;
            }
            AttentionRowMath.WeightedRowSum(scores, 1, values, stride, visible, s.HeadDim, output, accumulate: false);
        }
    }
}
