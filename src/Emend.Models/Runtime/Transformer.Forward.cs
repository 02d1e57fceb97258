using System.Numerics.Tensors;
using Emend.Models.Architecture;
using Emend.Numerics;

namespace Emend.Models.Runtime;

public sealed partial class Transformer
{
    private readonly KeyValueCache _transientCache = new();
    private LayerActivations[] _activations = [];
    private float[][] _hidden = [];
    private float[] _finalNormed = [];
    private float[] _finalMean = [];
    private float[] _finalRstd = [];
    private float[] _logitInput = [];
    private float[] _logits = [];
    private float[] _positionRow = [];
    private long _forwardGeneration;
    private SavedForward? _saved;

    /// <summary>What a backward pass needs to know about the forward pass whose activations are kept.</summary>
    private sealed record SavedForward(long Generation, TokenBatch Batch, int[] LogitRows, IReadOnlyList<Intervention> Interventions);

    /// <summary>
    /// Runs the batch through the model. Padding rows produce values too, but they never influence real rows
    /// (right padding is after every real token; left padding is masked).
    /// </summary>
    public ForwardResult Forward(TokenBatch batch, ForwardOptions? options = null) => Forward(batch, options, logits: null);

    /// <summary>
    /// As <see cref="Forward(TokenBatch, ForwardOptions?)"/>, writing the logits into <paramref name="logits"/>, which
    /// becomes the result's <see cref="ForwardResult.Logits"/>. Repeated passes (training steps, benchmarks) reuse one
    /// array this way: a fresh array of [rows, vocabulary] floats per pass (206 MB for GPT-2 at 1024 rows) costs
    /// page faults that can take longer than the LM-head GEMM that fills it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="logits"/> does not have exactly [logits rows, vocabulary] elements.</exception>
    public ForwardResult Forward(TokenBatch batch, ForwardOptions? options, float[]? logits)
    {
        ArgumentNullException.ThrowIfNull(batch);
        options ??= ForwardOptions.Default;
        ValidateForward(batch, options);
        var rows = options.LogitRows?.ToArray() ?? Enumerable.Range(0, batch.RowCount).ToArray();
        var logitElements = checked(rows.Length * _spec.VocabSize);
        if (logits is not null && logits.Length != logitElements)
            throw new ArgumentException($"the logits buffer has {logits.Length} elements; {rows.Length} rows of {_spec.VocabSize} need {logitElements}", nameof(logits));
        var keepLayers = options.KeepForBackward;
        var keepHidden = keepLayers || options.HiddenStates;
        _transientCache.Reset(_spec.LayerCount, batch.BatchSize, batch.Length, _spec.KvWidth);
        var captures = AllocateCaptures(options.Captures);
        var step = new StepInput(batch.Ids, batch.Positions, batch.BatchSize, batch.Length, batch.KeyMask);
        RunModel(step, _transientCache, keepLayers, keepHidden, options.Interventions, options.Captures, captures);

        logits ??= GC.AllocateUninitializedArray<float>(logitElements);
        ComputeLogits(rows, logits);

        float[][]? hidden = null;
        if (options.HiddenStates)
        {
            var n = batch.RowCount * _spec.HiddenSize;
            hidden = new float[_spec.LayerCount + 2][];
            for (var l = 0; l <= _spec.LayerCount; l++) hidden[l] = _hidden[l].AsSpan(0, n).ToArray();
            hidden[_spec.LayerCount + 1] = _finalNormed.AsSpan(0, n).ToArray();
        }
        var generation = ++_forwardGeneration;
        _saved = keepLayers ? new SavedForward(generation, batch, rows, options.Interventions) : null;
        return new ForwardResult(batch, rows, logits, _spec.VocabSize, hidden, captures, generation);
    }

