namespace Emend.Models.Runtime;

/// <summary>
/// Token ids of a batch of sequences laid out as [BatchSize, Length] rows (row = sequence·Length + position), with the
/// position id of every row and, when padding sits where real tokens could see it, a key mask. Right padding needs
/// no mask: attention is causal, so padding after the last real token never reaches a real position. Left padding
/// (used to decode prompts of different lengths together) masks the padding keys and counts positions from each
/// sequence's first real token.
/// </summary>
public sealed class TokenBatch
{
    private TokenBatch(int batchSize, int length, int[] ids, int[] positions, int[] lengths, int[] offsets, byte[]? keyMask)
    {
        BatchSize = batchSize;
        Length = length;
        Ids = ids;
        Positions = positions;
        Lengths = lengths;
        Offsets = offsets;
        KeyMask = keyMask;
    }

    public int BatchSize { get; }

    /// <summary>Padded length of every sequence.</summary>
    public int Length { get; }

    public int RowCount => BatchSize * Length;

    /// <summary>Token id of each row ([BatchSize·Length]).</summary>
    public int[] Ids { get; }

    /// <summary>Position id of each row (0 for padding).</summary>
    public int[] Positions { get; }

    /// <summary>Number of real tokens of each sequence.</summary>
    public int[] Lengths { get; }

    /// <summary>Index of each sequence's first real token (its amount of left padding).</summary>
    public int[] Offsets { get; }

    /// <summary>[BatchSize·Length], 1 = real token; null when no real token can see padding.</summary>
    public byte[]? KeyMask { get; }

    /// <summary>The row of real token <paramref name="position"/> of sequence <paramref name="sequence"/>.</summary>
    public int Row(int sequence, int position)
    {
        if ((uint)sequence >= (uint)BatchSize) throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"batch has {BatchSize} sequences");
        if ((uint)position >= (uint)Lengths[sequence])
            throw new ArgumentOutOfRangeException(nameof(position), position, $"sequence {sequence} has {Lengths[sequence]} tokens");
        return sequence * Length + Offsets[sequence] + position;
    }

    /// <summary>The row of the last real token of <paramref name="sequence"/>.</summary>
    public int LastRow(int sequence) => Row(sequence, Lengths[sequence] - 1);

    /// <summary>Sequences padded on the right with <paramref name="padId"/>; positions are 0..n−1.</summary>
    public static TokenBatch RightPadded(IReadOnlyList<IReadOnlyList<int>> sequences, int padId = 0) =>
        Build(sequences, padId, leftPadded: false);

    /// <summary>Sequences padded on the left, with a key mask, so that all of them end at the same row (for decoding).</summary>
    public static TokenBatch LeftPadded(IReadOnlyList<IReadOnlyList<int>> sequences, int padId = 0) =>
        Build(sequences, padId, leftPadded: true);

    private static TokenBatch Build(IReadOnlyList<IReadOnlyList<int>> sequences, int padId, bool leftPadded)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0) throw new ArgumentException("a batch needs at least one sequence", nameof(sequences));
        var length = 0;
        for (var s = 0; s < sequences.Count; s++)
        {
            if (sequences[s] is null || sequences[s].Count == 0)
                throw new ArgumentException($"sequence {s} is empty: every sequence needs at least one token", nameof(sequences));
            length = Math.Max(length, sequences[s].Count);
        }
        var batch = sequences.Count;
        var ids = new int[checked(batch * length)];
        var positions = new int[ids.Length];
        var lengths = new int[batch];
        var offsets = new int[batch];
        var needsMask = false;
        Array.Fill(ids, padId);
        for (var s = 0; s < batch; s++)
        {
            var seq = sequences[s];
            lengths[s] = seq.Count;
            offsets[s] = leftPadded ? length - seq.Count : 0;
            needsMask |= offsets[s] > 0;
            for (var t = 0; t < seq.Count; t++)
            {
                if (seq[t] < 0) throw new ArgumentOutOfRangeException(nameof(sequences), seq[t], $"sequence {s} has a negative token id at {t}");
                ids[s * length + offsets[s] + t] = seq[t];
                positions[s * length + offsets[s] + t] = t;
            }
        }
        byte[]? mask = null;
        if (needsMask)
        {
            mask = new byte[ids.Length];
            for (var s = 0; s < batch; s++)
                mask.AsSpan(s * length + offsets[s], lengths[s]).Fill(1);
        }
        return new TokenBatch(batch, length, ids, positions, lengths, offsets, mask);
    }
}
