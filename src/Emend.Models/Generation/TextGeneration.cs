using Emend.Models.Runtime;

namespace Emend.Models.Generation;

/// <summary>
/// KV-cached decoding for a batch of prompts. Prompts of different lengths are padded on the left and the padding is
/// masked, so all sequences take their next token in the same step; positions count from each prompt's first token,
/// which makes a sequence's output independent of the others in its batch. After the prefill each step runs one
/// row per sequence and allocates nothing.
/// </summary>
public static class TextGeneration
{
    public static GenerationResult Generate(this Transformer model, IReadOnlyList<IReadOnlyList<int>> prompts,
        GenerationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxNewTokens);
        options.Sampling.Validate();
        var batch = TokenBatch.LeftPadded(prompts);
        var spec = model.Spec;
        var b = batch.BatchSize;
        var promptLength = batch.Length;
        var capacity = promptLength + Math.Max(options.MaxNewTokens - 1, 0);
        if (model.PositionEmbedding is { } table && capacity > table.Rows)
            throw new ArgumentException($"prompt of {promptLength} tokens plus {options.MaxNewTokens} new ones exceeds the model's {table.Rows} positions", nameof(options));

        var tokens = new List<int>[b];
        var stepLogits = options.ReturnStepLogits ? new List<float>[b] : null;
        var samplers = new TokenSampler[b];
        var stopped = new bool[b];
        for (var s = 0; s < b; s++)
        {
            tokens[s] = new List<int>(options.MaxNewTokens);
            if (stepLogits is not null) stepLogits[s] = [];
            samplers[s] = new TokenSampler(options.Sampling, spec.VocabSize, s);
        }
        if (options.MaxNewTokens == 0) return Result(tokens, stepLogits, stopped);

        var cache = new KeyValueCache();
        cache.Reset(spec.LayerCount, b, capacity, spec.KvWidth);
        var fullMask = batch.KeyMask is null ? null : new byte[b * capacity];
        var stepMask = batch.KeyMask is null ? null : new byte[b * capacity];
        if (fullMask is not null)
            for (var s = 0; s < b; s++)
            {
                batch.KeyMask.AsSpan(s * promptLength, promptLength).CopyTo(fullMask.AsSpan(s * capacity));
                fullMask.AsSpan(s * capacity + promptLength, capacity - promptLength).Fill(1);
            }

        var rows = new int[b];
        for (var s = 0; s < b; s++) rows[s] = s * promptLength + promptLength - 1;
        model.RunDecodeStep(new Transformer.StepInput(batch.Ids, batch.Positions, b, promptLength, Mask(promptLength)), cache);
        var ids = new int[b];
        var positions = new int[b];
        var remaining = b;
        for (var step = 0; ; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var logits = model.LogitsWorkspace(b);
            model.ComputeLogits(rows, logits);
            for (var s = 0; s < b; s++)
            {
                if (stopped[s]) continue;
                var row = logits.Slice(s * spec.VocabSize, spec.VocabSize);
                var next = samplers[s].Next(row);
                tokens[s].Add(next);
                stepLogits?[s].AddRange(row);
                ids[s] = next;
                if (options.StopTokens.Contains(next))
                {
                    stopped[s] = true;
                    remaining--;
                }
            }
            if (step + 1 == options.MaxNewTokens || remaining == 0) break;
            for (var s = 0; s < b; s++)
            {
                positions[s] = batch.Lengths[s] + step;
                rows[s] = s;
            }
            model.RunDecodeStep(new Transformer.StepInput(ids, positions, b, 1, Mask(cache.Length + 1)), cache);
        }
        return Result(tokens, stepLogits, stopped);

        // The key mask of a pass over keyLength keys: [batch, keyLength], packed from the full-capacity mask.
        ReadOnlySpan<byte> Mask(int keyLength)
        {
            if (fullMask is null) return default;
            for (var s = 0; s < b; s++)
                fullMask.AsSpan(s * capacity, keyLength).CopyTo(stepMask.AsSpan(s * keyLength, keyLength));
            return stepMask.AsSpan(0, b * keyLength);
        }
    }

    private static GenerationResult Result(List<int>[] tokens, List<float>[]? stepLogits, bool[] stopped) =>
        new(tokens.Select(t => t.ToArray()).ToArray(), stepLogits?.Select(l => l.ToArray()).ToArray(), stopped);
}
