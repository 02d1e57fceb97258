using System.Text.Encodings.Web;
using System.Text.Json;
using Emend.Models.Tokenization;

namespace Emend.Models.Tests.Tokenization;

/// <summary>
/// Writes <c>tokenizer.json</c> files in HF's schema from original tokenizer files, as HF's converters produce them:
/// GPT-2 (ByteLevel pre-tokenizer, post-processor and decoder) and Llama-2 (<c>LlamaConverter</c>: Prepend +
/// Replace normalizer, BPE with byte fallback whose merges are every split of a piece into two pieces, ordered by the
/// piece's score, a BOS template and the Replace/ByteFallback/Fuse/Strip decoder).
/// </summary>
internal static class HfTokenizerJsonWriter
{
    private static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteGpt2(string vocabPath, string mergesPath, string outputPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(vocabPath));
        var merges = File.ReadAllLines(mergesPath).Skip(1).Where(l => l.Length > 0).ToArray();
        Write(outputPath, writer =>
        {
            WriteAddedTokens(writer, [("<|endoftext|>", 50256)], normalized: true);
            writer.WriteNull("normalizer");
            writer.WriteStartObject("pre_tokenizer");
            writer.WriteString("type", "ByteLevel");
            writer.WriteBoolean("add_prefix_space", false);
            writer.WriteBoolean("trim_offsets", true);
            writer.WriteBoolean("use_regex", true);
            writer.WriteEndObject();
            WriteByteLevel(writer, "post_processor");
            WriteByteLevel(writer, "decoder");
            writer.WriteStartObject("model");
            writer.WriteString("type", "BPE");
            writer.WriteNull("dropout");
            writer.WriteNull("unk_token");
            writer.WriteString("continuing_subword_prefix", "");
            writer.WriteString("end_of_word_suffix", "");
            writer.WriteBoolean("fuse_unk", false);
            writer.WriteBoolean("byte_fallback", false);
            writer.WritePropertyName("vocab");
            document.RootElement.WriteTo(writer);
            writer.WriteStartArray("merges");
            foreach (var merge in merges) writer.WriteStringValue(merge);
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <param name="model">The sentencepiece model whose pieces become the vocabulary and merges.</param>
    /// <param name="outputPath">The tokenizer.json to write.</param>
    /// <param name="metaspace">Write the newer form (no normalizer, a Metaspace pre-tokenizer with prepend_scheme
    /// "first") instead of Llama-2's Prepend + Replace normalizer.</param>
    public static void WriteLlama(SentencePieceModel model, string outputPath, bool metaspace)
    {
        var pieces = model.Pieces;
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < pieces.Count; id++) ids[pieces[id].Piece] = id;
        var merges = new List<(string Left, string Right, float Score)>();
        foreach (var piece in pieces)
        {
            var local = new List<(string, string, float)>();
            for (var split = 1; split < piece.Piece.Length; split++)
            {
                if (char.IsLowSurrogate(piece.Piece[split])) continue;
                var (left, right) = (piece.Piece[..split], piece.Piece[split..]);
                if (ids.ContainsKey(left) && ids.ContainsKey(right)) local.Add((left, right, piece.Score));
            }
            merges.AddRange(local.OrderBy(m => ids[m.Item1]).ThenBy(m => ids[m.Item2]));
        }
        var ordered = merges.OrderByDescending(m => m.Score).ToList();

        Write(outputPath, writer =>
        {
            WriteAddedTokens(writer, [("<unk>", 0), ("<s>", 1), ("</s>", 2)], normalized: false);
            if (metaspace)
            {
                writer.WriteNull("normalizer");
                writer.WriteStartObject("pre_tokenizer");
                writer.WriteString("type", "Metaspace");
                writer.WriteString("replacement", "▁");
                writer.WriteString("prepend_scheme", "first");
                writer.WriteBoolean("split", false);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteStartObject("normalizer");
                writer.WriteString("type", "Sequence");
                writer.WriteStartArray("normalizers");
                writer.WriteStartObject();
                writer.WriteString("type", "Prepend");
                writer.WriteString("prepend", "▁");
                writer.WriteEndObject();
                WriteReplace(writer, " ", "▁");
                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteNull("pre_tokenizer");
            }
            writer.WriteStartObject("post_processor");
            writer.WriteString("type", "TemplateProcessing");
            writer.WriteStartArray("single");
            writer.WriteStartObject();
            writer.WriteStartObject("SpecialToken");
            writer.WriteString("id", "<s>");
            writer.WriteNumber("type_id", 0);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartObject();
            writer.WriteStartObject("Sequence");
            writer.WriteString("id", "A");
            writer.WriteNumber("type_id", 0);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteStartObject("special_tokens");
            writer.WriteStartObject("<s>");
            writer.WriteString("id", "<s>");
            writer.WriteStartArray("ids");
            writer.WriteNumberValue(1);
            writer.WriteEndArray();
            writer.WriteStartArray("tokens");
            writer.WriteStringValue("<s>");
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartObject("decoder");
            writer.WriteString("type", "Sequence");
            writer.WriteStartArray("decoders");
            WriteReplace(writer, "▁", " ");
            writer.WriteStartObject();
            writer.WriteString("type", "ByteFallback");
            writer.WriteEndObject();
            writer.WriteStartObject();
            writer.WriteString("type", "Fuse");
            writer.WriteEndObject();
            writer.WriteStartObject();
            writer.WriteString("type", "Strip");
            writer.WriteString("content", " ");
            writer.WriteNumber("start", 1);
            writer.WriteNumber("stop", 0);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteStartObject("model");
            writer.WriteString("type", "BPE");
            writer.WriteNull("dropout");
            writer.WriteString("unk_token", "<unk>");
            writer.WriteNull("continuing_subword_prefix");
            writer.WriteNull("end_of_word_suffix");
            writer.WriteBoolean("fuse_unk", true);
            writer.WriteBoolean("byte_fallback", true);
            writer.WriteStartObject("vocab");
            for (var id = 0; id < pieces.Count; id++) writer.WriteNumber(pieces[id].Piece, id);
            writer.WriteEndObject();
            writer.WriteStartArray("merges");
            foreach (var (left, right, _) in ordered) writer.WriteStringValue($"{left} {right}");
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static void Write(string path, Action<Utf8JsonWriter> body)
    {
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, Options);
        writer.WriteStartObject();
        writer.WriteString("version", "1.0");
        writer.WriteNull("truncation");
        writer.WriteNull("padding");
        body(writer);
        writer.WriteEndObject();
    }

    private static void WriteAddedTokens(Utf8JsonWriter writer, (string Content, int Id)[] tokens, bool normalized)
    {
        writer.WriteStartArray("added_tokens");
        foreach (var (content, id) in tokens)
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("content", content);
            writer.WriteBoolean("single_word", false);
            writer.WriteBoolean("lstrip", false);
            writer.WriteBoolean("rstrip", false);
            writer.WriteBoolean("normalized", normalized);
            writer.WriteBoolean("special", true);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteByteLevel(Utf8JsonWriter writer, string property)
    {
        writer.WriteStartObject(property);
        writer.WriteString("type", "ByteLevel");
        writer.WriteBoolean("add_prefix_space", true);
        writer.WriteBoolean("trim_offsets", true);
        writer.WriteBoolean("use_regex", true);
        writer.WriteEndObject();
    }

    private static void WriteReplace(Utf8JsonWriter writer, string pattern, string content)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Replace");
        writer.WriteStartObject("pattern");
        writer.WriteString("String", pattern);
        writer.WriteEndObject();
        writer.WriteString("content", content);
        writer.WriteEndObject();
    }
}
