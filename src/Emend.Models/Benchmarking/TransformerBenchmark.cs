using System.Diagnostics;
using Emend.Models.Generation;
using Emend.Models.Runtime;
using Emend.Numerics;

namespace Emend.Models.Benchmarking;

/// <summary>
/// Throughput of the runtime on one model: a batched forward pass, a training step's forward + full backward, and
/// single-sequence KV-cached greedy decoding, each interleaved with an SGEMM of a reference shape so that the
/// achieved GFLOP/s can be read as a fraction of what the GEMM kernels reach in the same conditions. Uses
/// <see cref="ComputeSettings.ThreadCount"/> threads. The passes reuse their logits and gradient arrays, as a
/// training loop does.
/// </summary>
public static class TransformerBenchmark
{
    /// <summary>
    /// The reference product is short (milliseconds) next to a model pass (up to seconds), so one preempted call would
    /// skew the ratio: a burst of calls precedes every model measurement and the best call of all bursts counts.
    /// </summary>
    private const int ReferenceCallsPerRepetition = 3;

    public static TransformerBenchmarkResult Run(Transformer model, string name, TransformerBenchmarkOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var spec = model.Spec;
        if (options.SequenceLength > spec.MaxPositions || options.PromptLength >= spec.MaxPositions)
            throw new ArgumentException($"the model has {spec.MaxPositions} positions: sequences of {options.SequenceLength} and prompts of {options.PromptLength} tokens must fit", nameof(options));

        var random = new SeededRandom(options.Seed);
        var sequences = new int[options.BatchSize][];
        for (var s = 0; s < sequences.Length; s++) sequences[s] = RandomTokens(random, spec.VocabSize, options.SequenceLength + 1);
        var batch = TokenBatch.RightPadded(sequences.Select(t => (IReadOnlyList<int>)t[..^1]).ToArray());
        var targets = sequences.SelectMany(t => t[1..]).ToArray();
        var dLogits = new float[targets.Length * spec.VocabSize];
        IReadOnlyList<int>[] prompt = [RandomTokens(random, spec.VocabSize, options.PromptLength)];
        var decodeTokens = Math.Min(options.DecodeTokens, spec.MaxPositions - options.PromptLength + 1);
        var generation = new GenerationOptions { MaxNewTokens = decodeTokens };
        var (m, k, n) = options.ReferenceShape;
        var a = RandomFloats(random, (long)m * k);
        var b = RandomFloats(random, (long)k * n);
        var c = new float[(long)m * n];

        void Sgemm() => Gemm.Sgemm(Transpose.None, Transpose.None, m, n, k, 1f, a, k, b, n, 0f, c, n);
        var logits = new float[dLogits.Length];
        var gradients = model.CreateGradients(model.Parameters);
        var keep = new ForwardOptions { KeepForBackward = true };
        void Forward() => model.Forward(batch, ForwardOptions.Default, logits);
        void ForwardBackward()
        {
            var result = model.Forward(batch, keep, logits);
            using (new ProfileScope(model.Profile, "loss"))
                LogitLoss.NegativeLogLikelihood(result.Logits, targets, spec.VocabSize, dLogits, 1f / targets.Length);
            using (new ProfileScope(model.Profile, "clear gradients")) gradients.Clear();
            model.Backward(result, dLogits, gradients);
        }
        void Decode() => model.Generate(prompt, generation, cancellationToken);

        Action[] measured = [Forward, ForwardBackward, Decode];
        var best = new double[measured.Length];
        Array.Fill(best, double.MaxValue);
        var bestReference = double.MaxValue;
        Sgemm();
        foreach (var action in measured) action();
        for (var r = 0; r < options.Repeat; r++)
            for (var i = 0; i < measured.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var call = 0; call < ReferenceCallsPerRepetition; call++) bestReference = Math.Min(bestReference, Seconds(Sgemm));
                best[i] = Math.Min(best[i], Seconds(measured[i]));
            }

        var forwardBreakdown = options.Breakdown ? Profile(model, Forward) : null;
        var trainingBreakdown = options.Breakdown ? Profile(model, ForwardBackward) : null;
        var decodeBreakdown = options.Breakdown ? Profile(model, Decode) : null;
        return new TransformerBenchmarkResult(name, model.ParameterCount, ComputeSettings.ThreadCount, options.BatchSize,
            options.SequenceLength, TransformerFlops.ForwardPerToken(spec, options.SequenceLength), 2.0 * m * k * n / bestReference / 1e9,
            best[0], best[1], options.PromptLength, decodeTokens, best[2], forwardBreakdown, trainingBreakdown, decodeBreakdown);
    }

    private static IReadOnlyList<RuntimeProfileSection> Profile(Transformer model, Action pass)
    {
        var previous = model.Profile;
        var profile = new RuntimeProfile();
        model.Profile = profile;
        try
        {
            pass();
        }
        finally
        {
            model.Profile = previous;
        }
        return profile.Sections;
    }

    private static int[] RandomTokens(SeededRandom random, int vocabulary, int count)
    {
        var tokens = new int[count];
        for (var i = 0; i < count; i++) tokens[i] = (int)(random.NextUInt64() % (ulong)vocabulary);
        return tokens;
    }

    private static float[] RandomFloats(SeededRandom random, long count)
    {
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    private static double Seconds(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
