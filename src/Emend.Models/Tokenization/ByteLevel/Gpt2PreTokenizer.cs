using System.Globalization;
using System.Text;

namespace Emend.Models.Tokenization;

/// <summary>
/// GPT-2's pre-tokenization, the regex
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>, matched by hand: it needs no
/// allocation per word, and it classifies by code point (a .NET Regex sees UTF-16 units, so a letter outside the
/// BMP would not be <c>\p{L}</c>). <c>\s</c> is the Unicode White_Space property, as in Python's <c>regex</c>
/// module (which, unlike <c>char.IsWhiteSpace</c>, excludes U+001C..U+001F).
/// </summary>
internal static class Gpt2PreTokenizer
{
    private enum CharClass : byte { Other, Letter, Number, Space }

    private static readonly CharClass[] BmpClasses = BuildBmpClasses();

    /// <summary>The length of the pre-token starting at <paramref name="start"/> (which must be inside the text).</summary>
    public static int NextLength(ReadOnlySpan<char> text, int start)
    {
        var first = text[start];
        if (first == '\'' && start + 1 < text.Length)
        {
            var contraction = ContractionLength(text[(start + 1)..]);
            if (contraction > 0) return contraction + 1;
        }

        var cls = Classify(text, start, out var width);
        if (first == ' ' && start + 1 < text.Length)
        {
            var next = Classify(text, start + 1, out _);
            if (next != CharClass.Space) return 1 + RunLength(text, start + 1, next);
        }
        if (cls != CharClass.Space) return RunLength(text, start, cls);

        var end = start + width;
        while (end < text.Length && Classify(text, end, out var w) == CharClass.Space) end += w;
        if (end == text.Length || end - start == 1) return end - start;
        // \s+(?!\S) backtracks one character so that the last space can start the next word (" ?\p{L}+").
        return end - start - 1;
    }

    /// <summary>'s 't 'm 'd are one letter after the apostrophe; 're 've 'll two. Case-sensitive, as in GPT-2.</summary>
    private static int ContractionLength(ReadOnlySpan<char> afterApostrophe)
    {
        if (afterApostrophe.StartsWith("re") || afterApostrophe.StartsWith("ve") || afterApostrophe.StartsWith("ll")) return 2;
        return afterApostrophe[0] is 's' or 't' or 'm' or 'd' ? 1 : 0;
    }

    private static int RunLength(ReadOnlySpan<char> text, int start, CharClass cls)
    {
        var end = start;
        while (end < text.Length && Classify(text, end, out var width) == cls) end += width;
        return end - start;
    }

    private static CharClass Classify(ReadOnlySpan<char> text, int index, out int width)
    {
        var c = text[index];
        if (!char.IsSurrogate(c))
        {
            width = 1;
            return BmpClasses[c];
        }
        if (Rune.DecodeFromUtf16(text[index..], out var rune, out width) != System.Buffers.OperationStatus.Done)
        {
            width = 1;
            return CharClass.Other;
        }
        return FromCategory(Rune.GetUnicodeCategory(rune));
    }

    private static CharClass[] BuildBmpClasses()
    {
        var classes = new CharClass[char.MaxValue + 1];
        for (var c = 0; c <= char.MaxValue; c++)
            classes[c] = char.IsSurrogate((char)c) ? CharClass.Other : FromCategory(CharUnicodeInfo.GetUnicodeCategory((char)c));
        foreach (var space in "\t\n\v\f\r \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000")
            classes[space] = CharClass.Space;
        return classes;
    }

    private static CharClass FromCategory(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharClass.Number,
        _ => CharClass.Other,
    };
}
