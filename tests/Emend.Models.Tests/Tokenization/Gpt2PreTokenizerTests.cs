using Emend.Models.Tokenization;

namespace Emend.Models.Tests.Tokenization;

/// <summary>
/// The hand-written GPT-2 split against Python's <c>regex</c> module (<c>pat.findall(s)</c> with GPT-2's pattern;
/// the expected lists were printed by it), on the places where Unicode classes or backtracking matter.
/// </summary>
public class Gpt2PreTokenizerTests
{
    public static TheoryData<string, string[]> PythonRegexSplits() => new()
    {
        { "\U0001D400\U0001D401 bold", ["\U0001D400\U0001D401", " bold"] },
        { "a\u001Cb c", ["a", "\u001C", "b", " c"] },
        { "x\u00A0\u00A0y", ["x", "\u00A0", "\u00A0", "y"] },
        { "  hi", [" ", " hi"] },
        { "hi  ", ["hi", "  "] },
        { "a\n\nb", ["a", "\n", "\n", "b"] },
        { "I'M he's 'sun", ["I", "'", "M", " he", "'s", " '", "sun"] },
        { "\u0663\u0664 \u2167x", ["\u0663\u0664", " \u2167", "x"] },
        { "\U0001F642\U0001F642 ok", ["\U0001F642\U0001F642", " ok"] },
        { "a\u180Eb", ["a", "\u180E", "b"] },
        { "x \u3000 y", ["x", " \u3000", " y"] },
        { "\u00B2\u00BD!?", ["\u00B2\u00BD", "!?"] },
    };

    [Theory]
    [MemberData(nameof(PythonRegexSplits))]
    public void SplitsAsPythonRegex(string text, string[] expected)
    {
        var words = new List<string>();
        for (var start = 0; start < text.Length;)
        {
            var length = Gpt2PreTokenizer.NextLength(text, start);
            words.Add(text.Substring(start, length));
            start += length;
        }
        Assert.Equal(expected, words);
    }
}
