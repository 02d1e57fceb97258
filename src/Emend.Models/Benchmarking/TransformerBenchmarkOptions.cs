namespace Emend.Models.Benchmarking;

/// <summary>What <see cref="TransformerBenchmark.Run"/> measures; defaults are the runtime's reference workload.</summary>
public sealed record TransformerBenchmarkOptions
{
    /// <summary>Sequences per forward / forward+backward pass.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Tokens per sequence (logits and loss at every token, as training computes them).</summary>
    public int SequenceLength { get; init; } = 32;

    /// <summary>Prompt tokens before greedy decoding of one sequence.</summary>
    public int PromptLength { get; init; } = 16;

    /// <summary>New tokens decoded with the KV cache.</summary>
    public int DecodeTokens { get; init; } = 128;

    /// <summary>Timed repetitions of each measurement, interleaved; the best is kept.</summary>
    public int Repeat { get; init; } = 3;

    /// <summary>Seeds the random token ids.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Also run one profiled forward and one profiled forward+backward pass (where the time goes).</summary>
    public bool Breakdown { get; init; }

    /// <summary>The SGEMM product measured as the reference rate: C[M×N] = A[M×K]·B[K×N].</summary>
    public (int M, int K, int N) ReferenceShape { get; init; } = (1024, 768, 3072);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(SequenceLength, 2, nameof(SequenceLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(PromptLength, 1, nameof(PromptLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(DecodeTokens, 1, nameof(DecodeTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(Repeat, 1, nameof(Repeat));
        if (ReferenceShape.M < 1 || ReferenceShape.K < 1 || ReferenceShape.N < 1)
            throw new ArgumentOutOfRangeException(nameof(ReferenceShape), ReferenceShape, "every dimension must be at least 1");
    }
}
