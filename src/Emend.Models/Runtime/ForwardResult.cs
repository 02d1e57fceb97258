namespace Emend.Models.Runtime;

/// <summary>The outputs of <see cref="Transformer.Forward(TokenBatch, ForwardOptions)"/>; the arrays belong to the caller.</summary>
public sealed class ForwardResult
{
    internal ForwardResult(TokenBatch batch, int[] logitRows, float[] logits, int vocabulary, float[][]? hiddenStates, float[][] captures, long generation)
    {
        Batch = batch;
        LogitRows = logitRows;
        Logits = logits;
        Vocabulary = vocabulary;
        HiddenStates = hiddenStates;
        Captures = captures;
        Generation = generation;
    }

    public TokenBatch Batch { get; }

    /// <summary>The batch row of each logits row.</summary>
    public int[] LogitRows { get; }

    /// <summary>[LogitRows.Length, Vocabulary] row-major.</summary>
    public float[] Logits { get; }

    public int Vocabulary { get; }

    /// <summary>Layers+2 arrays of [RowCount, Hidden] when requested, else null.</summary>
    public float[][]? HiddenStates { get; }

    /// <summary>One array per requested capture, [capture rows, width], in request order.</summary>
    public float[][] Captures { get; }

    /// <summary>Identifies the forward pass whose saved activations a backward pass may use.</summary>
    internal long Generation { get; }

    /// <summary>The logits of logits row <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> LogitsRow(int index) => Logits.AsSpan(index * Vocabulary, Vocabulary);
}
