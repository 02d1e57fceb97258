namespace Emend.Models.Llama2c;

/// <summary>
/// The 28-byte header of a llama2.c checkpoint (<c>run.c</c>'s Config): seven little-endian int32s. A negative
/// vocabulary size marks a separate classifier matrix at the end of the file (an untied head).
/// </summary>
public sealed record Llama2cHeader(int Dim, int HiddenDim, int Layers, int Heads, int KvHeads, int VocabSize, int SequenceLength, bool SharedClassifier)
{
    public const int ByteLength = 7 * sizeof(int);

    public int HeadDim => Dim / Heads;

    public int KvDim => KvHeads * HeadDim;

    /// <summary>Number of float32 values after the header, including run.c's unused RoPE tables.</summary>
    public long FloatCount
    {
        get
        {
            long perLayer = 2L * Dim + (long)Dim * Dim * 2 + 2L * Dim * KvDim + 3L * Dim * HiddenDim;
            long total = (long)VocabSize * Dim + Layers * perLayer + Dim + (long)SequenceLength * HeadDim;
            return SharedClassifier ? total : total + (long)VocabSize * Dim;
        }
    }

    public long FileLength => ByteLength + FloatCount * sizeof(float);

    /// <summary>Parses and sanity-checks a header; null when the bytes cannot be a llama2.c header.</summary>
    public static Llama2cHeader? TryParse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < ByteLength) return null;
        Span<int> v = stackalloc int[7];
        for (var i = 0; i < 7; i++) v[i] = BitConverter.ToInt32(bytes.Slice(4 * i, 4));
        var vocab = v[5];
        var header = new Llama2cHeader(v[0], v[1], v[2], v[3], v[4], Math.Abs(vocab), v[6], vocab > 0);
        var plausible = header.Dim > 0 && header.HiddenDim > 0 && header.Layers > 0 && header.Heads > 0 && header.KvHeads > 0
            && header.VocabSize > 0 && header.SequenceLength > 0 && header.Dim % header.Heads == 0
            && header.Heads % header.KvHeads == 0 && header.HeadDim % 2 == 0;
        return plausible ? header : null;
    }
}
