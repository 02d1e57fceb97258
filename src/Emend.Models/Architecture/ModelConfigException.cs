namespace Emend.Models.Architecture;

/// <summary>
/// A model <c>config.json</c> that Emend cannot turn into a <see cref="TransformerSpec"/>: an unsupported model type or
/// option, or a missing or invalid field. The message names the file and the field so the user knows what to fix.
/// </summary>
public sealed class ModelConfigException : Exception
{
    public ModelConfigException(string filePath, string? field, string problem, Exception? innerException = null)
        : base(field is null ? $"{filePath}: {problem}" : $"{filePath}: \"{field}\": {problem}", innerException)
    {
        FilePath = filePath;
        Field = field;
        Problem = problem;
    }

    public string FilePath { get; }

    /// <summary>The offending field, or null when the problem is the file as a whole.</summary>
    public string? Field { get; }

    public string Problem { get; }
}
