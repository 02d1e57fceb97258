using System.Text;

namespace Emend.Models.Tokenization;

/// <summary>
/// HF's <c>clean_up_tokenization</c>: removes the space that word-level tokenizers of old put before punctuation
/// and English contractions. The replacements run in HF's order, each over the whole text.
/// </summary>
internal static class TokenizationSpaces
{
    private static readonly (string From, string To)[] Replacements =
    [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
        (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ];

    public static string CleanUp(string text)
    {
        if (!text.Contains(' ')) return text;
        var builder = new StringBuilder(text);
        foreach (var (from, to) in Replacements) builder.Replace(from, to);
        return builder.ToString();
    }
}
