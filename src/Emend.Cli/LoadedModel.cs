using Emend.Models.Architecture;
using Emend.Models.Checkpoints;
using Emend.Models.Runtime;
using Emend.Models.Tokenization;

namespace Emend.Cli;

/// <summary>A model and the tokenizer found beside it, as the text commands open them.</summary>
internal sealed class LoadedModel : IDisposable
{
    private LoadedModel(Transformer model, Tokenizer tokenizer)
    {
        Model = model;
        Tokenizer = tokenizer;
    }

    public Transformer Model { get; }

    public Tokenizer Tokenizer { get; }

    /// <summary>Opens <paramref name="path"/> (a model directory or a llama2.c file) and its directory's tokenizer.</summary>
    public static LoadedModel Open(string path, bool float32)
    {
        var directory = File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))! : path;
        var tokenizer = TokenizerLoader.FromDirectory(directory);
        return new LoadedModel(Transformer.Load(path, float32), tokenizer);
    }

    /// <summary>The failures of opening a model that are the user's to fix: reported as a message, not a stack trace.</summary>
    public static bool IsUserError(Exception e) => e is FileNotFoundException or DirectoryNotFoundException or ModelConfigException
        or CheckpointFormatException or TokenizerFormatException or InvalidDataException;

    public void Dispose() => Model.Dispose();
}
