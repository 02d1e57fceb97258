using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Emend.Models.Tokenization;

/// <summary>
/// The tokenizer of Karpathy's llama2.c (<c>tok*.bin</c>: int32 max token length, then per token a float32 score,
/// an int32 byte length and the bytes). It encodes as llama2.c's <c>encode</c>: a <c>" "</c> dummy-prefix token,
/// each UTF-8 character looked up whole or else spelled as byte tokens (id = byte + 3), then repeated merging of
/// the adjacent pair whose concatenation is the best-scoring token (leftmost on ties), BOS included. Ids 0, 1, 2
/// are UNK, BOS and EOS as in llama2.c. Tokens are kept as bytes (a Latin-1 string here), since llama2.c compares
/// raw bytes.
/// </summary>
public sealed class Llama2cTokenizer : Tokenizer
{
    private const int BosId = 1;
    private const int EosId = 2;
    private const int ByteOffset = 3;

    /// <summary>llama2.c starts its best-score search at -1e10, so no pair scoring lower ever merges.</summary>
    private const float LowestMergeableScore = -1e10f;

    private readonly byte[][] tokenBytes;
    private readonly string[] tokens;
    private readonly float[] scores;
    private readonly Dictionary<string, int> tokenToId = new(StringComparer.Ordinal);
    private readonly BpeMergeTable merges = new();
    private readonly int dummyPrefixId;
    private readonly bool addBos;
    private readonly bool addEos;

    private Llama2cTokenizer(byte[][] tokenBytes, float[] scores, int maxTokenLength, string sourcePath, TokenizerOptions options)
        : base(tokenBytes.Length, new SpecialTokenIds(BosId, EosId, 0, null), [], splitSpecialTokens: true)
    {
        this.tokenBytes = tokenBytes;
        this.scores = scores;
        MaxTokenLength = maxTokenLength;
        tokens = tokenBytes.Select(b => Encoding.Latin1.GetString(b)).ToArray();
        for (var id = 0; id < tokens.Length; id++) tokenToId.TryAdd(tokens[id], id);
        dummyPrefixId = tokenToId.TryGetValue(" ", out var space)
            ? space
            : throw new TokenizerFormatException(sourcePath, "there is no \" \" token, which llama2.c's encode needs for the dummy prefix");
        BuildMerges();
        addBos = options.AddBosToken ?? true;
        addEos = options.AddEosToken ?? false;
    }

    /// <summary>The longest token in bytes, as stored in the file's header.</summary>
    public int MaxTokenLength { get; }

    /// <summary>Reads a llama2.c tokenizer file; the vocabulary size is the number of records in it.</summary>
    /// <exception cref="TokenizerFormatException">The file is truncated or has an impossible length.</exception>
    public static Llama2cTokenizer FromFile(string path, TokenizerOptions? options = null)
    {
        var data = File.ReadAllBytes(path);
        if (data.Length < 4) throw new TokenizerFormatException(path, "shorter than its 4-byte header");
        var maxTokenLength = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (maxTokenLength <= 0) throw new TokenizerFormatException(path, $"max_token_length is {maxTokenLength}");
        var tokenBytes = new List<byte[]>();
        var scores = new List<float>();
        for (var offset = 4; offset < data.Length;)
        {
            if (data.Length - offset < 8) throw new TokenizerFormatException(path, $"token {tokenBytes.Count} is truncated at byte {offset}");
            var score = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(offset));
            var length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(offset + 4));
            offset += 8;
            if (length < 0 || length > maxTokenLength)
                throw new TokenizerFormatException(path, $"token {tokenBytes.Count} has length {length}, outside 0..{maxTokenLength}");
            if (data.Length - offset < length) throw new TokenizerFormatException(path, $"token {tokenBytes.Count} is truncated at byte {offset}");
            tokenBytes.Add(data.AsSpan(offset, length).ToArray());
            scores.Add(score);
            offset += length;
        }
        if (tokenBytes.Count < ByteOffset + 256)
            throw new TokenizerFormatException(path, $"has {tokenBytes.Count} tokens; llama2.c needs UNK, BOS, EOS and the 256 byte tokens");
        return new Llama2cTokenizer([.. tokenBytes], [.. scores], maxTokenLength, path, options ?? new TokenizerOptions());
    }

    /// <summary>The merge score of each token.</summary>
    public IReadOnlyList<float> Scores => scores;

    public override string? IdToToken(int id) => (uint)id < (uint)tokens.Length ? Encoding.UTF8.GetString(tokenBytes[id]) : null;

    public override int? TokenToId(string token) => tokenToId.TryGetValue(Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(token)), out var id) ? id : null;

    private protected override void EncodeCore(ReadOnlySpan<char> text, List<int> ids, bool addSpecialTokens)
    {
        var utf8 = new byte[Encoding.UTF8.GetByteCount(text)];
        Encoding.UTF8.GetBytes(text, utf8);
        var symbols = ArrayPool<int>.Shared.Rent(utf8.Length + 2);
        try
        {
            var count = 0;
            if (addSpecialTokens && addBos) symbols[count++] = BosId;
            if (utf8.Length > 0) symbols[count++] = dummyPrefixId;
            for (var start = 0; start < utf8.Length;)
            {
                var length = 1;
                while (start + length < utf8.Length && (utf8[start + length] & 0xC0) == 0x80 && length < 4) length++;
                if (tokenToId.TryGetValue(Encoding.Latin1.GetString(utf8, start, length), out var id))
                {
                    symbols[count++] = id;
                }
                else
                {
                    for (var i = 0; i < length; i++) symbols[count++] = utf8[start + i] + ByteOffset;
                }
                start += length;
            }
            count = BpeMerger.Merge(symbols.AsSpan(0, count), merges);
            ids.AddRange(symbols.AsSpan(0, count));
            if (addSpecialTokens && addEos) ids.Add(EosId);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(symbols);
        }
    }

    /// <summary>
    /// llama2.c's <c>decode</c> applied to each token: a token after BOS loses its leading space, and
    /// <c>&lt;0xXX&gt;</c> tokens stand for their byte. The bytes are then read as UTF-8 (invalid sequences become
    /// U+FFFD). Skipped special tokens still count as the "previous token" for the space rule.
    /// </summary>
    private protected override string DecodeCore(ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        var bytes = new List<byte>();
        var previous = -1;
        foreach (var id in ids)
        {
            if (!(skipSpecialTokens && IsSpecialToken(id)))
            {
                var piece = tokenBytes[id].AsSpan();
                if (previous == BosId && piece.Length > 0 && piece[0] == (byte)' ') piece = piece[1..];
                var value = DecoderStep.ParseBytePiece(tokens[id]);
                if (value >= 0) bytes.Add((byte)value);
                else bytes.AddRange(piece);
            }
            previous = id;
        }
        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }

    /// <summary>Every split of a token into two tokens, ranked by the whole token's score (llama2.c's lookup of the concatenation).</summary>
    private void BuildMerges()
    {
        var ranks = BpeMergeTable.RanksByDescendingScore(scores);
        var lookup = tokenToId.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var (token, id) in tokenToId)
        {
            if (scores[id] <= LowestMergeableScore) continue;
            var rule = new MergeRule(ranks[scores[id]], id);
            for (var split = 1; split < token.Length; split++)
                if (lookup.TryGetValue(token.AsSpan(0, split), out var left) && lookup.TryGetValue(token.AsSpan(split), out var right))
                    merges.Set(left, right, rule);
        }
    }
}