    /// <summary>The token ids, positions and padding mask of one pass (a whole batch, or a decode step against a cache).</summary>
    internal readonly ref struct StepInput(ReadOnlySpan<int> ids, ReadOnlySpan<int> positions, int batch, int length, ReadOnlySpan<byte> keyMask)
    {
        public readonly ReadOnlySpan<int> Ids = ids;
        public readonly ReadOnlySpan<int> Positions = positions;
        public readonly int Batch = batch;
        public readonly int Length = length;

        /// <summary>[Batch, cached + Length] or empty.</summary>
        public readonly ReadOnlySpan<byte> KeyMask = keyMask;

        public int Rows => Batch * Length;
    }

    /// <summary>
    /// Embeds, runs every block (appending this pass's keys/values to <paramref name="cache"/>) and applies the final
    /// norm; the residual stream of block l's input stays in <c>_hidden[l]</c> when <paramref name="keepHidden"/>.
    /// </summary>
    internal void RunModel(in StepInput input, KeyValueCache cache, bool keepLayers, bool keepHidden,
        IReadOnlyList<Intervention> interventions, IReadOnlyList<ActivationCapture> captureRequests, float[][] captures)
    {
        var rows = input.Rows;
        var d = _spec.HiddenSize;
        if (_spec.SlidingWindow is { } window && cache.Length + input.Length > window)
            throw new NotSupportedException($"{cache.Length + input.Length} positions exceed the model's sliding attention window of {window}; only full causal attention is implemented");
        EnsureLayerBuffers(keepLayers ? _spec.LayerCount : 1, keepHidden ? _spec.LayerCount + 1 : 2, rows * d);
        using (Section("embed")) Embed(input, _hidden[0].AsSpan(0, rows * d));
        for (var l = 0; l < _spec.LayerCount; l++)
        {
            var hIn = _hidden[keepHidden ? l : l % 2].AsSpan(0, rows * d);
            var hOut = _hidden[keepHidden ? l + 1 : (l + 1) % 2].AsSpan(0, rows * d);
            var act = _activations[keepLayers ? l : 0];
            RunBlock(Blocks[l], act, input, cache, hIn, hOut, keepLayers);
            ApplyInterventions(interventions, l, hOut, act, rows);
            Capture(captureRequests, captures, l, act, hOut);
        }
        var last = _hidden[keepHidden ? _spec.LayerCount : _spec.LayerCount % 2].AsSpan(0, rows * d);
        using (Section("norm")) NormForward(FinalNorm, last, GrowableBuffer.Ensure(ref _finalNormed, rows * d),
            GrowableBuffer.Ensure(ref _finalMean, rows), GrowableBuffer.Ensure(ref _finalRstd, rows));
        cache.Length += input.Length;
    }

    /// <summary>One inference pass that appends to <paramref name="cache"/> (prefill or decode); logits follow via <see cref="ComputeLogits"/>.</summary>
    internal void RunDecodeStep(in StepInput input, KeyValueCache cache)
    {
        _saved = null;
        RunModel(input, cache, keepLayers: false, keepHidden: false, [], [], []);
    }

    /// <summary>Logits of the given rows of the last pass into <paramref name="logits"/> ([rows, vocabulary]).</summary>
    internal void ComputeLogits(ReadOnlySpan<int> rows, Span<float> logits)
    {
        var d = _spec.HiddenSize;
        var gathered = GrowableBuffer.Ensure(ref _logitInput, rows.Length * d);
        for (var i = 0; i < rows.Length; i++)
            _finalNormed.AsSpan(rows[i] * d, d).CopyTo(gathered.Slice(i * d, d));
        using (Section("head")) Head.Forward(gathered, logits, rows.Length);
    }

    /// <summary>The logits buffer of the workspace (decoding reads it without allocating).</summary>
    internal Span<float> LogitsWorkspace(int rows) => GrowableBuffer.Ensure(ref _logits, rows * _spec.VocabSize);

