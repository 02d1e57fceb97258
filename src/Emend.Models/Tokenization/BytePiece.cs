using System.Globalization;

namespace Emend.Models.Tokenization;

/// <summary>
/// The <c>&lt;0xXX&gt;</c> tokens that spell one UTF-8 byte (sentencepiece byte fallback, HF <c>ByteFallback</c>,
/// llama2.c), in the one spelling all three use: two upper-case hex digits.
/// </summary>
internal static class BytePiece
{
    public static string Format(int value) => $"<0x{value:X2}>";

    /// <summary>The byte a token stands for, or -1 when it is not a byte piece.</summary>
    public static int Parse(string token) =>
        token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
        && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value : -1;
}
