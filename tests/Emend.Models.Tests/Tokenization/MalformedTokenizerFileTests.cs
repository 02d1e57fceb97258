using Emend.Models.Tokenization;
using Emend.Tests;

namespace Emend.Models.Tests.Tokenization;

/// <summary>Every format rejects broken files with a <see cref="TokenizerFormatException"/> that names the file and the problem.</summary>
public class MalformedTokenizerFileTests
{
    private const string Merges = "#version: 0.2\na b\n";

    [Theory]
    [InlineData("{\"a\": 0, \"b\": ", Merges, "vocab.json", "invalid JSON")]
    [InlineData("[\"a\", \"b\"]", Merges, "vocab.json", "expected a JSON object")]
    [InlineData("{\"a\": -1, \"b\": 1, \"ab\": 2}", Merges, "vocab.json", "non-negative integer id")]
    [InlineData("{\"a\": 0, \"b\": 0, \"ab\": 2}", Merges, "vocab.json", "id 0 is given to both 'a' and 'b'")]
    [InlineData("{\"a\": 0, \"b\": 1, \"ab\": 2}", "#version: 0.2\na b c\n", "merges.txt", "line 2: expected two tokens")]
    [InlineData("{\"a\": 0, \"b\": 1}", Merges, "merges.txt", "line 2: merge 'a b' needs 'ab', which is not in the vocabulary")]
    [InlineData("{\"a\": 0, \"b\": 1, \"ab\": 2}", "#version: 0.2\na c\n", "merges.txt", "needs 'c'")]
    public void VocabAndMerges(string vocab, string merges, string badFile, string problem)
    {
        using var directory = new TemporaryDirectory();
        var error = Assert.Throws<TokenizerFormatException>(() =>
            HfBpeTokenizer.FromVocabAndMerges(directory.File("vocab.json", vocab), directory.File("merges.txt", merges)));
        Assert.EndsWith(badFile, error.FilePath);
        Assert.Contains(problem, error.Problem);
    }

    [Theory]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []", "invalid JSON")]
    [InlineData("{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}", "model type 'Unigram'")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"merges\": []}}", "missing object 'vocab'")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [\"a b\"]}, \"pre_tokenizer\": null}", "model.merges[0]: merge 'a b' needs 'ab'")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}, \"normalizer\": {\"type\": \"NFKC\"}}", "normalizer 'NFKC'")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [42]}}", "model.merges[0]: expected a string or a pair")]
    public void TokenizerJson(string json, string problem)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("tokenizer.json", json);
        var error = Assert.Throws<TokenizerFormatException>(() => HfBpeTokenizer.FromTokenizerJson(path));
        Assert.Equal(path, error.FilePath);
        Assert.Contains(problem, error.Problem);
    }

    [SkippableFact]
    public void TruncatedSentencePieceModel()
    {
        var bytes = File.ReadAllBytes(SharedData.Require(TokenizerFixtures.LlamaModel));
        using var directory = new TemporaryDirectory();
        var path = directory.File("tokenizer.model", bytes[..(bytes.Length - 100)]);
        var error = Assert.Throws<TokenizerFormatException>(() => SentencePieceBpeTokenizer.FromFile(path));
        Assert.Equal(path, error.FilePath);
        Assert.Contains("truncated protobuf", error.Problem);
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01 }, "truncated protobuf")]
    [InlineData(new byte[] { 0x0A, 0x02, 0x0A }, "truncated protobuf")]
    [InlineData(new byte[] { 0x0B, 0x00 }, "wire type")]
    [InlineData(new byte[] { }, "no pieces")]
    [InlineData(new byte[] { 0x0A, 0x04, 0x0A, 0x02, 0xC3, 0x28 }, "invalid UTF-8")]
    public void CorruptSentencePieceModel(byte[] bytes, string problem)
    {
        var error = Assert.Throws<TokenizerFormatException>(() => SentencePieceModel.Parse(bytes, "corrupt.model"));
        Assert.Equal("corrupt.model", error.FilePath);
        Assert.Contains(problem, error.Problem);
    }

    [Fact]
    public void UnigramSentencePieceModelIsReportedAsUnsupported()
    {
        var model = SmallSentencePieceModelTests.Model(modelType: 1);
        var error = Assert.Throws<TokenizerFormatException>(() => SentencePieceBpeTokenizer.FromModel(model));
        Assert.Contains("model_type Unigram", error.Problem);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0 }, "shorter than its 4-byte header")]
    [InlineData(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, (byte)'a' }, "token 0 is truncated")]
    [InlineData(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF }, "token 0 has length -1")]
    [InlineData(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, (byte)'a' }, "llama2.c needs UNK, BOS, EOS and the 256 byte tokens")]
    public void BrokenLlama2cFile(byte[] bytes, string problem)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("tok8.bin", bytes);
        var error = Assert.Throws<TokenizerFormatException>(() => Llama2cTokenizer.FromFile(path));
        Assert.Equal(path, error.FilePath);
        Assert.Contains(problem, error.Problem);
    }

    [Theory]
    [InlineData("tokenizer_config.json", "{\"bos_token\": ", "invalid JSON")]
    [InlineData("tokenizer_config.json", "{\"add_bos_token\": \"yes\"}", "'add_bos_token' must be true or false")]
    [InlineData("special_tokens_map.json", "{\"bos_token\": 7}", "bos_token must be a string or an object")]
    [InlineData("tokenizer_config.json", "{\"bos_token\": \"<bos>\"}", "the BOS token '<bos>' is neither in the vocabulary nor an added token")]
    public void BrokenConfigFiles(string file, string contents, string problem)
    {
        using var directory = new TemporaryDirectory();
        directory.File("vocab.json", "{\"a\": 0, \"b\": 1, \"ab\": 2}");
        directory.File("merges.txt", Merges);
        directory.File(file, contents);
        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.FromDirectory(directory.Path));
        Assert.Contains(problem, error.Problem);
    }
}