    private void EnsureLayerBuffers(int activationSets, int hiddenBuffers, int hiddenElements)
    {
        if (_activations.Length < activationSets)
        {
            var grown = new LayerActivations[activationSets];
            _activations.CopyTo(grown, 0);
            for (var i = _activations.Length; i < activationSets; i++) grown[i] = new LayerActivations();
            _activations = grown;
        }
        if (_hidden.Length < hiddenBuffers)
        {
            var grown = new float[hiddenBuffers][];
            _hidden.CopyTo(grown, 0);
            for (var i = _hidden.Length; i < hiddenBuffers; i++) grown[i] = [];
            _hidden = grown;
        }
        for (var i = 0; i < hiddenBuffers; i++) GrowableBuffer.Ensure(ref _hidden[i], hiddenElements);
    }

    private void Embed(in StepInput input, Span<float> h)
    {
        var d = _spec.HiddenSize;
        var positionRow = PositionEmbedding is null ? default : GrowableBuffer.Ensure(ref _positionRow, d);
        for (var r = 0; r < input.Rows; r++)
        {
            var id = input.Ids[r];
            if ((uint)id >= (uint)_spec.VocabSize)
                throw new ArgumentOutOfRangeException(nameof(input), id, $"token id at row {r} is outside the vocabulary of {_spec.VocabSize}");
            var row = h.Slice(r * d, d);
            Embedding.ReadRow(id, row);
            if (PositionEmbedding is not null)
            {
                PositionEmbedding.ReadRow(input.Positions[r], positionRow);
                TensorPrimitives.Add(row, positionRow, row);
            }
        }
    }

    private void RunBlock(TransformerBlock block, LayerActivations act, in StepInput input, KeyValueCache cache,
        ReadOnlySpan<float> h, Span<float> hOut, bool keepProbabilities)
    {
        var n = input.Rows;
        var d = _spec.HiddenSize;
        var a = GrowableBuffer.Ensure(ref act.NormedInput, n * d);
        using (Section("norm")) NormForward(block.InputNorm, h, a, GrowableBuffer.Ensure(ref act.InputMean, n), GrowableBuffer.Ensure(ref act.InputRstd, n));
        var attentionOut = Attention(block, act, a, input, cache, keepProbabilities);

        Span<float> mlpInput;
        if ((_spec.Residual != ResidualKind.Sequential))
        {
            if (block.PostAttentionNorm is null) mlpInput = a;
            else
            {
                mlpInput = GrowableBuffer.Ensure(ref act.NormedMiddle, n * d);
                using (Section("norm")) NormForward(block.PostAttentionNorm, h, mlpInput, GrowableBuffer.Ensure(ref act.MiddleMean, n), GrowableBuffer.Ensure(ref act.MiddleRstd, n));
            }
            var mlpOut = Mlp(block, act, mlpInput, n);
            using var residual = Section("residual");
            TensorPrimitives.Add(h, attentionOut, hOut);
            TensorPrimitives.Add(hOut, mlpOut, hOut);
        }
        else
        {
            var middle = GrowableBuffer.Ensure(ref act.Middle, n * d);
            using (Section("residual")) TensorPrimitives.Add(h, attentionOut, middle);
            mlpInput = GrowableBuffer.Ensure(ref act.NormedMiddle, n * d);
            using (Section("norm")) NormForward(block.PostAttentionNorm!, middle, mlpInput, GrowableBuffer.Ensure(ref act.MiddleMean, n), GrowableBuffer.Ensure(ref act.MiddleRstd, n));
            var mlpOut = Mlp(block, act, mlpInput, n);
            using (Section("residual")) TensorPrimitives.Add(middle, mlpOut, hOut);
        }
    }

