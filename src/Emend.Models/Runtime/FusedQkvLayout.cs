using Emend.Models.Architecture;

namespace Emend.Models.Runtime;

/// <summary>
/// Moves rows of a fused q/k/v projection to and from separate q, k and v buffers. GPT-2 lays a row out as
/// [all q | all k | all v]; GPT-NeoX as per head [q | k | v]. Weights stay as stored: only activations move.
/// </summary>
internal sealed class FusedQkvLayout(TransformerSpec spec)
{
    private readonly Segment[] _segments = Segments(spec).ToArray();

    public void Split(ReadOnlySpan<float> fused, Span<float> q, Span<float> k, Span<float> v, int rows)
    {
        foreach (var s in _segments)
            for (var r = 0; r < rows; r++)
                fused.Slice(r * s.FusedWidth + s.FusedOffset, s.Length)
                    .CopyTo(Part(s.Part, q, k, v).Slice(r * s.PartWidth + s.PartOffset, s.Length));
    }

    /// <summary>The inverse of <see cref="Split"/> (used for gradients).</summary>
    public void Merge(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> fused, int rows)
    {
        foreach (var s in _segments)
            for (var r = 0; r < rows; r++)
                Part(s.Part, q, k, v).Slice(r * s.PartWidth + s.PartOffset, s.Length)
                    .CopyTo(fused.Slice(r * s.FusedWidth + s.FusedOffset, s.Length));
    }

    /// <summary>A contiguous run of one row: where it sits in the fused row and in q (0), k (1) or v (2).</summary>
    private readonly record struct Segment(int FusedWidth, int FusedOffset, int Part, int PartWidth, int PartOffset, int Length);

    private static IEnumerable<Segment> Segments(TransformerSpec spec)
    {
        var qw = spec.QueryWidth;
        var kw = spec.KvWidth;
        var fw = qw + 2 * kw;
        if (spec.QkvPacking != QkvPacking.FusedPerHead)
        {
            yield return new Segment(fw, 0, 0, qw, 0, qw);
            yield return new Segment(fw, qw, 1, kw, 0, kw);
            yield return new Segment(fw, qw + kw, 2, kw, 0, kw);
            yield break;
        }
        var hd = spec.HeadDim;
        for (var h = 0; h < spec.HeadCount; h++)
            for (var part = 0; part < 3; part++)
                yield return new Segment(fw, (3 * h + part) * hd, part, part == 0 ? qw : kw, h * hd, hd);
    }

    private static Span<float> Part(int part, Span<float> q, Span<float> k, Span<float> v) => part switch { 0 => q, 1 => k, _ => v };

    private static ReadOnlySpan<float> Part(int part, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v) => part switch { 0 => q, 1 => k, _ => v };
}
