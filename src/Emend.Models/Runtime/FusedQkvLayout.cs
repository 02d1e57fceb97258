using Emend.Models.Architecture;

namespace Emend.Models.Runtime;

/// <summary>
/// Moves rows of a fused q/k/v projection to and from separate q, k and v buffers. GPT-2 lays a row out as
/// [all q | all k | all v]; GPT-NeoX as per head [q | k | v]. Weights stay as stored: only activations move.
/// </summary>
internal static class FusedQkvLayout
{
    public static void Split(TransformerSpec spec, ReadOnlySpan<float> fused, Span<float> q, Span<float> k, Span<float> v, int rows)
    {
        var qw = spec.QueryWidth;
        var kw = spec.KvWidth;
        var fw = spec.QueryWidth + 2 * spec.KvWidth;
        var hd = spec.HeadDim;
        for (var r = 0; r < rows; r++)
        {
            var row = fused.Slice(r * fw, fw);
            if (spec.QkvPacking == QkvPacking.FusedPerHead)
            {
                for (var h = 0; h < spec.HeadCount; h++)
                {
                    row.Slice(3 * h * hd, hd).CopyTo(q.Slice(r * qw + h * hd, hd));
                    row.Slice((3 * h + 1) * hd, hd).CopyTo(k.Slice(r * kw + h * hd, hd));
                    row.Slice((3 * h + 2) * hd, hd).CopyTo(v.Slice(r * kw + h * hd, hd));
                }
            }
            else
            {
                row[..qw].CopyTo(q.Slice(r * qw, qw));
                row.Slice(qw, kw).CopyTo(k.Slice(r * kw, kw));
                row.Slice(qw + kw, kw).CopyTo(v.Slice(r * kw, kw));
            }
        }
    }

    /// <summary>The inverse of <see cref="Split"/> (used for gradients).</summary>
    public static void Merge(TransformerSpec spec, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> fused, int rows)
    {
        var qw = spec.QueryWidth;
        var kw = spec.KvWidth;
        var fw = spec.QueryWidth + 2 * spec.KvWidth;
        var hd = spec.HeadDim;
        for (var r = 0; r < rows; r++)
        {
            var row = fused.Slice(r * fw, fw);
            if (spec.QkvPacking == QkvPacking.FusedPerHead)
            {
                for (var h = 0; h < spec.HeadCount; h++)
                {
                    q.Slice(r * qw + h * hd, hd).CopyTo(row.Slice(3 * h * hd, hd));
                    k.Slice(r * kw + h * hd, hd).CopyTo(row.Slice((3 * h + 1) * hd, hd));
                    v.Slice(r * kw + h * hd, hd).CopyTo(row.Slice((3 * h + 2) * hd, hd));
                }
            }
            else
            {
                q.Slice(r * qw, qw).CopyTo(row[..qw]);
                k.Slice(r * kw, kw).CopyTo(row.Slice(qw, kw));
                v.Slice(r * kw, kw).CopyTo(row.Slice(qw + kw, kw));
            }
        }
    }
}
