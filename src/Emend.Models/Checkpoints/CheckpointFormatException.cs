namespace Emend.Models.Checkpoints;

/// <summary>
/// A checkpoint file or directory that breaks the safetensors / sharded-index rules. Every defect found while opening
/// a checkpoint surfaces as this one type, carrying the offending file, so callers can catch a single exception for
/// hostile or damaged input and tell the user which file to fix or re-download.
/// </summary>
public sealed class CheckpointFormatException : Exception
{
    public CheckpointFormatException(string filePath, string problem, Exception? innerException = null)
        : base($"{filePath}: {problem}", innerException)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The file (or directory) that is malformed.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; }
}
