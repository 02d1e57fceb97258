using Emend.Models.Runtime;

namespace Emend.Models.Benchmarking;

/// <summary>
/// Best-of-N timings of one model and the SGEMM reference rate measured in the same run (interleaved with the
/// model's passes), so that the fractions stay meaningful on a busy machine where absolute rates do not.
/// </summary>
/// <param name="Model">A label for the model.</param>
/// <param name="ParameterCount">Stored elements (a tied head counted once).</param>
/// <param name="Threads">Compute threads used.</param>
/// <param name="BatchSize">Sequences per pass.</param>
/// <param name="SequenceLength">Tokens per sequence.</param>
/// <param name="ForwardFlopsPerToken">See <see cref="TransformerFlops.ForwardPerToken"/>.</param>
/// <param name="ReferenceGflops">Best SGEMM rate on <see cref="TransformerBenchmarkOptions.ReferenceShape"/>.</param>
/// <param name="ForwardSeconds">Best forward pass (logits at every token).</param>
/// <param name="ForwardBackwardSeconds">Best forward pass kept for backward, NLL at every token, and backward to every parameter.</param>
/// <param name="DecodePromptLength">Prompt tokens of the decode measurement.</param>
/// <param name="DecodeTokens">New tokens of the decode measurement.</param>
/// <param name="DecodeSeconds">Best greedy decode of one sequence, prefill included.</param>
/// <param name="ForwardBreakdown">Sections of one profiled forward pass, when requested.</param>
/// <param name="ForwardBackwardBreakdown">Sections of one profiled forward+backward pass, when requested.</param>
/// <param name="DecodeBreakdown">Sections of one profiled decode, when requested.</param>
public sealed record TransformerBenchmarkResult(
    string Model, long ParameterCount, int Threads, int BatchSize, int SequenceLength, double ForwardFlopsPerToken,
    double ReferenceGflops, double ForwardSeconds, double ForwardBackwardSeconds,
    int DecodePromptLength, int DecodeTokens, double DecodeSeconds,
    IReadOnlyList<RuntimeProfileSection>? ForwardBreakdown, IReadOnlyList<RuntimeProfileSection>? ForwardBackwardBreakdown,
    IReadOnlyList<RuntimeProfileSection>? DecodeBreakdown)
{
    public int Tokens => BatchSize * SequenceLength;

    public double ForwardTokensPerSecond => Tokens / ForwardSeconds;

    public double ForwardBackwardTokensPerSecond => Tokens / ForwardBackwardSeconds;

    public double ForwardGflops => ForwardFlopsPerToken * Tokens / ForwardSeconds / 1e9;

    public double ForwardBackwardGflops => 3 * ForwardFlopsPerToken * Tokens / ForwardBackwardSeconds / 1e9;

    /// <summary>Achieved forward GFLOP/s as a fraction of the SGEMM reference rate.</summary>
    public double ForwardFractionOfSgemm => ForwardGflops / ReferenceGflops;

    public double ForwardBackwardFractionOfSgemm => ForwardBackwardGflops / ReferenceGflops;

    public double DecodeTokensPerSecond => DecodeTokens / DecodeSeconds;
}
