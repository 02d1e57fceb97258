using Emend.Numerics;

namespace Emend.Models.Architecture;

public sealed partial record TransformerSpec
{
    /// <summary>
    /// Every tensor a checkpoint for this spec holds, with its shape in the stored orientation, in the order of the
    /// generic loop (embeddings, blocks, final norm, head). A tied head contributes no weight.
    /// </summary>
    public IReadOnlyList<ExpectedTensor> ExpectedTensors()
    {
        var list = new List<ExpectedTensor>();
        void Add(TensorRole role, int? layer, bool isBias, params int[] dims) =>
            list.Add(new ExpectedTensor(isBias ? Names.Bias(role, layer ?? 0) : Names.Weight(role, layer ?? 0), role, layer, isBias, new Shape(dims)));
        void AddNorm(TensorRole role, int? layer)
        {
            Add(role, layer, false, HiddenSize);
            if (Norm == NormKind.LayerNorm) Add(role, layer, true, HiddenSize);
        }
        void AddProjection(TensorRole role, int layer, int outputs, int inputs, bool bias)
        {
            Add(role, layer, false, WeightOrientation == WeightOrientation.OutputByInput ? [outputs, inputs] : [inputs, outputs]);
            if (bias) Add(role, layer, true, outputs);
        }

        Add(TensorRole.TokenEmbedding, null, false, VocabSize, HiddenSize);
        if (Position == PositionScheme.LearnedAbsolute) Add(TensorRole.PositionEmbedding, null, false, MaxPositions, HiddenSize);
        for (var layer = 0; layer < LayerCount; layer++)
        {
            AddNorm(TensorRole.AttentionNorm, layer);
            if (QkvPacking == QkvPacking.Separate)
            {
                AddProjection(TensorRole.Query, layer, QueryWidth, HiddenSize, Biases.Qkv);
                AddProjection(TensorRole.Key, layer, KvWidth, HiddenSize, Biases.Qkv);
                AddProjection(TensorRole.Value, layer, KvWidth, HiddenSize, Biases.Qkv);
            }
            else
            {
                AddProjection(TensorRole.FusedQkv, layer, QueryWidth + 2 * KvWidth, HiddenSize, Biases.Qkv);
            }
            AddProjection(TensorRole.AttentionOut, layer, HiddenSize, QueryWidth, Biases.AttentionOut);
            if (Residual != ResidualKind.ParallelSharedNorm) AddNorm(TensorRole.MlpNorm, layer);
            if (Mlp == MlpKind.Gated) AddProjection(TensorRole.MlpGate, layer, IntermediateSize, HiddenSize, Biases.Mlp);
            AddProjection(TensorRole.MlpUp, layer, IntermediateSize, HiddenSize, Biases.Mlp);
            AddProjection(TensorRole.MlpDown, layer, HiddenSize, IntermediateSize, Biases.Mlp);
        }
        AddNorm(TensorRole.FinalNorm, null);
        if (!TiedEmbeddings) Add(TensorRole.LmHead, null, false, VocabSize, HiddenSize);
        if (Biases.LmHead) Add(TensorRole.LmHead, null, true, VocabSize);
        return list;
    }

    /// <summary>Number of distinct parameters (a tied head counted once); equals the element count of a checkpoint that does not store the tied copy.</summary>
    public long ParameterCount => ExpectedTensors().Sum(t => t.Shape.ElementCount);
}
