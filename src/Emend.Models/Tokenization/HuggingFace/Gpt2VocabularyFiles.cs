namespace Emend.Models.Tokenization;

/// <summary>
/// Reads the original GPT-2 pair of files: <c>vocab.json</c> (token → id) and <c>merges.txt</c> (a
/// <c>#version</c> line, then one merge "left right" per line, best first), the format of HF's slow
/// <c>GPT2Tokenizer</c>.
/// </summary>
internal static class Gpt2VocabularyFiles
{
    private const string EndOfText = "<|endoftext|>";

    public static HfBpeDefinition Read(string vocabPath, string mergesPath, TokenizerConfig config)
    {
        var vocabulary = HfJson.ReadVocabulary(HfJson.ReadObject(vocabPath), vocabPath);
        var (pairs, lineNumbers) = ReadMergeLines(mergesPath);
        var merges = BpeMergeTable.FromRankedPairs(pairs, vocabulary, mergesPath, rank => $"line {lineNumbers[rank]}");
        var endOfText = vocabulary.ContainsKey(EndOfText) ? new SpecialTokenSpec(EndOfText) : null;
        return new HfBpeDefinition
        {
            SourcePath = vocabPath,
            Vocabulary = vocabulary,
            Merges = merges,
            PreTokenizer = new ByteLevelPreTokenizer(config.AddPrefixSpace ?? false, UseRegex: true),
            Decoders = [new ByteLevelDecoder()],
            DefaultBos = endOfText,
            DefaultEos = endOfText,
            DefaultUnknown = endOfText,
        };
    }

    private static (List<(string, string)> Pairs, List<int> LineNumbers) ReadMergeLines(string path)
    {
        var pairs = new List<(string, string)>();
        var lineNumbers = new List<int>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal))) continue;
            var parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new TokenizerFormatException(path, $"line {lineNumber}: expected two tokens separated by one space, found '{line}'");
            pairs.Add((parts[0], parts[1]));
            lineNumbers.Add(lineNumber);
        }
        return (pairs, lineNumbers);
    }
}