    /// <summary>q/k/v projections, rotary, cache append, causal attention and the output projection.</summary>
    private Span<float> Attention(TransformerBlock block, LayerActivations act, ReadOnlySpan<float> a, in StepInput input,
        KeyValueCache cache, bool keepProbabilities)
    {
        var n = input.Rows;
        var qw = _spec.QueryWidth;
        var kw = _spec.KvWidth;
        var q = GrowableBuffer.Ensure(ref act.Queries, n * qw);
        var k = GrowableBuffer.Ensure(ref act.NewKeys, n * kw);
        var v = GrowableBuffer.Ensure(ref act.NewValues, n * kw);
        if (block.QueryKeyValue is { } fused)
        {
            var qkv = GrowableBuffer.Ensure(ref act.FusedQkv, n * FusedQkvWidth);
            using (Section("qkv")) fused.Forward(a, qkv, n);
            using (Section("qkv split")) _fusedQkv.Split(qkv, q, k, v, n);
        }
        else
        {
            using var projections = Section("qkv");
            block.Query!.Forward(a, q, n);
            block.Key!.Forward(a, k, n);
            block.Value!.Forward(a, v, n);
        }
        if (_rotary is not null)
        {
            using var rotary = Section("rotary");
            _rotary.Apply(q, input.Positions, _spec.HeadCount);
            _rotary.Apply(k, input.Positions, _spec.KvHeadCount);
        }
        var past = cache.Length;
        if (past + input.Length > cache.Capacity)
            throw new InvalidOperationException($"the KV cache holds {cache.Capacity} positions; {past} are used and {input.Length} more were given");
        var cacheKeys = cache.Keys(block.Index);
        var cacheValues = cache.Values(block.Index);
        for (var b = 0; b < input.Batch; b++)
        {
            var source = b * input.Length * kw;
            var target = (b * cache.Capacity + past) * kw;
            k.Slice(source, input.Length * kw).CopyTo(cacheKeys.Slice(target, input.Length * kw));
            v.Slice(source, input.Length * kw).CopyTo(cacheValues.Slice(target, input.Length * kw));
        }
        var shape = new AttentionShape(input.Batch, input.Length, past + input.Length, cache.Capacity, _spec.HeadCount, _spec.KvHeadCount, _spec.HeadDim);
        var context = GrowableBuffer.Ensure(ref act.Context, n * qw);
        var probabilities = keepProbabilities ? GrowableBuffer.Ensure(ref act.Probabilities, shape.ProbabilityElements) : default;
        using (Section("attention")) CausalAttention.Forward(shape, q, cacheKeys, cacheValues, input.KeyMask, context, probabilities);
        var output = GrowableBuffer.Ensure(ref act.AttentionOut, n * _spec.HiddenSize);
        using (Section("attention out")) block.AttentionOutput.Forward(context, output, n);
        return output;
    }

    private Span<float> Mlp(TransformerBlock block, LayerActivations act, ReadOnlySpan<float> m, int n)
    {
        var width = _spec.IntermediateSize;
        var up = GrowableBuffer.Ensure(ref act.Up, n * width);
        var key = GrowableBuffer.Ensure(ref act.Key, n * width);
        using (Section("mlp up")) block.Up.Forward(m, up, n);
        if ((_spec.Mlp == MlpKind.Gated))
        {
            var gate = GrowableBuffer.Ensure(ref act.Gate, n * width);
            using (Section("mlp up")) block.Gate!.Forward(m, gate, n);
            using (Section("activation")) RowParallelOps.GatedSilu(gate, up, key, width);
        }
        else
        {
            using (Section("activation")) RowParallelOps.Gelu(up, key, width, _geluKind);
        }
        var output = GrowableBuffer.Ensure(ref act.MlpOut, n * _spec.HiddenSize);
        using (Section("mlp down")) block.Down.Forward(key, output, n);
        return output;
    }

    private void NormForward(NormWeights norm, ReadOnlySpan<float> x, Span<float> y, Span<float> mean, Span<float> rstd)
    {
        RowParallelOps.Norm(_spec.Norm == NormKind.RmsNorm, x, norm.Weight.Float32Values, norm.Bias is null ? default : norm.Bias.Float32Values,
            y, mean, rstd, _spec.HiddenSize, _normEpsilon);
    }

