using System.Numerics.Tensors;
using Emend.Models.Architecture;
using Emend.Numerics;

namespace Emend.Models.Runtime;

public sealed partial class Transformer
{
    private float[] _dFinal = [];
    private float[] _dGathered = [];
    private float[] _dResidualA = [];
    private float[] _dResidualB = [];
    private float[] _dNormScratch = [];
    private float[] _dNormed = [];
    private float[] _dNormedInput = [];
    private float[] _dKey = [];
    private float[] _dUp = [];
    private float[] _dGate = [];
    private float[] _dContext = [];
    private float[] _dQueries = [];
    private float[] _dKeys = [];
    private float[] _dValues = [];
    private float[] _dFused = [];

    /// <summary>
    /// Back-propagates dLoss/dLogits (aligned with <paramref name="result"/>'s logits rows) through the forward pass
    /// that produced <paramref name="result"/>, which must be this model's latest and have kept its activations.
    /// Returns dLoss/dδ for every intervention of that pass and dLoss/dθ for each parameter in
    /// <paramref name="parameters"/>; blocks below the lowest one that a requested gradient depends on are skipped.
    /// </summary>
    public Gradients Backward(ForwardResult result, ReadOnlySpan<float> dLogits, IEnumerable<ModelParameter>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Backward(result, dLogits, CreateGradients(parameters ?? []));
    }

    /// <summary>
    /// As <see cref="Backward(ForwardResult, ReadOnlySpan{float}, IEnumerable{ModelParameter}?)"/>, but adds dLoss/dθ
    /// to the arrays of <paramref name="accumulator"/> (from <see cref="CreateGradients"/>) instead of new ones: a
    /// training loop reuses them (<see cref="Gradients.Clear"/> between steps) or sums micro-batches in them. The
    /// result shares those arrays; its intervention gradients are new.
    /// </summary>
    public Gradients Backward(ForwardResult result, ReadOnlySpan<float> dLogits, Gradients accumulator)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(accumulator);
        var saved = _saved;
        if (saved is null || saved.Generation != result.Generation)
            throw new InvalidOperationException("backward needs the activations of this model's latest forward pass, run with KeepForBackward = true");
        if (dLogits.Length != result.Logits.Length)
            throw new ArgumentException($"dLogits has {dLogits.Length} elements; the forward pass produced {result.Logits.Length} logits", nameof(dLogits));

        var lowest = _spec.LayerCount;
        foreach (var p in accumulator.Parameters) lowest = Math.Min(lowest, Math.Max(LayerOf(p), 0));
        foreach (var iv in saved.Interventions) lowest = Math.Min(lowest, iv.Layer + 1);
        var gradients = accumulator.WithInterventions(saved.Interventions.Select(_ => new float[_spec.HiddenSize]).ToArray());

