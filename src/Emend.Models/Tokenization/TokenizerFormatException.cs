namespace Emend.Models.Tokenization;

/// <summary>
/// A tokenizer file that cannot be used: malformed (truncated protobuf, bad JSON, a merge naming a token that is not in
/// the vocabulary) or using a feature Emend does not implement. The message names the file and the problem so that
/// the user can fix or replace the file rather than debug a wrong tokenization later.
/// </summary>
public sealed class TokenizerFormatException : Exception
{
    public TokenizerFormatException(string filePath, string problem, Exception? innerException = null)
        : base($"{filePath}: {problem}", innerException)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The file that was being read.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it, without the file name.</summary>
    public string Problem { get; }
}
