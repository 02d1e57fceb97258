using System.Buffers;
using System.Runtime.CompilerServices;

namespace Emend.Numerics;

/// <summary>
/// The backward of <see cref="AttentionForwardKernel"/> from the saved probabilities P, in two passes per
/// (sequence, key/value head). Rows first: dP_j = dO·V_j, dS_j = scale·P_j(dP_j − Σ_l P_l dP_l), dQ = Σ_j dS_j K_j.
/// Then columns: dV_j = Σ_i P_ij dO_i and dK_j = Σ_i dS_ij Q_i, summed over every query head of the group, so each
/// key's gradient is built in registers and written once instead of being read and rewritten by every query. One
/// work item owns a key/value head, so grouped heads need no locks or per-thread copies.
/// </summary>
internal readonly unsafe struct AttentionBackwardKernel : IAttentionWorkItems
{
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

    [SkipLocalsInit]
    public void Run(int item)
    {
        var s = _shape;
        var groupRows = s.GroupSize * s.QueryLength;
        var scoresLength = groupRows * s.KeyLength;
        var pack = groupRows >= AttentionRowMath.PackMinimumReuse && s.Heads > 1;
        var length = scoresLength + (pack ? 2 * (s.KeyLength + groupRows) * s.HeadDim : 0);
        float[]? rented = null;
        Span<float> scratch = length <= AttentionRowMath.StackScratchLimit
            ? stackalloc float[length]
            : rented = ArrayPool<float>.Shared.Rent(length);
        try
        {
            fixed (float* buffer = scratch)
            {
                var rows = GroupRows.InPlace(this, item / s.KvHeads, item % s.KvHeads);
                if (pack) rows = rows.PackedInto(buffer + scoresLength);
                QueryRows(rows, buffer);
                KeyColumns(rows, buffer);
            }
        }
        finally
        {
            if (rented != null) ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>Fills dScores [group heads, QueryLength, KeyLength] (visible keys only) and writes dq.</summary>
    private void QueryRows(in GroupRows rows, float* dScores)
    {
        var s = _shape;
        var scale = s.Scale;
        for (var g = 0; g < s.GroupSize; g++)
            for (var i = 0; i < s.QueryLength; i++)
            {
                var head = rows.FirstHead + g;
                var p = _probabilities + (((nint)rows.Batch * s.Heads + head) * s.QueryLength + i) * s.KeyLength;
                var dRowStart = dScores + ((nint)g * s.QueryLength + i) * s.KeyLength;
                var visible = s.KeyLength - s.QueryLength + i + 1;

                AttentionRowMath.DotRows(rows.DOutput(g, i), rows.Values, rows.KeyStride, visible, s.HeadDim, 1f, dRowStart);
                AttentionRowMath.SoftmaxBackwardInPlace(dRowStart, p, visible, scale);
                var dq = _dq + ((nint)rows.Batch * s.QueryLength + i) * s.Heads * s.HeadDim + (nint)head * s.HeadDim;
                AttentionRowMath.WeightedRowSum(dRowStart, 1, rows.Keys, rows.KeyStride, visible, s.HeadDim, dq, accumulate: false);
            }
    }

    /// <summary>Writes dk and dv of every cache row of this key/value head (zero past KeyLength).</summary>
    private void KeyColumns(in GroupRows rows, float* dScores)
    {
        var s = _shape;
        var d = s.HeadDim;
        var kvRowWidth = s.KvHeads * d;
        var kvOffset = ((nint)rows.Batch * s.KeyStride * s.KvHeads + rows.KvHead) * d;
        var firstQueryPosition = s.KeyLength - s.QueryLength;
        for (var j = 0; j < s.KeyLength; j++)
        {
            var dKey = _dk + kvOffset + (nint)j * kvRowWidth;
            var dValue = _dv + kvOffset + (nint)j * kvRowWidth;
            var firstQuery = Math.Max(0, j - firstQueryPosition);
            var queries = s.QueryLength - firstQuery;
            for (var g = 0; g < s.GroupSize; g++)
            {
                var column = ((nint)g * s.QueryLength + firstQuery) * s.KeyLength + j;
                var pColumn = _probabilities + (((nint)rows.Batch * s.Heads + rows.FirstHead + g) * s.QueryLength + firstQuery) * s.KeyLength + j;
                var accumulate = g != 0;
                AttentionRowMath.WeightedRowSum(pColumn, s.KeyLength, rows.DOutput(g, firstQuery), rows.QueryStride, queries, d, dValue, accumulate);
                AttentionRowMath.WeightedRowSum(dScores + column, s.KeyLength, rows.Query(g, firstQuery), rows.QueryStride, queries, d, dKey, accumulate);
            }
        }
        for (var j = s.KeyLength; j < s.KeyStride; j++)
        {
            new Span<float>(_dk + kvOffset + (nint)j * kvRowWidth, d).Clear();
            new Span<float>(_dv + kvOffset + (nint)j * kvRowWidth, d).Clear();
        }
    }

    /// <summary>
    /// Where one work item reads its rows: K/V of its key/value head and q/dOutput of the query heads in its group,
    /// either in place (strided by the full row width) or packed contiguously into scratch, because both passes re-read
    /// them many times and the in-place stride maps them onto a few cache sets.
    /// </summary>
    private readonly struct GroupRows
    {
        private readonly AttentionShape _shape;
        private readonly float* _queries, _dOutputs;
        private readonly int _headStride;

        private GroupRows(in AttentionShape shape, int batch, int kvHead, float* keys, float* values, int keyStride,
            float* queries, float* dOutputs, int queryStride, int headStride)
        {
            _shape = shape;
            Batch = batch;
            KvHead = kvHead;
            Keys = keys;
            Values = values;
            KeyStride = keyStride;
            _queries = queries;
            _dOutputs = dOutputs;
            QueryStride = queryStride;
            _headStride = headStride;
        }

        public int Batch { get; }

        public int KvHead { get; }

        public int FirstHead => KvHead * _shape.GroupSize;

        public float* Keys { get; }

        public float* Values { get; }

        public int KeyStride { get; }

        /// <summary>Floats from the q/dOutput row of query i to that of query i + 1 within one head.</summary>
        public int QueryStride { get; }

        public float* Query(int groupHead, int i) => _queries + (nint)groupHead * _headStride + (nint)i * QueryStride;

        public float* DOutput(int groupHead, int i) => _dOutputs + (nint)groupHead * _headStride + (nint)i * QueryStride;

        public static GroupRows InPlace(in AttentionBackwardKernel kernel, int batch, int kvHead)
        {
            var s = kernel._shape;
            var kvOffset = ((nint)batch * s.KeyStride * s.KvHeads + kvHead) * s.HeadDim;
            var queryOffset = ((nint)batch * s.QueryLength * s.Heads + kvHead * s.GroupSize) * s.HeadDim;
            return new GroupRows(s, batch, kvHead, kernel._k + kvOffset, kernel._v + kvOffset, s.KvHeads * s.HeadDim,
                kernel._q + queryOffset, kernel._dOutput + queryOffset, s.Heads * s.HeadDim, s.HeadDim);
        }

        /// <summary>Copies the rows into buffer (2·(KeyLength + GroupSize·QueryLength)·HeadDim floats).</summary>
        public GroupRows PackedInto(float* buffer)
        {
            var s = _shape;
            var d = s.HeadDim;
            var keys = AttentionRowMath.PackRows(Keys, KeyStride, s.KeyLength, d, buffer);
            var values = AttentionRowMath.PackRows(Values, KeyStride, s.KeyLength, d, keys + (nint)s.KeyLength * d);
            var queries = values + (nint)s.KeyLength * d;
            var dOutputs = queries + (nint)s.GroupSize * s.QueryLength * d;
            for (var g = 0; g < s.GroupSize; g++)
            {
                AttentionRowMath.PackRows(Query(g, 0), QueryStride, s.QueryLength, d, queries + (nint)g * s.QueryLength * d);
                AttentionRowMath.PackRows(DOutput(g, 0), QueryStride, s.QueryLength, d, dOutputs + (nint)g * s.QueryLength * d);
            }
            return new GroupRows(s, Batch, KvHead, keys, values, d, queries, dOutputs, d, s.QueryLength * d);
        }
    }
}
