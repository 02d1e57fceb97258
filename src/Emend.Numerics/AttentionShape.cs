namespace Emend.Numerics;

/// <summary>
/// The sizes of one causal self-attention call over a batch of sequences. The queries are the <em>last</em>
/// <see cref="QueryLength"/> positions of each sequence of <see cref="KeyLength"/> keys, so query i sits at key position
/// <c>KeyLength − QueryLength + i</c>: a full-sequence forward has QueryLength == KeyLength, and a decode step against a
/// KV cache has QueryLength = 1 (or a few) and KeyLength = cached tokens + new ones. The key/value rows of one sequence
/// are <see cref="KeyStride"/> rows apart (the cache capacity), so a preallocated cache is read in place.
/// Query head h reads key/value head <c>h / (Heads / KvHeads)</c> (grouped-query attention; KvHeads == Heads is plain
/// multi-head attention).
/// </summary>
public readonly record struct AttentionShape(int Batch, int QueryLength, int KeyLength, int KeyStride, int Heads, int KvHeads, int HeadDim)
{
    /// <summary>The score scale 1/√HeadDim that every architecture here uses.</summary>
    public float Scale => (float)(1.0 / Math.Sqrt(HeadDim));

    /// <summary>Query heads sharing one key/value head.</summary>
    public int GroupSize => Heads / KvHeads;

    /// <summary>Elements of q, the output and dq: [Batch, QueryLength, Heads·HeadDim].</summary>
    public int QueryElements => (int)((long)Batch * QueryLength * Heads * HeadDim);

    /// <summary>Elements of k, v, dk and dv: [Batch, KeyStride, KvHeads·HeadDim].</summary>
    public int KeyValueElements => (int)((long)Batch * KeyStride * KvHeads * HeadDim);

    /// <summary>Elements of the saved probabilities: [Batch, Heads, QueryLength, KeyLength].</summary>
    public int ProbabilityElements => (int)((long)Batch * Heads * QueryLength * KeyLength);

    /// <summary>Elements of a key mask: [Batch, KeyLength].</summary>
    public int MaskElements => Batch * KeyLength;

    /// <summary>Throws <see cref="ArgumentException"/> (parameter "shape") unless the sizes describe a valid call.</summary>
    internal void Validate()
    {
        if (Batch < 1 || QueryLength < 1 || KeyLength < 1 || KeyStride < 1 || Heads < 1 || KvHeads < 1 || HeadDim < 1)
            throw new ArgumentException($"every size must be at least 1: {this}", "shape");
        if (QueryLength > KeyLength)
            throw new ArgumentException($"QueryLength {QueryLength} exceeds KeyLength {KeyLength}: queries are the last positions of the keys", "shape");
        if (KeyLength > KeyStride)
            throw new ArgumentException($"KeyLength {KeyLength} exceeds KeyStride {KeyStride}: the cache holds only KeyStride rows per sequence", "shape");
        if (Heads % KvHeads != 0)
            throw new ArgumentException($"Heads {Heads} is not a multiple of KvHeads {KvHeads}", "shape");
        long largest = Math.Max(Math.Max((long)Batch * QueryLength * Heads * HeadDim, (long)Batch * KeyStride * KvHeads * HeadDim),
            (long)Batch * Heads * QueryLength * KeyLength);
        if (largest > Array.MaxLength)
            throw new ArgumentException($"{this} needs a buffer of {largest} elements, more than one span can hold", "shape");
    }
}
