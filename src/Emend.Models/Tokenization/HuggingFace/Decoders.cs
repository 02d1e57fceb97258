using System.Text;

namespace Emend.Models.Tokenization;

/// <summary>A step of an HF <c>decoder</c>: rewrites the list of token strings on the way back to text.</summary>
internal abstract record DecoderStep
{
    public abstract void Apply(List<string> tokens);

    /// <summary>The <c>&lt;0xXX&gt;</c> byte piece value, or -1.</summary>
    public static int ParseBytePiece(string token) =>
        token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
        && byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var value)
            ? value : -1;
}

/// <summary>
/// HF <c>ByteLevel</c>: maps every token's characters back to bytes (a token with a character outside the
/// alphabet contributes its own UTF-8 instead) and decodes all bytes at once, invalid sequences becoming U+FFFD
/// per maximal invalid subsequence, as Python's <c>errors="replace"</c> and Rust's <c>from_utf8_lossy</c> do.
/// </summary>
internal sealed record ByteLevelDecoder : DecoderStep
{
    public override void Apply(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            var start = bytes.Count;
            foreach (var c in token)
            {
                if (ByteLevelAlphabet.TryGetByte(c, out var b))
                {
                    bytes.Add(b);
                    continue;
                }
                bytes.RemoveRange(start, bytes.Count - start);
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
                break;
            }
        }
        tokens.Clear();
        tokens.Add(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)));
    }
}

/// <summary>HF <c>Replace</c> decoder with a literal pattern, per token (Llama-2: <c>▁</c> → space).</summary>
internal sealed record ReplaceDecoder(string Pattern, string Content) : DecoderStep
{
    public override void Apply(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++) tokens[i] = tokens[i].Replace(Pattern, Content, StringComparison.Ordinal);
    }
}

/// <summary>
/// HF <c>ByteFallback</c>: each run of <c>&lt;0xXX&gt;</c> tokens becomes its UTF-8 text; a run that is not valid
/// UTF-8 becomes one U+FFFD per byte (HF's rule, coarser than sentencepiece's per-character one).
/// </summary>
internal sealed record ByteFallbackDecoder : DecoderStep
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public override void Apply(List<string> tokens)
    {
        var output = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (var token in tokens)
        {
            var value = ParseBytePiece(token);
            if (value >= 0)
            {
                pending.Add((byte)value);
                continue;
            }
            Flush(pending, output);
            output.Add(token);
        }
        Flush(pending, output);
        tokens.Clear();
        tokens.AddRange(output);
    }

    private static void Flush(List<byte> pending, List<string> output)
    {
        if (pending.Count == 0) return;
        try
        {
            output.Add(Strict.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending)));
        }
        catch (DecoderFallbackException)
        {
            for (var i = 0; i < pending.Count; i++) output.Add("\uFFFD");
        }
        pending.Clear();
    }
}

/// <summary>HF <c>Fuse</c>: concatenates all tokens into one.</summary>
internal sealed record FuseDecoder : DecoderStep
{
    public override void Apply(List<string> tokens)
    {
        var fused = string.Concat(tokens);
        tokens.Clear();
        tokens.Add(fused);
    }
}

/// <summary>HF <c>Strip</c>: removes up to <paramref name="Start"/> leading and <paramref name="Stop"/> trailing <paramref name="Content"/> characters of each token.</summary>
internal sealed record StripDecoder(char Content, int Start, int Stop) : DecoderStep
{
    public override void Apply(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var begin = 0;
            while (begin < Start && begin < token.Length && token[begin] == Content) begin++;
            var end = token.Length;
            while (token.Length - end < Stop && end > begin && token[end - 1] == Content) end--;
            tokens[i] = token[begin..end];
        }
    }
}

/// <summary>
/// HF <c>Metaspace</c> decoder: markers become spaces, except that in the first token every marker is dropped when
/// a prefix was being prepended (HF's rule, which also eats a second leading marker).
/// </summary>
internal sealed record MetaspaceDecoder(char Replacement, bool PrefixWasPrepended) : DecoderStep
{
    public override void Apply(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var dropMarkers = i == 0 && PrefixWasPrepended;
            tokens[i] = dropMarkers ? tokens[i].Replace(Replacement.ToString(), string.Empty, StringComparison.Ordinal) : tokens[i].Replace(Replacement, ' ');
        }
    }
}