        var batch = saved.Batch;
        var n = batch.RowCount;
        var d = _spec.HiddenSize;
        var dh = HeadBackward(saved.LogitRows, dLogits, n, gradients);
        var dhPrevious = GrowableBuffer.Ensure(ref _dResidualB, n * d);
        for (var l = _spec.LayerCount - 1; l >= 0; l--)
        {
            for (var i = 0; i < saved.Interventions.Count; i++)
            {
                var iv = saved.Interventions[i];
                if (iv.Layer != l) continue;
                foreach (var row in iv.Rows)
                    TensorPrimitives.Add(gradients.Interventions[i], dh.Slice(row * d, d), gradients.Interventions[i]);
            }
            if (l < lowest) return gradients;
            BlockBackward(Blocks[l], batch, dh, dhPrevious, gradients);
            var swap = dh;
            dh = dhPrevious;
            dhPrevious = swap;
        }
        using (Section("embed backward")) EmbeddingBackward(batch, dh, gradients);
        return gradients;
    }

    /// <summary>Zeroed dLoss/dθ arrays for <paramref name="parameters"/> (duplicates once), to accumulate backward passes into.</summary>
    /// <exception cref="ArgumentException">A parameter does not belong to this model.</exception>
    public Gradients CreateGradients(IEnumerable<ModelParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var arrays = new Dictionary<ModelParameter, float[]>();
        foreach (var p in parameters)
        {
            LayerOf(p);
            arrays.TryAdd(p, new float[p.ElementCount]);
        }
        return new Gradients(arrays, []);
    }

    /// <summary>Logits → final norm: returns dLoss/d(output of the last block).</summary>
    private Span<float> HeadBackward(int[] logitRows, ReadOnlySpan<float> dLogits, int n, Gradients gradients)
    {
        var d = _spec.HiddenSize;
        var rows = logitRows.Length;
        var dFinal = GrowableBuffer.Ensure(ref _dFinal, n * d);
        dFinal.Clear();
        var dGathered = GrowableBuffer.Ensure(ref _dGathered, rows * d);
        using (Section("head backward")) Head.BackwardInput(dLogits, dGathered, rows, accumulate: false);
        for (var i = 0; i < rows; i++)
            TensorPrimitives.Add(dFinal.Slice(logitRows[i] * d, d), dGathered.Slice(i * d, d), dFinal.Slice(logitRows[i] * d, d));
        using (Section("head weight gradient")) LinearGradients(Head, dLogits, _logitInput.AsSpan(0, rows * d), rows, gradients);
        var dh = GrowableBuffer.Ensure(ref _dResidualA, n * d);
        NormBackward(FinalNorm, dFinal, _hidden[_spec.LayerCount].AsSpan(0, n * d), _finalMean, _finalRstd, dh, n, gradients);
        return dh;
    }

    /// <summary>dLoss/d(block output) → dLoss/d(block input), adding the gradients of requested block parameters.</summary>
    private void BlockBackward(TransformerBlock block, TokenBatch batch, ReadOnlySpan<float> dOut, Span<float> dIn, Gradients gradients)
    {
        var act = _activations[block.Index];
        var n = batch.RowCount;
        var d = _spec.HiddenSize;
        var width = _spec.IntermediateSize;
        var h = _hidden[block.Index].AsSpan(0, n * d);

        // MLP: down-projection, activation, up (and gate) projections.
        var dKey = GrowableBuffer.Ensure(ref _dKey, n * width);
        using (Section("mlp down backward")) block.Down.BackwardInput(dOut, dKey, n, accumulate: false);
        using (Section("mlp down weight gradient")) LinearGradients(block.Down, dOut, act.Key.AsSpan(0, n * width), n, gradients);
        var sharedNorm = (_spec.Residual != ResidualKind.Sequential) && block.PostAttentionNorm is null;
        ReadOnlySpan<float> m = (sharedNorm ? act.NormedInput : act.NormedMiddle).AsSpan(0, n * d);
        var dm = GrowableBuffer.Ensure(ref _dNormed, n * d);
        var dUp = GrowableBuffer.Ensure(ref _dUp, n * width);
        if ((_spec.Mlp == MlpKind.Gated))
        {
            var dGate = GrowableBuffer.Ensure(ref _dGate, n * width);
            using (Section("activation backward")) RowParallelOps.GatedSiluBackward(dKey, act.Gate.AsSpan(0, n * width), act.Up.AsSpan(0, n * width), dGate, dUp, width);
            using var upBackward = Section("mlp up backward");
            block.Gate!.BackwardInput(dGate, dm, n, accumulate: false);
            block.Up.BackwardInput(dUp, dm, n, accumulate: true);
            LinearGradients(block.Gate, dGate, m, n, gradients);
        }
        else
        {
            using (Section("activation backward")) RowParallelOps.GeluBackward(dKey, act.Up.AsSpan(0, n * width), dUp, width, _geluKind);
            using (Section("mlp up backward")) block.Up.BackwardInput(dUp, dm, n, accumulate: false);
        }
        using (Section("mlp up weight gradient")) LinearGradients(block.Up, dUp, m, n, gradients);

        // Residual structure: which norm the MLP read, and what the attention output's gradient is.
        var dx = GrowableBuffer.Ensure(ref _dNormScratch, n * d);
        var da = GrowableBuffer.Ensure(ref _dNormedInput, n * d);
        bool daHoldsMlpPart;
        ReadOnlySpan<float> dAttentionOut;
        if ((_spec.Residual != ResidualKind.Sequential))
        {
            dOut.CopyTo(dIn);
            dAttentionOut = dOut;
            daHoldsMlpPart = sharedNorm;
            if (sharedNorm) dm.CopyTo(da);
            else
            {
                NormBackward(block.PostAttentionNorm!, dm, h, act.MiddleMean, act.MiddleRstd, dx, n, gradients);
                TensorPrimitives.Add(dIn, dx, dIn);
            }
        }
        else
        {
            NormBackward(block.PostAttentionNorm!, dm, act.Middle.AsSpan(0, n * d), act.MiddleMean, act.MiddleRstd, dx, n, gradients);
            TensorPrimitives.Add(dOut, dx, dIn);
            dAttentionOut = dIn;
            daHoldsMlpPart = false;
        }

        // Attention: output projection, softmax·V, rotary, q/k/v projections.
        var qw = _spec.QueryWidth;
        var kw = _spec.KvWidth;
        var dContext = GrowableBuffer.Ensure(ref _dContext, n * qw);
        using (Section("attention out backward")) block.AttentionOutput.BackwardInput(dAttentionOut, dContext, n, accumulate: false);
        using (Section("attention out weight gradient")) LinearGradients(block.AttentionOutput, dAttentionOut, act.Context.AsSpan(0, n * qw), n, gradients);
        var dq = GrowableBuffer.Ensure(ref _dQueries, n * qw);
        var dk = GrowableBuffer.Ensure(ref _dKeys, n * kw);
        var dv = GrowableBuffer.Ensure(ref _dValues, n * kw);
        var shape = new AttentionShape(batch.BatchSize, batch.Length, batch.Length, batch.Length, _spec.HeadCount, _spec.KvHeadCount, _spec.HeadDim);
        using (Section("attention backward")) CausalAttention.Backward(shape, dContext, act.Queries.AsSpan(0, n * qw), _transientCache.Keys(block.Index),
            _transientCache.Values(block.Index), batch.KeyMask, act.Probabilities.AsSpan(0, shape.ProbabilityElements), dq, dk, dv);
        if (_rotary is not null)
        {
            using var rotary = Section("rotary backward");
            _rotary.ApplyBackward(dq, batch.Positions, _spec.HeadCount);
            _rotary.ApplyBackward(dk, batch.Positions, _spec.KvHeadCount);
        }
        ReadOnlySpan<float> a = act.NormedInput.AsSpan(0, n * d);
        if (block.QueryKeyValue is { } fused)
        {
            var dFused = GrowableBuffer.Ensure(ref _dFused, n * FusedQkvWidth);
            using (Section("qkv split")) _fusedQkv.Merge(dq, dk, dv, dFused, n);
            using (Section("qkv backward")) fused.BackwardInput(dFused, da, n, daHoldsMlpPart);
            using (Section("qkv weight gradient")) LinearGradients(fused, dFused, a, n, gradients);
        }
        else
        {
            using var projections = Section("qkv backward");
            block.Query!.BackwardInput(dq, da, n, daHoldsMlpPart);
            block.Key!.BackwardInput(dk, da, n, accumulate: true);
            block.Value!.BackwardInput(dv, da, n, accumulate: true);
            LinearGradients(block.Query, dq, a, n, gradients);
            LinearGradients(block.Key, dk, a, n, gradients);
            LinearGradients(block.Value, dv, a, n, gradients);
        }
        NormBackward(block.InputNorm, da, h, act.InputMean, act.InputRstd, dx, n, gradients);
        using (Section("residual")) TensorPrimitives.Add(dIn, dx, dIn);
    }

    private void EmbeddingBackward(TokenBatch batch, ReadOnlySpan<float> dh, Gradients gradients)
    {
        var d = _spec.HiddenSize;
        var dEmbedding = gradients.Of(Embedding);
        var dPosition = gradients.Of(PositionEmbedding);
        if (dEmbedding.IsEmpty && dPosition.IsEmpty) return;
        for (var r = 0; r < batch.RowCount; r++)
        {
            var row = dh.Slice(r * d, d);
            if (!dEmbedding.IsEmpty)
                TensorPrimitives.Add(dEmbedding.Slice(batch.Ids[r] * d, d), row, dEmbedding.Slice(batch.Ids[r] * d, d));
            if (!dPosition.IsEmpty)
                TensorPrimitives.Add(dPosition.Slice(batch.Positions[r] * d, d), row, dPosition.Slice(batch.Positions[r] * d, d));
        }
    }

    private static void LinearGradients(LinearWeight weight, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, int rows, Gradients gradients)
    {
        if (gradients.Has(weight.Weight)) weight.AccumulateWeightGradient(dy, x, rows, gradients.Of(weight.Weight));
        if (gradients.Has(weight.Bias)) weight.AccumulateBiasGradient(dy, rows, gradients.Of(weight.Bias));
    }

    /// <summary>dx is overwritten; gain/bias gradients are added only when requested (ops skip empty spans).</summary>
    private void NormBackward(NormWeights norm, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> rstd, Span<float> dx, int rows, Gradients gradients)
    {
        var d = _spec.HiddenSize;
        using var section = Section("norm backward");
        if (_spec.Norm == NormKind.RmsNorm)
            RmsNorm.Backward(dy, x, norm.Weight.Float32Values, rstd[..rows], dx, gradients.Of(norm.Weight), d);
        else
            LayerNorm.Backward(dy, x, norm.Weight.Float32Values, mean[..rows], rstd[..rows], dx, gradients.Of(norm.Weight), gradients.Of(norm.Bias), d);
    }
}