    /// <summary>
    /// Adds each intervention's vector at its rows. An MLP-output δ also shows in the MLP-output activation (as a
    /// forward hook on the MLP module would); both kinds land in the block's output.
    /// </summary>
    private void ApplyInterventions(IReadOnlyList<Intervention> interventions, int layer, Span<float> hOut, LayerActivations act, int rows)
    {
        var d = _spec.HiddenSize;
        foreach (var iv in interventions)
        {
            if (iv.Layer != layer) continue;
            foreach (var row in iv.Rows)
            {
                TensorPrimitives.Add(hOut.Slice(row * d, d), iv.Vector, hOut.Slice(row * d, d));
                if (iv.Site == ActivationSite.MlpOutput)
                    TensorPrimitives.Add(act.MlpOut.AsSpan(row * d, d), iv.Vector, act.MlpOut.AsSpan(row * d, d));
            }
        }
    }

    private void Capture(IReadOnlyList<ActivationCapture> requests, float[][] captures, int layer, LayerActivations act, ReadOnlySpan<float> hOut)
    {
        for (var i = 0; i < requests.Count; i++)
        {
            var c = requests[i];
            if (c.Layer != layer) continue;
            var width = c.Site == ActivationSite.MlpKey ? _spec.IntermediateSize : _spec.HiddenSize;
            ReadOnlySpan<float> source = c.Site switch
            {
                ActivationSite.MlpKey => act.Key,
                ActivationSite.MlpOutput => act.MlpOut,
                _ => hOut,
            };
            for (var j = 0; j < c.Rows.Count; j++)
                source.Slice(c.Rows[j] * width, width).CopyTo(captures[i].AsSpan(j * width, width));
        }
    }

    private float[][] AllocateCaptures(IReadOnlyList<ActivationCapture> requests)
    {
        var result = new float[requests.Count][];
        for (var i = 0; i < requests.Count; i++)
        {
            var width = requests[i].Site == ActivationSite.MlpKey ? _spec.IntermediateSize : _spec.HiddenSize;
            result[i] = new float[requests[i].Rows.Count * width];
        }
        return result;
    }

    private void ValidateForward(TokenBatch batch, ForwardOptions options)
    {
        var rows = batch.RowCount;
        if (PositionEmbedding is not null && batch.Length > PositionEmbedding.Rows)
            throw new ArgumentException($"sequences of {batch.Length} tokens exceed the {PositionEmbedding.Rows} learned positions", nameof(batch));
        if (options.LogitRows is { } logitRows)
            foreach (var r in logitRows) CheckRow(r, rows, "logit row");
        foreach (var c in options.Captures)
        {
            CheckLayer(c.Layer);
            foreach (var r in c.Rows) CheckRow(r, rows, "capture row");
        }
        foreach (var iv in options.Interventions)
        {
            CheckLayer(iv.Layer);
            if (iv.Site == ActivationSite.MlpKey)
                throw new ArgumentException("interventions add to the MLP output or the block output, not to the MLP key", nameof(options));
            if (iv.Vector.Length != _spec.HiddenSize)
                throw new ArgumentException($"intervention vector has {iv.Vector.Length} elements; the hidden size is {_spec.HiddenSize}", nameof(options));
            foreach (var r in iv.Rows) CheckRow(r, rows, "intervention row");
        }

        void CheckLayer(int layer)
        {
            if ((uint)layer >= (uint)_spec.LayerCount)
                throw new ArgumentOutOfRangeException(nameof(options), layer, $"layer must be in 0..{_spec.LayerCount - 1}");
        }
        static void CheckRow(int row, int count, string what)
        {
            if ((uint)row >= (uint)count)
                throw new ArgumentOutOfRangeException(nameof(options), row, $"{what} must be in 0..{count - 1}");
        }
    }
}
