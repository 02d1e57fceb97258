using System.CommandLine;
using System.Text.Json;
using Emend.Models.Tokenization;

namespace Emend.Cli;

/// <summary><c>emend tokenize --tokenizer DIR [--json] TEXT</c>: shows the ids and token strings of a text.</summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var tokenizer = new Option<DirectoryInfo>("--tokenizer") { Description = "Directory with tokenizer.json, tokenizer.model, vocab.json + merges.txt or a llama2.c tok*.bin", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var noSpecial = new Option<bool>("--no-special-tokens") { Description = "Do not add BOS/EOS" };
        var splitSpecial = new Option<bool>("--split-special-tokens") { Description = "Encode special tokens in the text (e.g. <|endoftext|>) as plain text" };
        var text = new Argument<string>("text") { Description = "The text to encode" };
        var command = new Command("tokenize", "Encode a text and show its token ids and strings, and the decoding of the ids");
        command.Options.Add(tokenizer);
        command.Options.Add(json);
        command.Options.Add(noSpecial);
        command.Options.Add(splitSpecial);
        command.Arguments.Add(text);
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            Tokenizer loaded;
            try
            {
                loaded = TokenizerLoader.FromDirectory(
                    parseResult.GetValue(tokenizer)!.FullName,
                    new TokenizerOptions { SplitSpecialTokens = parseResult.GetValue(splitSpecial) ? true : null });
            }
            catch (Exception e) when (e is TokenizerFormatException or FileNotFoundException or DirectoryNotFoundException)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            var tokens = loaded.EncodeToTokens(parseResult.GetValue(text)!, addSpecialTokens: !parseResult.GetValue(noSpecial));
            var ids = tokens.Select(t => t.Id).ToArray();
            var decoded = loaded.Decode(ids);
            if (parseResult.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    tokenizer = loaded.GetType().Name,
                    vocabularySize = loaded.VocabularySize,
                    ids,
                    tokens = tokens.Select(t => t.Value),
                    decoded,
                }, CliJson.Options));
                return 0;
            }
            output.WriteLine($"tokenizer  {loaded.GetType().Name}, vocabulary {loaded.VocabularySize}");
            output.WriteLine($"ids        [{string.Join(", ", ids)}]");
            for (var i = 0; i < tokens.Count; i++)
                output.WriteLine($"{i,6} {tokens[i].Id,8}  {Quote(tokens[i].Value)}");
            output.WriteLine($"decoded    {Quote(decoded)}");
            return 0;
        });
        return command;
    }

    /// <summary>Quotes a string for the terminal, escaping only what would be invisible or ambiguous.</summary>
    private static string Quote(string value)
    {
        var builder = new System.Text.StringBuilder("\"");
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }
        return builder.Append('"').ToString();
    }
}
